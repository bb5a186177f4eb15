"""Every key each command prints with --json is documented in its --help (docs/cli.md says where to look)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from pilotbook.api.management.commands import search, similar
from pilotbook.cli import analysis as analysis_cli
from pilotbook.cli import pool as pool_cli
from pilotbook.cli import power as power_cli
from tests.api.helpers import published

BIN = Path(sys.executable).parent / "pilotbook"


def paths(value, prefix: str = "") -> set[str]:
    """Every key in a JSON value, as 'a.b' (key b of object a) and 'a[].b' (key b of each item of list a)."""
    found = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            place = f"{prefix}.{key}" if prefix else key
            found |= {place} | paths(inner, place)
    elif isinstance(value, list):
        for inner in value:
            found |= paths(inner, f"{prefix}[]")
    return found


def undocumented(found: set[str], keys: list[tuple[str, str]]) -> set[str]:
    documented = {key for key, _ in keys}
    free = [key[:-1] for key in documented if key.endswith(".*")]  # 'a.*': keys named by the data
    return {place for place in found if place not in documented and not place.startswith(tuple(free))}


def run(*args) -> dict:
    done = subprocess.run([str(BIN), *map(str, args), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def help_text(*args) -> str:
    done = subprocess.run([str(BIN), *args, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def pilot_file(tmp_path_factory) -> Path:
    rng = np.random.default_rng(7)
    n = 400
    ward = rng.integers(0, 40, n)
    arm = np.where(ward % 2 == 0, "new letter", "old letter")  # each ward in one group: a cluster design
    days = rng.exponential(np.where(arm == "new letter", 21, 46))
    frame = pd.DataFrame({
        "group": arm, "ward": [f"w{w}" for w in ward], "period": rng.choice(["before", "after"], n),
        "contacted": np.where(rng.random(n) < np.where(arm == "new letter", 0.55, 0.35), "yes", "no"),
        "arrears": rng.normal(100, 8, n).round(2), "arrears_before": rng.normal(40, 8, n).round(2),
        "days": np.minimum(days, 90).round(), "made_contact": (days < 90).astype(int),
        "calls": rng.poisson(3, n), "years": rng.uniform(0.5, 1.5, n).round(2),
    })
    path = tmp_path_factory.mktemp("cli") / "pilot.csv"
    frame.to_csv(path, index=False)
    return path


def test_every_key_of_analyse_json_is_documented(pilot_file):
    common = ("--arm", "group", "--control", "old letter")
    found = set()
    for extra in (("--outcome", "contacted", "--worthwhile", "0.05"),
                  ("--outcome", "arrears", "--baseline", "arrears_before", "--worthwhile", "2"),
                  ("--outcome", "calls", "--exposure", "years"),
                  ("--time", "days", "--event", "made_contact"),
                  ("--outcome", "arrears", "--cluster", "ward"),
                  ("--outcome", "arrears", "--period", "period", "--before", "before")):
        found |= paths(run("analyse", pilot_file, *common, *extra))
    assert undocumented(found, analysis_cli.JSON_KEYS) == set()
    assert {"survival.curves[].steps", "arms[].periods", "icc", "comparisons[].verdict"} <= found


def test_every_key_of_power_json_is_documented():
    found = set()
    for args in (("--kind", "binary", "--control-rate", "0.3", "--worthwhile", "0.05"),
                 ("--kind", "binary", "--control-rate", "0.3", "--sample", "500", "--worthwhile", "0.05"),
                 ("--kind", "binary", "--control-rate", "0.3", "--worthwhile", "0.05", "--people-per-council", "400"),
                 ("--kind", "continuous", "--sd", "12", "--worthwhile", "3", "--icc", "0.05", "--cluster-size", "20"),
                 ("--kind", "time-to-event", "--hazard-ratio", "0.8", "--event-probability", "0.5")):
        found |= paths(run("power", *args))
    assert undocumented(found, power_cli.JSON_KEYS) == set()


def test_every_key_of_pool_json_is_documented(tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("label,events_t,n_t,events_c,n_c\nA,30,100,20,100\nB,25,90,22,95\nC,40,120,30,118\n")
    means = tmp_path / "means.csv"
    means.write_text("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n5,2,50,6,2,50\n4.5,2,40,6,2.1,45\n")
    found = paths(run("pool", counts)) | paths(run("pool", means, "--hksj"))
    assert undocumented(found, pool_cli.JSON_KEYS) == set()


@pytest.mark.django_db
def test_every_key_of_search_and_similar_json_is_documented(home_council, officer, other_council, other_officer):
    published(other_council, other_officer, title="Text reminders before bin collection day", visibility="public",
              service_area="waste", problem="Residents miss bin collection day and bins are not put out.",
              change="Send a text message reminder the evening before bin collection day.")
    published(home_council, officer, title="Clearer arrears letter")
    out = io.StringIO()
    call_command("search", "bin collection text", "--json", stdout=out)
    assert undocumented(paths(json.loads(out.getvalue())), search.Command.json_keys) == set()
    out = io.StringIO()
    call_command("similar", "text residents the night before bin collection day", "--json", stdout=out)
    found = paths(json.loads(out.getvalue()))
    assert "results[].effect_interval.estimate" in found
    assert undocumented(found, similar.Command.json_keys) == set()


@pytest.mark.parametrize(("command", "keys"), [
    ("analyse", analysis_cli.JSON_KEYS), ("power", power_cli.JSON_KEYS), ("pool", pool_cli.JSON_KEYS),
    ("search", search.Command.json_keys), ("similar", similar.Command.json_keys),
])
def test_each_commands_help_lists_the_keys_of_its_json(command, keys):
    text = help_text(command)
    assert "With --json the command prints one JSON object with these keys." in text
    for key, _ in keys:
        assert f"  {key}" in text, key
