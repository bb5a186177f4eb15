"""Per-study effect sizes against R metafor's escalc (published values), statsmodels and hand computation."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import effectsize_2proportions, effectsize_smd

from pilotbook.stats.effect_sizes import (
    EffectSizeError,
    Measure,
    StudyDroppedWarning,
    from_counts,
    from_effects,
    from_means,
    hedges_correction,
)

DATA = Path(__file__).parent / "data"


def read(name):
    with open(DATA / name, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {key: [float(row[key]) for row in rows] for key in rows[0] if key not in {"label", "study"}}
    return rows, columns


def bcg(measure):
    _, c = read("bcg.csv")
    return from_counts(measure, c["events_t"], c["n_t"], c["events_c"], c["n_c"])


def close_to_printed(values, printed):
    """Equal to values that metafor printed to four decimals."""
    assert np.allclose(values, printed, rtol=0, atol=5e-5 + 1e-12), (values, printed)


def test_bcg_log_risk_ratios_match_metafor_escalc():
    # escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg), as printed on metafor-project.org
    es = bcg("RR")
    close_to_printed(
        es.yi,
        [
            -0.8893,
            -1.5854,
            -1.3481,
            -1.4416,
            -0.2175,
            -0.7861,
            -1.6209,
            0.0120,
            -0.4694,
            -1.3713,
            -0.3394,
            0.4459,
            -0.0173,
        ],
    )
    close_to_printed(
        es.vi,
        [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230, 0.0040, 0.0564, 0.0730, 0.0124, 0.5325, 0.0714],
    )


def test_bcg_log_odds_ratios_match_metafor_escalc():
    # first seven studies of escalc(measure="OR", ...) as printed in metafor's van Houwelingen (2002) analysis
    es = bcg("OR")
    close_to_printed(es.yi[:7], [-0.9387, -1.6662, -1.3863, -1.4564, -0.2191, -0.9581, -1.6338])
    close_to_printed(es.vi[:7], [0.3571, 0.2081, 0.4334, 0.0203, 0.0520, 0.0099, 0.2270])


def test_mean_differences_match_metafor_for_normand_1999():
    # metafor's test of Normand (1999) Table VIII: MD with pooled SDs given as both groups' SDs
    _, c = read("normand1999.csv")
    n_t, n_c = np.array(c["n_t"]), np.array(c["n_c"])
    sd_pooled = np.sqrt(((n_t - 1) * np.array(c["sd_t"]) ** 2 + (n_c - 1) * np.array(c["sd_c"]) ** 2) / (n_t + n_c - 2))
    es = from_means("MD", c["mean_t"], sd_pooled, n_t, c["mean_c"], sd_pooled, n_c)
    assert es.yi == (-20, -2, -55, -71, -4, 1, 11, -10, 7)
    assert np.allclose(es.vi, [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69], atol=5e-3 + 1e-12)


def test_mean_difference_variance_does_not_assume_equal_sds():
    es = from_means("MD", [10], [2], [20], [8], [4], [40])
    assert es.yi == (2.0,) and es.vi[0] == pytest.approx(4 / 20 + 16 / 40)


def test_hedges_correction_is_metafors_exact_gamma_formula():
    m = np.array([2.0, 5.0, 18.0, 100.0])
    exact = [math.gamma(x / 2) / (math.sqrt(x / 2) * math.gamma((x - 1) / 2)) for x in m]
    assert np.allclose(hedges_correction(m), exact, rtol=1e-13)


def test_hedges_correction_does_not_overflow_for_big_samples_and_nears_the_approximation():
    m = np.array([400.0, 10_000.0, 1e7])
    assert np.allclose(hedges_correction(m), 1 - 3 / (4 * m - 1), rtol=0, atol=1e-6)


def test_smd_is_hedges_g_with_metafors_large_sample_variance():
    es = from_means("SMD", [12.0], [3.0], [10], [10.0], [4.0], [12])
    m = 20
    sd_pooled = math.sqrt((9 * 9 + 11 * 16) / m)
    g = math.gamma(m / 2) / (math.sqrt(m / 2) * math.gamma((m - 1) / 2)) * 2 / sd_pooled
    assert es.yi[0] == pytest.approx(g, rel=1e-12)
    assert es.vi[0] == pytest.approx(1 / 10 + 1 / 12 + g**2 / (2 * 22), rel=1e-12)


def test_smd_is_close_to_statsmodels_which_uses_the_approximate_correction():
    rng = np.random.default_rng(7)
    n_t, n_c = rng.integers(20, 200, 50), rng.integers(20, 200, 50)
    m_t, m_c, s_t, s_c = rng.normal(10, 2, 50), rng.normal(10, 2, 50), rng.uniform(1, 3, 50), rng.uniform(1, 3, 50)
    ours = from_means("SMD", m_t, s_t, n_t, m_c, s_c, n_c)
    theirs, _ = effectsize_smd(m_t, s_t, n_t, m_c, s_c, n_c)
    assert np.allclose(ours.yi, theirs, rtol=1e-4, atol=1e-6)


def test_counts_match_statsmodels_when_no_study_has_a_zero_cell():
    rng = np.random.default_rng(11)
    n_t, n_c = rng.integers(20, 500, 40), rng.integers(20, 500, 40)
    a, c = rng.integers(1, 19, 40), rng.integers(1, 19, 40)
    for measure, statistic in (("RR", "risk-ratio"), ("OR", "odds-ratio"), ("RD", "diff")):
        ours = from_counts(measure, a, n_t, c, n_c)
        yi, vi = effectsize_2proportions(a, n_t, c, n_c, statistic=statistic)
        assert np.allclose(ours.yi, yi, rtol=1e-12) and np.allclose(ours.vi, vi, rtol=1e-12)


def test_a_zero_cell_adds_one_half_to_every_cell_of_that_study_only():
    es = from_counts("RR", [0, 4], [10, 20], [5, 6], [10, 20], labels=["Leeds", "York"])
    a, b, c, d = 0.5, 10.5, 5.5, 5.5
    assert es.yi[0] == pytest.approx(math.log((a / (a + b)) / (c / (c + d))))
    assert es.vi[0] == pytest.approx(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    assert es.yi[1] == pytest.approx(math.log((4 / 20) / (6 / 20)))  # untouched
    assert es.notes == ("Leeds: added 0.5 to every cell because it has a zero count (metafor's default).",)


def test_a_study_where_everyone_had_the_event_is_corrected_too():
    es = from_counts("OR", [10, 3], [10, 9], [4, 2], [10, 9], labels=["All", "Some"])
    a, b, c, d = 10.5, 0.5, 4.5, 6.5
    assert es.yi[0] == pytest.approx(math.log(a * d / (b * c)))
    assert es.vi[0] == pytest.approx(1 / a + 1 / b + 1 / c + 1 / d)


@pytest.mark.parametrize("measure", ["RR", "OR"])
def test_a_study_with_no_events_in_either_group_is_left_out_of_ratios_with_a_warning(measure):
    with pytest.warns(StudyDroppedWarning, match="Bristol: left out"):
        es = from_counts(measure, [0, 4, 3], [50, 20, 30], [0, 6, 5], [40, 20, 30], labels=["Bristol", "Leeds", "York"])
    assert es.labels == ("Leeds", "York") and es.k == 2
    assert "no events in either group" in es.notes[0]


def test_a_study_where_everyone_had_the_event_in_both_groups_is_left_out_of_ratios():
    with pytest.warns(StudyDroppedWarning):
        es = from_counts("RR", [20, 4], [20, 20], [30, 6], [30, 20], labels=["Hull", "Leeds"])
    assert es.labels == ("Leeds",)


def test_a_study_with_no_events_stays_in_a_risk_difference_with_the_correction():
    es = from_counts("RD", [0, 4], [50, 20], [0, 6], [40, 20], labels=["Bristol", "Leeds"])
    assert es.k == 2 and es.yi[0] == pytest.approx(0.5 / 51 - 0.5 / 41)
    assert es.vi[0] == pytest.approx((0.5 / 51) * (50.5 / 51) / 51 + (0.5 / 41) * (40.5 / 41) / 41)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (([40], [30], [5], [30]), "events_t \\(40\\) is more than the 30 people in n_t"),
        (([4], [30], [35], [30]), "events_c \\(35\\) is more than"),
        (([-1], [30], [5], [30]), "events_t must be a whole number of 0 or more"),
        (([2.5], [30], [5], [30]), "events_t must be a whole number"),
        (([0], [0], [5], [30]), "n_t is 0"),
    ],
)
def test_impossible_counts_are_refused_naming_the_study(counts, message):
    with pytest.raises(EffectSizeError, match=f"^Leeds: {message}"):
        from_counts("RR", *counts, labels=["Leeds"])


@pytest.mark.parametrize(
    ("means", "message"),
    [
        (([1], [0], [10], [2], [1], [10]), "sd_t must be greater than 0"),
        (([1], [1], [10], [2], [-1], [10]), "sd_c must be greater than 0"),
        (([1], [1], [1], [2], [1], [10]), "n_t must be a whole number of at least 2"),
    ],
)
def test_impossible_means_are_refused_naming_the_study(means, message):
    with pytest.raises(EffectSizeError, match=f"^York: {message}"):
        from_means("SMD", *means, labels=["York"])


def test_generic_effects_need_positive_variances():
    assert from_effects([0.1, 0.2], [0.01, 0.02]).measure is Measure.GENERIC
    with pytest.raises(EffectSizeError, match="Study 2: vi .* must be greater than 0"):
        from_effects([0.1, 0.2], [0.01, 0.0])


def test_missing_values_and_mismatched_columns_are_refused():
    with pytest.raises(EffectSizeError, match="missing or non-numeric"):
        from_effects([0.1, float("nan")], [0.01, 0.02])
    with pytest.raises(EffectSizeError, match="one value per study"):
        from_effects([0.1, 0.2], [0.01])
    with pytest.raises(EffectSizeError, match="not a measure for counts"):
        from_counts("MD", [1], [2], [1], [2])


tables = st.tuples(st.integers(1, 400), st.integers(1, 400), st.floats(0, 1), st.floats(0, 1)).map(
    lambda t: (round(t[2] * t[0]), t[0], round(t[3] * t[1]), t[1])
)


@settings(max_examples=200, deadline=None)
@given(tables, st.sampled_from(["RR", "OR", "RD"]))
def test_swapping_the_groups_flips_the_sign_of_a_counts_effect(table, measure):
    a, n1, c, n2 = table
    if (a == 0 and c == 0) or (a == n1 and c == n2):
        return  # left out of ratios; covered above
    forward, backward = from_counts(measure, [a], [n1], [c], [n2]), from_counts(measure, [c], [n2], [a], [n1])
    assert forward.yi[0] == pytest.approx(-backward.yi[0], abs=1e-12)
    assert forward.vi[0] == pytest.approx(backward.vi[0], rel=1e-12)


groups = st.tuples(st.floats(-100, 100), st.floats(0.1, 50), st.integers(2, 500))


@settings(max_examples=200, deadline=None)
@given(groups, groups, st.sampled_from(["MD", "SMD"]))
def test_swapping_the_groups_flips_the_sign_of_a_means_effect(treated, control, measure):
    forward = from_means(measure, [treated[0]], [treated[1]], [treated[2]], [control[0]], [control[1]], [control[2]])
    backward = from_means(measure, [control[0]], [control[1]], [control[2]], [treated[0]], [treated[1]], [treated[2]])
    assert forward.yi[0] == pytest.approx(-backward.yi[0], abs=1e-9)
    assert forward.vi[0] == pytest.approx(backward.vi[0], rel=1e-12)
