"""``pilotbook power`` run as an analyst runs it: the installed console command, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PILOTBOOK = Path(sys.executable).with_name("pilotbook")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PILOTBOOK), "power", *args], capture_output=True, text=True, timeout=120, check=False)


def run_json(*args: str) -> dict:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_binary_sample_size_as_in_the_issue_prints_people_per_group():
    done = run("--kind", "binary", "--control-rate", "0.30", "--worthwhile", "0.05")
    assert done.returncode == 0, done.stderr
    assert "People per group: 1,377" in done.stdout  # Fleiss, no continuity correction: 1376.3 rounded up
    assert "Method: Two proportions" in done.stdout


@pytest.mark.parametrize(("rate", "worthwhile"), [("0.30", "0.05"), ("30", "5"), ("30%", "5"), ("0.30", "5pp")])
def test_rates_as_fractions_or_percentages_give_the_same_answer_and_say_how_they_were_read(rate, worthwhile):
    done = run("--kind", "binary", "--control-rate", rate, "--worthwhile", worthwhile)
    assert done.returncode == 0, done.stderr
    assert "People per group: 1,377" in done.stdout and "Warning" not in done.stdout
    assert (f"Comparison rate taken as 30% and the smallest worthwhile effect as 5 percentage points (you typed "
            f"{rate} and {worthwhile}).") in done.stdout


def test_a_tiny_effect_and_a_huge_sample_are_warned_about_in_text_and_json():
    done = run("--kind", "binary", "--control-rate", "30", "--worthwhile", "0.05")
    assert done.returncode == 0 and "People per group: 13,192,392" in done.stdout
    assert "Warning: A smallest worthwhile effect of 0.05 percentage points is very small" in done.stdout
    assert "Warning: This needs 13,192,392 people in each group" in done.stdout
    result = run_json("--kind", "binary", "--control-rate", "30", "--worthwhile", "0.05")
    assert len(result["warnings"]) == 2 and result["read_as"][0].startswith("Comparison rate taken as 30%")


def test_power_and_alpha_may_be_percentages_and_help_states_the_rule():
    result = run_json("--kind", "continuous", "--sd", "1", "--worthwhile", "0.5", "--power", "80", "--alpha", "5%")
    assert result["per_group"] == 64 and "Power taken as 80% (you typed 80)." in result["read_as"]
    assert "a number below 1 without a % sign is a fraction" in " ".join(run("--help").stdout.split())


def test_continuous_cluster_design_in_json_gives_clusters_per_group():
    result = run_json("--kind", "continuous", "--sd", "1", "--worthwhile", "0.5", "--icc", "0.05",
                      "--cluster-size", "20")
    assert result["answer"] == "sample_size"
    assert result["per_group"] == 125 and result["clusters_per_group"] == 7  # 63.77 x 1.95 = 124.3
    assert result["design_effect"] == pytest.approx(1.95)


def test_time_to_event_reports_events():
    result = run_json("--kind", "time-to-event", "--hazard-ratio", "0.7", "--alpha", "0.05", "--power", "0.8")
    assert result["events_needed"] == 247  # Schoenfeld (1983)


def test_count_with_a_rate_ratio():
    result = run_json("--kind", "count", "--rate", "2", "--rate-ratio", "1.1")
    assert result["per_group"] == 825  # 824.1, the same as a difference of 0.2 (statsmodels-checked in test_power)


def test_a_given_sample_gives_the_minimum_detectable_effect_and_the_power():
    result = run_json("--kind", "continuous", "--sd", "1", "--sample", "64", "--worthwhile", "0.5")
    assert result["answer"] == "minimum_detectable_effect"
    assert result["effect"] == pytest.approx(0.4991, abs=1e-3)
    assert result["power_at_worthwhile"] == pytest.approx(0.8015, abs=1e-3)
    done = run("--kind", "binary", "--control-rate", "0.3", "--sample", "500")
    assert "Minimum detectable effect: 0.08395 (8.4 percentage points)" in done.stdout


def test_councils_needed_pooled_and_as_clusters():
    pooled = run_json("--kind", "binary", "--control-rate", "0.30", "--worthwhile", "0.05", "--better", "higher",
                      "--people-per-council", "400")
    assert pooled["councils"] == 7 and pooled["people_needed"] == 2754
    whole = run("--kind", "binary", "--control-rate", "0.30", "--worthwhile", "0.05", "--better", "higher",
                "--people-per-council", "400", "--council-icc", "0.01")
    assert whole.returncode == 0 and "Councils needed: 36" in whole.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "binary", "--worthwhile", "0.05"], "--control-rate is required"),
        (["--kind", "binary", "--control-rate", "thirty", "--worthwhile", "0.05"],
         "--control-rate must be a number, such as 30 or 0.30 or 30%, not 'thirty'"),
        (["--kind", "binary", "--control-rate", "150", "--worthwhile", "5"], "between 0% and 100%: 150 was taken"),
        (["--kind", "binary", "--control-rate", "0", "--worthwhile", "5"], "between 0% and 100%: 0 was taken as 0%"),
        (["--kind", "binary", "--control-rate", "0.3"], "--worthwhile is required"),
        (["--kind", "binary", "--control-rate", "0.98", "--worthwhile", "0.05", "--better", "higher"],
         "larger than possible: a rise of 5 percentage points from 98%"),
        (["--kind", "continuous", "--sd", "1", "--worthwhile", "5%"], "give a number without %"),
        (["--kind", "continuous", "--sd", "1", "--worthwhile", "0.5", "--alpha", "50%"], "--alpha must be between"),
        (["--kind", "continuous", "--sd", "1", "--worthwhile", "nan"], "--worthwhile must be a number"),
        (["--kind", "continuous", "--sd", "nan", "--worthwhile", "1"], "finite number"),
        (["--kind", "continuous", "--sd", "1", "--worthwhile", "0.5", "--icc", "0.05"], "--cluster-size"),
        (["--kind", "continuous", "--sd", "1", "--worthwhile", "0.5", "--power", "1.5"], "power"),
        (["--kind", "wishes"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, message):
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("pilotbook power: ")
    assert not lines[0].startswith("pilotbook power: error")  # one format for every command: no "error:"
    assert "Traceback" not in done.stderr
