"""Production settings: `pilotbook check --deploy` is clean with the environment file docs/deploy.md gives.

The check runs in a subprocess, as production does, so the settings are read from those environment variables.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from pilotbook.config.settings import env_proxy_ssl_header

BIN = Path(sys.executable).parent / "pilotbook"
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"
ENV_FILE_HEADING = "# /etc/pilotbook/pilotbook.env"


def documented_environment() -> dict[str, str]:
    """The KEY=value lines of the guide's environment file (the fenced block that starts with its path)."""
    block = re.search(rf"```sh\n{re.escape(ENV_FILE_HEADING)}.*?\n(.*?)```", GUIDE.read_text(), re.S)
    assert block, f"docs/deploy.md has no block starting {ENV_FILE_HEADING!r}"
    return dict(line.split("=", 1) for line in block.group(1).splitlines() if line and not line.startswith("#"))


def check_deploy(tmp_path, settings: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from this machine's environment without any Pilotbook or Django setting, so only `settings` count.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PILOTBOOK_", "DATABASE_URL"))}
    env.update(settings)
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)  # the guide's placeholder, made as it says
    env["PILOTBOOK_DATA_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"  # the check does not connect; no server needed
    return subprocess.run([str(BIN), "check", "--deploy", "--fail-level", "WARNING"], capture_output=True,
                          text=True, timeout=120, env=env)


def test_the_documented_production_settings_pass_the_deployment_checks(tmp_path):
    settings = documented_environment()
    assert settings["DJANGO_DEBUG"] == "0" and settings["DJANGO_SECURE_HSTS_SECONDS"] == "31536000"
    result = check_deploy(tmp_path, settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_https_settings_the_deployment_checks_warn(tmp_path):
    settings = {k: v for k, v in documented_environment().items() if not k.startswith("DJANGO_SECURE_")}
    result = check_deploy(tmp_path, settings)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_the_proxy_header_setting_names_the_header_as_django_reads_it(monkeypatch):
    monkeypatch.setenv("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    assert env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("DJANGO_SECURE_PROXY_SSL_HEADER", "")
    assert env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER") is None


@pytest.mark.parametrize("value", ["https", "X-Forwarded-Proto:", ": https"])
def test_a_proxy_header_setting_without_a_header_and_value_stops_the_app_at_start_up(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SECURE_PROXY_SSL_HEADER", value)
    with pytest.raises(RuntimeError, match="X-Forwarded-Proto: https"):
        env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")


def test_https_settings_are_off_unless_set(settings):
    # A laptop or test server on plain HTTP must not be redirected to https:// or pinned by HSTS.
    assert settings.SECURE_HSTS_SECONDS == 0 and not settings.SECURE_SSL_REDIRECT
    assert settings.SECURE_PROXY_SSL_HEADER is None
