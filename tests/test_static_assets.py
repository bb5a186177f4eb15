"""Static files as production serves them: collected with DEBUG off, every file they refer to present.

With DJANGO_DEBUG=0 the storage is WhiteNoise's CompressedManifestStaticFilesStorage (pilotbook.web.storage: each
address worked out once per process), which rewrites every
url(...) in CSS and every sourceMappingURL in JavaScript to a hashed name and stops collectstatic at the first
one that points nowhere; without a manifest every page that uses {% static %} answers 500. Running the real
command in a subprocess is the honest check: the settings are read from the environment as in production.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

BIN = Path(sys.executable).parent / "pilotbook"
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pilotbook.web.storage.ManifestStaticFilesStorage"},
}
# `import ... from "./x"` and `import("./x")` in ES modules. Django's manifest storage leaves .mjs files alone,
# so a relative import is served by its unhashed name: the file must exist beside the module.
RELATIVE_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("production-static")
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
           "PILOTBOOK_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([str(BIN), "collectstatic", "--noinput"], capture_output=True, text=True, timeout=300,
                            env=env)
    return result, data_dir / "staticfiles"


def test_collectstatic_with_debug_off_finds_every_file_the_css_and_javascript_refer_to(collected):
    result, _root = collected
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_manifest_has_hashed_names_for_the_images_the_stylesheets_use(collected):
    result, root = collected
    assert result.returncode == 0, result.stderr[-3000:]
    paths = json.loads((root / "staticfiles.json").read_text())["paths"]
    for name in ("pilotbook/css/pilotbook.css", "pilotbook/images/govuk-crest.svg",
                 "pilotbook/vendor/leaflet/images/layers.png", "pilotbook/vendor/leaflet/leaflet.js.map"):
        assert name in paths, name
    css = (root / paths["pilotbook/css/pilotbook.css"]).read_text()
    assert paths["pilotbook/images/govuk-crest.svg"].rsplit("/", 1)[1] in css


def test_every_relative_import_in_a_javascript_module_points_to_a_collected_file(collected):
    result, root = collected
    assert result.returncode == 0, result.stderr[-3000:]
    modules = [*root.rglob("*.mjs"), *root.rglob("*.js")]
    assert any(p.name == "init.mjs" for p in modules)
    missing = [f"{module.relative_to(root)} imports {target}"
               for module in modules for target in RELATIVE_IMPORT.findall(module.read_text(errors="replace"))
               if not (module.parent / target).is_file()]
    assert not missing


@pytest.mark.django_db
def test_pages_and_the_not_found_page_render_with_the_production_static_storage(collected, client):
    result, root = collected
    assert result.returncode == 0, result.stderr[-3000:]
    with override_settings(STORAGES=PRODUCTION_STATIC, STATIC_ROOT=root, DEBUG=False):
        home = client.get("/")
        missing = client.get("/no-such-page/")
    assert home.status_code == 200
    assert re.search(r'href="/static/pilotbook/css/pilotbook\.[0-9a-f]{12}\.css"', home.content.decode())
    assert missing.status_code == 404


def test_each_address_is_worked_out_once_and_a_missing_name_still_fails(collected):
    """The production storage keeps each file's address (pilotbook.web.storage): asked again, it gives the same
    hashed address; a name the manifest lacks is refused every time, never kept."""
    result, root = collected
    assert result.returncode == 0, result.stderr[-3000:]
    from django.contrib.staticfiles.storage import staticfiles_storage

    with override_settings(STORAGES=PRODUCTION_STATIC, STATIC_ROOT=root, DEBUG=False):
        first = staticfiles_storage.url("pilotbook/css/pilotbook.css")
        assert re.fullmatch(r"/static/pilotbook/css/pilotbook\.[0-9a-f]{12}\.css", first)
        assert staticfiles_storage.url("pilotbook/css/pilotbook.css") == first
        for _ in range(2):
            with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
                staticfiles_storage.url("pilotbook/no-such-file.css")
        with override_settings(STATIC_URL="/assets/"):  # a new storage, a new address
            assert staticfiles_storage.url("pilotbook/css/pilotbook.css").startswith("/assets/pilotbook/css/")
