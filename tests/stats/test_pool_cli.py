"""``pilotbook pool FILE``, run as analysts run it: the installed console command on CSV files.

Reference values are R metafor's published results (see tests/stats/test_meta.py for their sources):
dat.bcg risk ratios (REML estimate -0.7145, se 0.1798, tau² 0.3132, I² 92.22%, Q 152.23; DL tau² 0.3088;
FE -0.4303) and Normand (1999) Table IX mean differences, as metafor's own test suite reproduces them.
"""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

PILOTBOOK = Path(sys.executable).with_name("pilotbook")
DATA = Path(__file__).parent / "data"
BCG = DATA / "bcg.csv"
SUMMARY_KEYS = ("k", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low", "pi_high")


def run(*args):
    return subprocess.run(  # noqa: S603 - our own console command with test arguments
        [str(PILOTBOOK), "pool", *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def pooled(*args):
    """The JSON printed by a successful run."""
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def printed(value, reference, decimals=4):
    """``value`` equals ``reference`` as R printed it to ``decimals`` places."""
    return abs(value - reference) <= 0.5 * 10**-decimals + 1e-12


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def bcg_rows():
    with open(BCG, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---- published metafor results --------------------------------------------------------------------------


def test_bcg_counts_pool_by_reml_to_metafors_published_values(tmp_path):
    data = pooled(BCG)
    assert data["k"] == 13 and data["measure"] == "RR" and data["method"] == "REML" and data["scale"] == "log"
    assert all(key in data for key in SUMMARY_KEYS)
    assert printed(data["estimate"], -0.7145) and printed(data["se"], 0.1798)
    assert printed(data["ci_low"], -1.0669) and printed(data["ci_high"], -0.3622)
    assert printed(data["tau2"], 0.3132) and printed(data["i2"], 92.22, 2) and printed(data["q"], 152.2330)
    assert data["q_p"] < 1e-20 and printed(data["pi_low"], -1.8667) and printed(data["pi_high"], 0.4376)


def test_ratio_measures_are_also_given_back_transformed_under_exp():
    back = pooled(BCG)["exp"]  # predict(res, transf=exp) in metafor
    assert printed(back["estimate"], 0.4894) and printed(back["ci_low"], 0.3441) and printed(back["ci_high"], 0.6962)
    assert printed(back["pi_low"], 0.1546) and printed(back["pi_high"], 1.5490)
    aronson = pooled(BCG)["studies"][0]
    assert aronson["label"] == "Aronson 1948" and round(aronson["exp"]["ci_high"], 2) == 1.26
    assert aronson["ci_low"] == pytest.approx(aronson["yi"] - 1.959964 * math.sqrt(aronson["vi"]))


def test_dersimonian_laird_and_fixed_effect_match_metafor():
    dl, fe = pooled(BCG, "--method", "DL"), pooled(BCG, "--method", "fe")
    assert printed(dl["tau2"], 0.3088) and printed(dl["estimate"], -0.7141) and printed(dl["i2"], 92.1173)
    assert printed(fe["estimate"], -0.4303) and printed(fe["ci_low"], -0.5097) and printed(fe["ci_high"], -0.3509)
    assert fe["tau2"] == 0 and fe["pi_low"] is None and fe["pi_high"] is None and fe["exp"]["pi_low"] is None


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        ("OR", {"estimate": -0.7474, "ci_low": -1.1242, "ci_high": -0.3706, "tau2": 0.3663}),
        ("RD", {"estimate": -0.0071, "ci_low": -0.0101, "ci_high": -0.0040, "i2": 95.6596}),
    ],
)
def test_other_count_measures_match_metafor(measure, expected):
    data = pooled(BCG, "--measure", measure.lower(), "--method", "DL")
    assert data["measure"] == measure
    for key, value in expected.items():
        assert printed(data[key], value), (key, data[key], value)
    assert ("exp" in data) is (measure == "OR")


def normand_with_pooled_sds(tmp_path):
    """Normand (1999) Table VIII as metafor's test builds it: each study's pooled SD used for both groups."""
    rows = []
    with open(DATA / "normand1999.csv", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            n_t, n_c, sd_t, sd_c = float(r["n_t"]), float(r["n_c"]), float(r["sd_t"]), float(r["sd_c"])
            sd = math.sqrt(((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (n_t + n_c - 2))
            rows.append([r["study"], r["mean_t"], sd, r["n_t"], r["mean_c"], sd, r["n_c"]])
    return write(tmp_path / "normand.csv", ["study", "mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c"], rows)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("FE", (-3.49, -5.03, -1.96, 0.0)),
        ("DL", (-14.10, -24.45, -3.75, 218.72)),
        ("REML", (-15.12, -32.67, 2.43, 685.20)),
    ],
)
def test_means_give_mean_differences_matching_normand_1999_table_ix(tmp_path, method, expected):
    data = pooled(normand_with_pooled_sds(tmp_path), "--method", method)
    assert data["measure"] == "MD" and data["scale"] == "natural" and "exp" not in data
    got = (data["estimate"], data["ci_low"], data["ci_high"], data["tau2"])
    assert all(printed(x, e, 2) for x, e in zip(got, expected, strict=True)), got
    assert [s["label"] for s in data["studies"]][:2] == ["Edinburgh", "Orpington-Mild"]


def test_smd_is_hedges_g_pooled_as_metafor_does(tmp_path):
    with open(DATA / "normand1999.csv", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    first_four = tmp_path / "first4.csv"
    first_four.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    data = pooled(first_four, "--measure", "SMD")  # metafor: escalc SMD yi -0.3552, ...; rma tau2 1.0090
    assert printed(data["tau2"], 1.0090) and printed(data["studies"][0]["yi"], -0.3552)


def test_precomputed_effects_pool_like_the_counts_they_came_from(tmp_path):
    from_counts = pooled(BCG)
    rows = [[s["label"], s["yi"], s["vi"]] for s in from_counts["studies"]]
    data = pooled(write(tmp_path / "effects.csv", ["label", "yi", "vi"], rows))
    assert data["measure"] == "GENERIC" and "exp" not in data
    for key in ("estimate", "se", "tau2", "i2", "q", "pi_low"):
        assert data[key] == pytest.approx(from_counts[key], rel=1e-9)


def test_hartung_knapp_matches_statsmodels_t_interval():
    data = pooled(BCG, "--method", "DL", "--hksj")
    yi, vi = np.array([s["yi"] for s in data["studies"]]), np.array([s["vi"] for s in data["studies"]])
    sm = combine_effects(yi, vi, method_re="dl")
    *_, (low, high) = sm.conf_int(use_t=True)
    assert data["hksj"] is True and data["statistic_name"] == "t" and data["df"] == 12
    assert data["se"] == pytest.approx(math.sqrt(sm.var_hksj_re), rel=1e-9)
    assert (data["ci_low"], data["ci_high"]) == pytest.approx((low, high), rel=1e-9)


# ---- the readable summary and notes ---------------------------------------------------------------------


def test_without_json_it_prints_a_readable_summary_with_a_forest_plot():
    done = run(BCG)
    assert done.returncode == 0 and done.stderr == ""
    assert "Pooled risk ratio from 13 studies (random effects, REML)" in done.stdout
    assert "Pooled risk ratio: 0.489 (95% CI 0.344 to 0.696)" in done.stdout
    assert "I² = 92.2%" in done.stdout and "Q = 152.23 on 12 df" in done.stdout
    assert "prediction interval (the effect to expect in a new council): 0.155 to 1.55" in done.stdout
    assert "TPT Madras 1980" in done.stdout and "<==" in done.stdout
    assert "  The councils' results differ a great deal (I² = 92%)." in done.stdout


def test_a_study_with_no_events_is_left_out_of_a_ratio_and_the_json_says_so(tmp_path):
    bcg = [[r["label"], r["events_t"], r["n_t"], r["events_c"], r["n_c"]] for r in bcg_rows()]
    rows = [["Hull", 0, 50, 0, 50], *bcg]
    data = pooled(write(tmp_path / "zero.csv", ["label", "events_t", "n_t", "events_c", "n_c"], rows))
    assert data["k"] == 13 and printed(data["estimate"], -0.7145)
    assert data["notes"] and data["notes"][0].startswith("Hull: left out")


def test_columns_are_found_whatever_their_case_and_order_and_a_bom_is_ignored(tmp_path):
    rows = [[r["n_c"], r["events_c"], r["n_t"], r["events_t"]] for r in bcg_rows()]
    path = write(tmp_path / "shuffled.csv", ["N_C", "Events_C", "n_t", "EVENTS_T"], rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = pooled(path)
    assert printed(data["tau2"], 0.3132) and data["studies"][0]["label"] == "Study 1"


# ---- bad input: exit 2, one clear line, no traceback ----------------------------------------------------


BAD_INPUTS = [
    ("missing_column", "events_t,n_t,events_c\n4,123,11\n5,100,7\n", [], "n_c is missing"),
    ("not_a_number", "events_t,n_t,events_c,n_c\n4,123,11,139\n6,lots,29,303\n", [], "row 3, column n_t: 'lots'"),
    ("empty_cell", "yi,vi\n0.2,0.01\n,0.02\n", [], "row 3, column yi is empty"),
    ("one_study", "yi,vi\n0.2,0.01\n", [], "only one study"),
    ("one_study_fe", "yi,vi\n0.2,0.01\n", ["--method", "FE"], "only one study"),
    ("zero_variance", "yi,vi\n0.2,0.01\n0.3,0\n", [], "row 3 (Study 2): vi (the effect's variance) must be greater"),
    ("events_over_n", "events_t,n_t,events_c,n_c\n4,123,11,139\n30,20,2,20\n", [], "events_t (30) is more than"),
    ("fractional_events", "events_t,n_t,events_c,n_c\n4.5,123,11,139\n3,20,2,20\n", [], "whole number"),
    ("zero_sd", "mean_t,sd_t,n_t,mean_c,sd_c,n_c\n5,0,20,4,1,20\n5,1,20,4,1,20\n", [], "sd_t must be greater than 0"),
    ("wrong_measure", "yi,vi\n0.2,0.01\n0.3,0.02\n", ["--measure", "RR"], "--measure RR needs the columns"),
    ("no_rows", "yi,vi\n", [], "has a header but no studies"),
    ("empty_file", "", [], "is empty"),
    ("unknown_columns", "a,b\n1,2\n", [], "needs one of these column sets"),
    ("extra_values", "yi,vi\n0.2,0.01,9\n0.3,0.02\n", [], "row 2 has more values"),
    ("same_effects_hksj", "yi,vi\n0.2,0.01\n0.2,0.02\n0.2,0.03\n", ["--hksj"], "exactly the same effect"),
    ("hksj_with_fe", "yi,vi\n0.2,0.01\n0.3,0.02\n", ["--hksj", "--method", "FE"], "random-effects models"),
    ("overflow", "yi,vi\n1e308,1e-300\n-1e308,1e-300\n", [], "too extreme to pool"),
    ("only_one_informative", "events_t,n_t,events_c,n_c\n0,20,0,20\n3,20,2,20\n", [], "Study 1: left out"),
    ("bad_method", "yi,vi\n0.2,0.01\n0.3,0.02\n", ["--method", "BAYES"], "invalid choice: 'BAYES'"),
]


@pytest.mark.parametrize(("name", "text", "options", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, name, text, options, message):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    done = run(path, *options, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("pilotbook pool: "), done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_or_a_non_utf8_file_is_one_line_too(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("label,yi,vi\nG\xf6teborg,0.1,0.01\n".encode("latin-1"))
    for path, message in ((tmp_path / "nowhere.csv", "cannot find the file"), (latin, "is not UTF-8 text")):
        done = run(path)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr
