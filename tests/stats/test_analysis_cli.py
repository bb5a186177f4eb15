"""`pilotbook analyse` as an analyst runs it: a real subprocess on CSV and XLSX files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

PILOTBOOK = Path(sys.executable).with_name("pilotbook")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PILOTBOOK), "analyse", *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("analyse")
    rng = np.random.default_rng(7)
    n = 300
    arm = rng.choice(["old letter", "new letter"], n)
    base = rng.normal(40, 8, n)
    days = rng.exponential(np.where(arm == "new letter", 21, 46))
    df = pd.DataFrame({
        "group": arm,
        "contacted": np.where(rng.random(n) < np.where(arm == "new letter", 0.55, 0.35), "yes", "no"),
        "arrears": (100 + 0.9 * base - 6 * (arm == "new letter") + rng.normal(0, 5, n)).round(2),
        "arrears_before": base.round(2),
        "days": np.minimum(days, 90).round(),
        "made_contact": (days < 90).astype(int),
    })
    paths = {"csv": folder / "pilot.csv", "xlsx": folder / "pilot.xlsx", "bad": folder / "bad.csv"}
    df.to_csv(paths["csv"], index=False)
    df.to_excel(paths["xlsx"], index=False)
    bad = df.head(20).copy()
    bad["arrears"] = bad["arrears"].astype(object)
    bad.loc[12, "arrears"] = "unknown"  # spreadsheet row 14
    bad.to_csv(paths["bad"], index=False)
    paths["frame"] = df
    return paths


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_binary_json_has_the_documented_shape_with_fractions(files, kind):
    done = run(files[kind], "--outcome", "contacted", "--arm", "group", "--control", "old letter",
               "--worthwhile", "0.05", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    df = files["frame"]
    assert result["kind"] == "binary" and result["design"] == "individual" and result["msms_level"] == 5
    arms = {a["label"]: a for a in result["arms"]}
    expected = (df.contacted[df.group == "new letter"] == "yes").mean()
    assert arms["new letter"]["proportion"] == pytest.approx(expected)
    c = result["comparisons"][0]
    assert set(c) >= {"arm", "control", "difference", "ratio", "p_value", "p_value_adjusted", "verdict", "test",
                      "other_measures", "oriented", "reaches_worthwhile", "settling_sample"}
    assert (c["arm"], c["control"]) == ("new letter", "old letter")
    assert 0 < c["difference"]["estimate"] < 1 and c["ratio"]["estimate"] > 1  # natural scale, not logs
    assert c["verdict"] == "worked"


def test_kind_is_inferred_and_baseline_gives_ancova(files):
    done = run(files["csv"], "--outcome", "arrears", "--arm", "group", "--control", "old letter",
               "--baseline", "arrears_before", "--better", "lower", "--worthwhile", "2", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    c = result["comparisons"][0]
    assert result["kind"] == "continuous"
    assert "ANCOVA" in c["difference"]["method"] and c["difference"]["estimate"] < 0
    assert c["verdict"] == "worked" and c["oriented"]["estimate"] > 0


def test_time_to_event_from_time_and_event_columns(files):
    done = run(files["xlsx"], "--time", "days", "--event", "made_contact", "--arm", "group", "--control",
               "old letter", "--better", "lower", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["kind"] == "time-to-event" and len(result["survival"]["curves"]) == 2
    assert result["comparisons"][0]["ratio"]["method"].startswith("Cox")


def test_the_readable_report_states_the_verdict_estimate_and_method(files):
    done = run(files["csv"], "--outcome", "contacted", "--arm", "group", "--control", "old letter",
               "--worthwhile", "0.05")
    assert done.returncode == 0, done.stderr
    assert "Verdict: 'new letter' against 'old letter' worked." in done.stdout
    assert "95% CI" in done.stdout and "Newcombe" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--outcome", "nope", "--arm", "group", "--control", "old letter"], "There is no column 'nope'"),
    (["--outcome", "arrears", "--arm", "group", "--control", "nobody"], "The comparison group 'nobody' is not"),
    (["--outcome", "arrears", "--arm", "group"], "the following arguments are required: --control"),
    (["--outcome", "arrears", "--arm", "group", "--control", "old letter", "--worthwhile", "-1"],
     "--worthwhile must be a number greater than 0."),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(files, args, message):
    done = run(files["csv"], *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert message in done.stderr


def test_text_in_a_number_column_names_the_row(files):
    done = run(files["bad"], "--outcome", "arrears", "--arm", "group", "--control", "old letter",
               "--kind", "continuous")
    assert done.returncode == 2
    assert done.stderr == "pilotbook analyse: Row 14, column 'arrears': 'unknown' is not a number.\n"


def test_figures_too_extreme_to_square_are_one_line_not_a_traceback_or_warning(tmp_path):
    path = tmp_path / "extreme.csv"
    path.write_text("group,paid\nold,1e308\nnew,-1e308\nold,1e308\nnew,-1e308\nold,-1e308\nnew,1e308\n")
    done = run(path, "--outcome", "paid", "--arm", "group", "--control", "old")
    assert done.returncode == 2
    assert done.stderr == ("pilotbook analyse: The figures in column 'paid' are too large or too extreme to "
                           "analyse. Check they are in the outcome's unit (for example days, not seconds) and that "
                           "no cell holds a typing error.\n")


def test_missing_and_empty_files_are_one_line_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = run(empty, "--outcome", "y", "--arm", "a", "--control", "b")
    assert (done.returncode, done.stderr) == (2, "pilotbook analyse: The file is empty.\n")
    done = run(tmp_path / "absent.csv", "--outcome", "y", "--arm", "a", "--control", "b")
    assert done.returncode == 2 and "There is no file" in done.stderr


def test_one_group_only_is_refused(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("arm,y\nonly,1\nonly,0\n")
    done = run(path, "--outcome", "y", "--arm", "arm", "--control", "only")
    assert done.returncode == 2
    assert "has only one group ('only')" in done.stderr


def test_period_and_before_give_a_difference_in_differences(tmp_path):
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame({"group": rng.choice(["ward a", "ward b"], n), "when": rng.choice(["2024", "2025"], n)})
    df["rent_paid"] = rng.normal(100, 10, n) + 5 * ((df.group == "ward b") & (df.when == "2025"))
    path = tmp_path / "did.csv"
    df.to_csv(path, index=False)
    done = run(path, "--outcome", "rent_paid", "--arm", "group", "--control", "ward a", "--period", "when",
               "--before", "2024", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["design"], result["msms_level"]) == ("did", 3)
    assert [p["label"] for p in result["arms"][0]["periods"]] == ["2024", "2025"]
    assert run(path, "--outcome", "rent_paid", "--arm", "group", "--control", "ward a", "--period", "when"
               ).stderr.endswith("--period and --before go together: the column and the value that means 'before'.\n")
