"""mypy (ADR 0019) is strict on pilotbook/stats and on every app's services and selectors. Its `files` list in
pyproject.toml names each of those modules, so a new services or selectors module that was not added to it would
go unchecked without anyone noticing: this test fails instead, naming it."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mypy_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def layered_modules() -> set[str]:
    """Every services and selectors module (or package) of pilotbook, as a path relative to the root."""
    found = set()
    for name in ("services", "selectors"):
        found |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "pilotbook").glob(f"*/{name}.py")}
        found |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "pilotbook").glob(f"*/{name}") if p.is_dir()}
    return found


def test_every_services_and_selectors_module_is_type_checked():
    checked = set(mypy_config()["files"])
    missing = sorted(m for m in layered_modules() if m not in checked)
    assert not missing, (
        f"Not type-checked by mypy: {', '.join(missing)}. Add each to [tool.mypy] files in pyproject.toml and make "
        "`make lint` pass (docs/adr/0019-type-checking.md).")


def test_checking_is_strict_and_nothing_in_stats_is_exempt():
    config = mypy_config()
    assert config["strict"] is True
    assert "pilotbook/stats" in config["files"]
    for override in config.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        exempting = override.get("ignore_errors") or override.get("strict") is False
        assert not (exempting and any(m.startswith("pilotbook") for m in modules)), (
            f"pyproject.toml exempts {modules} from mypy's checks; fix the type errors instead (ADR 0019).")
