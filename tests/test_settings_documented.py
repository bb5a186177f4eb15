"""Every environment variable the README and docs/deploy.md document is read by the settings module, and every one
the settings module reads is documented there (a documented setting that nothing reads, or an undocumented one,
fails here)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "pilotbook" / "config" / "settings.py"
DOCS = [ROOT / "README.md", ROOT / "docs" / "deploy.md"]
DOCUMENTED = re.compile(r"\b(PILOTBOOK_[A-Z0-9_]+|DJANGO_[A-Z0-9_]+|DATABASE_URL)\b")
READERS = {"env_bool", "env_list", "env_proxy_ssl_header", "getenv"}


def settings_reads() -> set[str]:
    """The names the settings module reads from the environment: os.environ.get/[...], os.getenv, its env_*
    helpers, and dj_database_url.config (DATABASE_URL unless told another name)."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            first = node.args[0] if node.args else None
            if (func == "os.environ.get" or func.split(".")[-1] in READERS) and isinstance(first, ast.Constant):
                names.add(first.value)
            elif func == "dj_database_url.config":
                env = [k.value.value for k in node.keywords if k.arg == "env" and isinstance(k.value, ast.Constant)]
                names.add(env[0] if env else "DATABASE_URL")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                and isinstance(node.slice, ast.Constant):
            names.add(node.slice.value)
    return names


def documented() -> set[str]:
    return {name for doc in DOCS for name in DOCUMENTED.findall(doc.read_text())}


def test_the_settings_reader_finds_what_the_settings_read():
    reads = settings_reads()
    assert {"DATABASE_URL", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "PILOTBOOK_MATERIAL_MAX_BYTES",
            "DJANGO_SECURE_PROXY_SSL_HEADER", "EMAIL_HOST"} <= reads


def test_every_documented_variable_is_read_by_the_settings():
    unread = documented() - settings_reads()
    assert not unread, f"documented in README.md or docs/deploy.md but never read by settings.py: {sorted(unread)}"


def test_every_variable_the_settings_read_is_documented():
    text = "\n".join(doc.read_text() for doc in DOCS)
    undocumented = sorted(name for name in settings_reads() if f"`{name}`" not in text and f"{name}=" not in text)
    assert not undocumented, f"read by settings.py but not documented in README.md or docs/deploy.md: {undocumented}"
