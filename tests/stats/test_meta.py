"""Pooling against published R metafor results, statsmodels' combine_effects and hand computation.

metafor reference values are the printed, four-decimal outputs of metafor's own test suite
(tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, test_analysis_example_normand1999.r,
test_misc_rma_uni.r) and of rma()/predict() on dat.bcg (metafor 4.2-0 output: REML fit and
predict(res, transf=exp)). "Matches to four decimals" means within half a unit of the last printed digit.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from pilotbook.stats.effect_sizes import StudyDroppedWarning, from_counts, from_effects, from_means
from pilotbook.stats.meta import (
    Method,
    PoolingError,
    _reml_step,
    describe,
    pool,
    pool_effects,
    restricted_log_likelihood,
    tau2_reml,
)

DATA = Path(__file__).parent / "data"


def columns(name):
    with open(DATA / name, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {key: [float(row[key]) for row in rows] for key in rows[0] if key not in {"label", "study"}}


def bcg(measure):
    c = columns("bcg.csv")
    return from_counts(measure, c["events_t"], c["n_t"], c["events_c"], c["n_c"])


def printed(value, reference, decimals=4):
    """``value`` equals ``reference`` as R printed it to ``decimals`` places."""
    return abs(value - reference) <= 0.5 * 10**-decimals + 1e-12


# ---- published metafor results ------------------------------------------------------------------------


def test_bcg_risk_ratio_reml_matches_metafor():
    r = pool_effects(bcg("RR"))  # rma(yi, vi, data=dat) with the default REML
    assert r.k == 13 and r.method is Method.REML
    assert printed(r.estimate, -0.7145) and printed(r.se, 0.1798) and printed(r.statistic, -3.9744)
    assert printed(r.ci_low, -1.0669) and printed(r.ci_high, -0.3622)
    assert printed(r.tau2, 0.3132) and printed(r.tau, 0.5597)
    assert printed(r.i2, 92.22, 2) and printed(r.h2, 12.86, 2)
    assert printed(r.q, 152.2330) and r.q_df == 12 and r.q_p < 1e-4


def test_bcg_risk_ratio_reml_prediction_matches_metafor_predict():
    r = pool_effects(bcg("RR"))  # predict(res, transf=exp): 0.4894 [0.3441, 0.6962], PI [0.1546, 1.5490]
    assert printed(r.estimate_exp, 0.4894) and printed(r.ci_low_exp, 0.3441) and printed(r.ci_high_exp, 0.6962)
    assert printed(r.pi_low_exp, 0.1546) and printed(r.pi_high_exp, 1.5490)
    assert r.pi_low == pytest.approx(math.log(r.pi_low_exp)) and printed(r.pi_low, -1.8667)
    assert printed(r.pi_high, 0.4376)


@pytest.mark.parametrize(
    ("measure", "method", "expected"),
    [
        # metafor checks these against Stata's metan: estimate, CI, z, and tau2/I2 or Q
        (
            "RR",
            "FE",
            {"estimate": -0.4303, "ci_low": -0.5097, "ci_high": -0.3509, "statistic": -10.6247, "q": 152.2330},
        ),
        (
            "RR",
            "DL",
            {
                "estimate": -0.7141,
                "ci_low": -1.0644,
                "ci_high": -0.3638,
                "statistic": -3.9952,
                "tau2": 0.3088,
                "i2": 92.1173,
            },
        ),
        (
            "OR",
            "FE",
            {"estimate": -0.4361, "ci_low": -0.5190, "ci_high": -0.3533, "statistic": -10.3190, "q": 163.1649},
        ),
        (
            "OR",
            "DL",
            {
                "estimate": -0.7474,
                "ci_low": -1.1242,
                "ci_high": -0.3706,
                "statistic": -3.8873,
                "tau2": 0.3663,
                "i2": 92.6455,
            },
        ),
        ("RD", "FE", {"estimate": -0.0009, "ci_low": -0.0014, "ci_high": -0.0005, "statistic": -4.0448, "q": 276.4737}),
        (
            "RD",
            "DL",
            {
                "estimate": -0.0071,
                "ci_low": -0.0101,
                "ci_high": -0.0040,
                "statistic": -4.5128,
                "tau2": 0.0000,
                "i2": 95.6596,
            },
        ),
    ],
)
def test_bcg_fixed_and_dersimonian_laird_match_metafor(measure, method, expected):
    r = pool_effects(bcg(measure), method=method)
    for field, value in expected.items():
        assert printed(getattr(r, field), value), (field, getattr(r, field), value)


@pytest.mark.parametrize(
    ("measure", "method", "expected"),
    [
        ("RR", "FE", (0.6503, 0.6007, 0.7040)),
        ("RR", "DL", (0.4896, 0.3449, 0.6950)),
        ("OR", "FE", (0.6465, 0.5951, 0.7024)),
        ("OR", "DL", (0.4736, 0.3249, 0.6903)),
    ],
)
def test_bcg_back_transformed_ratios_match_metafor(measure, method, expected):
    r = pool_effects(bcg(measure), method=method)
    assert all(printed(x, e) for x, e in zip((r.estimate_exp, r.ci_low_exp, r.ci_high_exp), expected, strict=True))


def test_paule_mandel_matches_metafors_iterated_dersimonian_laird():
    # rma(method="DLIT") and "SJIT" give 0.3181 on dat.bcg; both iterate to the Paule-Mandel solution
    r = pool_effects(bcg("RR"), method="PM")
    assert printed(r.tau2, 0.3181)
    w = 1 / (np.array(r.vi) + r.tau2)
    assert np.sum(w * (np.array(r.yi) - r.estimate) ** 2) == pytest.approx(12, rel=1e-10)


def normand_mean_differences_with_pooled_sds():
    c = columns("normand1999.csv")
    n_t, n_c = np.array(c["n_t"]), np.array(c["n_c"])
    sd = np.sqrt(((n_t - 1) * np.array(c["sd_t"]) ** 2 + (n_c - 1) * np.array(c["sd_c"]) ** 2) / (n_t + n_c - 2))
    return from_means("MD", c["mean_t"], sd, n_t, c["mean_c"], sd, n_c)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("FE", (-3.49, -5.03, -1.96, 0.0)),
        ("DL", (-14.10, -24.45, -3.75, 218.72)),
        ("REML", (-15.12, -32.67, 2.43, 685.20)),
    ],
)
def test_normand_1999_mean_differences_match_metafor(method, expected):
    r = pool_effects(normand_mean_differences_with_pooled_sds(), method=method)
    assert all(printed(x, e, 2) for x, e in zip((r.estimate, r.ci_low, r.ci_high, r.tau2), expected, strict=True))


def test_normand_1999_standardised_mean_differences_match_metafor():
    # rma(measure="SMD", ..., subset=1:4) gives tau2 = 1.0090 with REML
    c = columns("normand1999.csv")
    first4 = [c[k][:4] for k in ("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c")]
    assert printed(pool_effects(from_means("SMD", *first4)).tau2, 1.0090)


# ---- statsmodels on many generated datasets ----------------------------------------------------------


def combine(yi, vi, **options):
    """statsmodels' combine_effects with its z and t intervals (.ci_z, .ci_t), computed quietly: with a
    negative DL tau2 statsmodels takes square roots of negative numbers."""
    with np.errstate(all="ignore"):
        result = combine_effects(yi, vi, **options)
        result.ci_z, result.ci_t = result.conf_int(use_t=False), result.conf_int(use_t=True)
    return result


def generated(count=300, seed=2024):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        k = int(rng.integers(2, 30))
        vi = rng.uniform(0.005, 0.5, k)
        tau = rng.choice([0.0, 0.05, 0.3, 1.0])
        yi = rng.normal(rng.normal(0, 1), np.sqrt(vi + tau**2))
        yield yi, vi


def test_fixed_effect_matches_statsmodels_on_generated_datasets():
    for yi, vi in generated():
        ours, sm = pool(yi, vi, method="FE"), combine(yi, vi, method_re="dl")
        (ci_low, ci_high), *_ = sm.ci_z
        assert ours.estimate == pytest.approx(sm.mean_effect_fe, rel=1e-9, abs=1e-12)
        assert ours.se == pytest.approx(sm.sd_eff_w_fe, rel=1e-9)
        assert (ours.ci_low, ours.ci_high) == pytest.approx((ci_low, ci_high), rel=1e-9, abs=1e-12)
        assert ours.q == pytest.approx(sm.q, rel=1e-9, abs=1e-12)
        assert np.allclose(np.array(ours.weights) / 100, sm.weights_rel_fe, rtol=1e-9)


def test_dersimonian_laird_matches_statsmodels_and_truncates_tau2_at_zero():
    truncated = 0
    for yi, vi in generated():
        ours, sm = pool(yi, vi, method="DL"), combine(yi, vi, method_re="dl")
        if sm.tau2 <= 0:  # statsmodels leaves a negative tau2; metafor and we truncate to 0, i.e. fixed effect
            truncated += 1
            assert ours.tau2 == 0 and ours.estimate == pytest.approx(sm.mean_effect_fe, rel=1e-9, abs=1e-12)
            continue
        _, (ci_low, ci_high), *_ = sm.ci_z
        assert ours.tau2 == pytest.approx(sm.tau2, rel=1e-9)
        assert ours.estimate == pytest.approx(sm.mean_effect_re, rel=1e-9, abs=1e-12)
        assert ours.se == pytest.approx(sm.sd_eff_w_re, rel=1e-9)
        assert (ours.ci_low, ours.ci_high) == pytest.approx((ci_low, ci_high), rel=1e-9, abs=1e-12)
        assert ours.i2 == pytest.approx(100 * sm.i2, rel=1e-9)
        assert np.allclose(np.array(ours.weights) / 100, sm.weights_rel_re, rtol=1e-9)
    assert 0 < truncated < 300  # both branches were exercised


def test_hartung_knapp_matches_statsmodels_wls_scale_and_t_intervals():
    for yi, vi in generated(seed=5):
        if len(yi) < 3:
            continue
        sm = combine(yi, vi, method_re="dl")
        if sm.tau2 <= 0:
            continue
        ours = pool(yi, vi, method="DL", hksj=True)
        *_, (low, high) = sm.ci_t
        assert ours.se == pytest.approx(math.sqrt(sm.var_hksj_re), rel=1e-9)
        assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=1e-9, abs=1e-12)
        assert ours.statistic_name == "t" and ours.df == len(yi) - 1
        assert ours.p_value == pytest.approx(2 * stats.t.sf(abs(ours.estimate / ours.se), len(yi) - 1), rel=1e-9)


def test_paule_mandel_solves_its_equation_and_matches_statsmodels_where_that_converges():
    compared = 0
    for yi, vi in generated(seed=9):
        ours = pool(yi, vi, method="PM").tau2
        w = 1 / (vi + ours)
        q_gen = np.sum(w * (yi - np.sum(w * yi) / np.sum(w)) ** 2)
        if ours > 0:
            assert q_gen == pytest.approx(len(yi) - 1, rel=1e-9)
        else:
            assert q_gen <= len(yi) - 1
        sm = combine(yi, vi, method_re="pm", atol=1e-12, maxiter=10_000)
        # statsmodels returns 0 whenever its estimating equation dips below 0, even by rounding error at the
        # root itself, so compare only its positive answers
        if sm.tau2 > 0:
            compared += 1
            assert ours == pytest.approx(sm.tau2, rel=1e-6)
    assert compared > 100


# ---- REML: an independent check that Fisher scoring found the maximum ---------------------------------


def best_restricted_likelihood(yi, vi):
    """tau2 maximising the REML likelihood by bounded scalar search: independent of Fisher scoring."""
    upper = 10 * (np.var(yi) + np.max(vi))
    found = optimize.minimize_scalar(
        lambda t: -restricted_log_likelihood(yi, vi, t), bounds=(0, upper), method="bounded", options={"xatol": 1e-12}
    )
    return found.x, -found.fun


def test_reml_maximises_the_restricted_likelihood_on_generated_datasets():
    for yi, vi in generated(seed=3):
        ours = tau2_reml(yi, vi)
        _, best_ll = best_restricted_likelihood(yi, vi)
        assert restricted_log_likelihood(yi, vi, ours) >= best_ll - 1e-9


def test_reml_converges_on_awkward_datasets_where_plain_fisher_scoring_bounces_or_creeps():
    # Without the bracketing, plain Fisher scoring failed on about 1 in 80 of these (variances up to 100,
    # tau2 near 0): it oscillated around a flat maximum or crept towards 0 for hundreds of steps.
    rng = np.random.default_rng(1)
    for _ in range(2000):
        k = int(rng.integers(2, 40))
        vi = rng.uniform(0.001, 1, k) * rng.choice([1, 1e-2, 1e2])
        yi = rng.normal(rng.normal(0, 1), np.sqrt(vi + rng.choice([0.0, 0.01, 0.05, 0.3, 1.0, 5]) ** 2))
        tau2 = tau2_reml(yi, vi)
        assert tau2 >= 0
        if tau2 > 0:  # an interior maximum: the score is zero there
            step = _reml_step(yi, vi, tau2)
            assert abs(step) <= 1e-8 * max(1.0, tau2)


def test_reml_is_truncated_at_zero_when_studies_agree_more_than_chance_allows():
    r = pool([0.10, 0.11, 0.09, 0.10], [0.04, 0.05, 0.03, 0.06])
    assert r.tau2 == 0 and r.i2 == 0 and r.h2 == 1


# ---- inference details, by hand ----------------------------------------------------------------------


def test_prediction_interval_uses_the_normal_quantile_and_tau2_by_default():
    r = pool([0.1, 0.5, 0.9, 0.2], [0.02, 0.03, 0.04, 0.05])
    half = stats.norm.ppf(0.975) * math.sqrt(r.se**2 + r.tau2)
    assert (r.pi_low, r.pi_high) == pytest.approx((r.estimate - half, r.estimate + half))


def test_prediction_interval_with_hksj_uses_t_on_k_minus_1_df_and_the_adjusted_se():
    yi, vi = [0.1, 0.5, 0.9, 0.2], [0.02, 0.03, 0.04, 0.05]
    r, plain = pool(yi, vi, hksj=True), pool(yi, vi)
    w = 1 / (np.array(vi) + plain.tau2)
    se = plain.se * math.sqrt(np.sum(w * (np.array(yi) - plain.estimate) ** 2) / 3)
    half = stats.t.ppf(0.975, 3) * math.sqrt(se**2 + plain.tau2)
    assert r.se == pytest.approx(se) and r.tau2 == plain.tau2
    assert (r.pi_low, r.pi_high) == pytest.approx((r.estimate - half, r.estimate + half))
    assert (r.ci_low, r.ci_high) == pytest.approx(
        (r.estimate - stats.t.ppf(0.975, 3) * se, r.estimate + stats.t.ppf(0.975, 3) * se)
    )


def test_fixed_effect_has_no_prediction_interval_and_uses_q_for_i2():
    r = pool([0.1, 0.5, 0.9], [0.02, 0.03, 0.04], method="FE")
    assert r.pi_low is None and r.pi_high is None and r.tau2 == 0
    assert r.i2 == pytest.approx(100 * (r.q - 2) / r.q) and r.h2 == pytest.approx(r.q / 2)


def test_p_value_is_two_sided_from_the_normal_distribution():
    r = pool([0.1, 0.5, 0.9], [0.02, 0.03, 0.04])
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(r.estimate / r.se)))
    assert r.q_p == pytest.approx(stats.chi2.sf(r.q, 2))


def test_a_different_confidence_level_widens_the_interval():
    narrow, wide = pool([0.1, 0.5, 0.9], [0.02, 0.03, 0.04]), pool([0.1, 0.5, 0.9], [0.02, 0.03, 0.04], level=0.99)
    assert wide.ci_high - wide.ci_low == pytest.approx(
        (narrow.ci_high - narrow.ci_low) * stats.norm.ppf(0.995) / stats.norm.ppf(0.975)
    )


def test_ratio_measures_are_back_transformed_and_others_are_not():
    ratio, plain = pool_effects(bcg("RR")), pool_effects(bcg("RD"))
    assert ratio.estimate_exp == pytest.approx(math.exp(ratio.estimate))
    assert plain.estimate_exp is None and "exp" not in plain.as_dict()
    back = ratio.as_dict()["exp"]
    assert set(back) == {"estimate", "ci_low", "ci_high", "pi_low", "pi_high"}
    assert back["pi_high"] == pytest.approx(math.exp(ratio.pi_high)) and printed(back["estimate"], 0.4894)


def test_as_dict_carries_every_documented_key():
    data = pool_effects(bcg("OR")).as_dict()
    for key in ("k", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low", "pi_high"):
        assert isinstance(data[key], float | int)
    assert data["measure"] == "OR" and data["method"] == "REML" and data["hksj"] is False
    assert len(data["weights"]) == len(data["labels"]) == 13


# ---- edge cases and plain-English errors ---------------------------------------------------------------


def test_two_studies_pool_but_give_no_prediction_interval():
    r = pool([0.1, 0.4], [0.02, 0.03])
    assert r.k == 2 and r.pi_low is None and r.pi_high is None


@pytest.mark.parametrize(
    ("yi", "vi", "options", "message"),
    [
        ([], [], {}, "no studies to pool"),
        ([0.3], [0.01], {}, "only one study, so there is nothing to pool"),
        ([0.3, 0.2], [0.01, 0.0], {}, "variance must be greater than 0"),
        ([0.3, float("inf")], [0.01, 0.02], {}, "finite number"),
        ([0.3, 0.2], [0.01], {}, "one effect and one variance for each study"),
        ([0.3, 0.2], [0.01, 0.02], {"method": "BAYES"}, "Unknown method"),
        ([0.3, 0.2], [0.01, 0.02], {"method": "FE", "hksj": True}, "random-effects models"),
        ([0.3, 0.2], [0.01, 0.02], {"level": 95}, "between 0 and 1"),
        ([0.3, 0.3, 0.3], [0.01, 0.02, 0.03], {"hksj": True}, "exactly the same effect"),
        ([0.3, 0.2], [0.01, 0.02], {"labels": ["a"]}, "1 study labels for 2 studies"),
    ],
)
def test_impossible_pooling_is_refused_in_plain_english(yi, vi, options, message):
    with pytest.raises(PoolingError, match=message):
        pool(yi, vi, **options)


@pytest.mark.parametrize(("yi", "vi"), [([1e308, -1e308], [1e-300, 1e-300]), ([0.1, 0.2], [1e-320, 0.1])])
def test_effects_or_variances_so_extreme_that_the_arithmetic_overflows_are_refused(yi, vi):
    with pytest.raises(PoolingError, match="too extreme to pool"):
        pool(yi, vi)


def test_a_study_left_out_of_a_ratio_is_named_when_too_few_remain():
    with pytest.warns(StudyDroppedWarning):
        effects = from_counts("RR", [0, 4], [20, 20], [0, 6], [30, 20], labels=["Hull", "Leeds"])
    with pytest.raises(PoolingError, match="only one study left to pool. Hull: left out"):
        pool_effects(effects)


def test_methods_are_case_insensitive():
    assert pool([0.1, 0.4, 0.2], [0.02, 0.03, 0.01], method="dl").method is Method.DL


def test_notes_and_labels_travel_from_the_effect_sizes_to_the_result():
    effects = from_counts("RR", [0, 4, 5], [20, 20, 30], [3, 6, 9], [20, 20, 30], labels=["Hull", "Leeds", "York"])
    r = pool_effects(effects)
    assert r.labels == ("Hull", "Leeds", "York") and r.notes and r.notes[0].startswith("Hull: added 0.5")


# ---- invariants -------------------------------------------------------------------------------------------

studies = st.lists(
    st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(0.001, 2, allow_nan=False)), min_size=2, max_size=15
)


@settings(max_examples=150, deadline=None)
@given(studies, st.sampled_from(["REML", "DL", "PM", "FE"]))
def test_pooled_results_obey_basic_invariants(rows, method):
    yi, vi = zip(*rows, strict=True)
    r = pool(yi, vi, method=method)
    assert r.tau2 >= 0 and 0 <= r.i2 < 100 and r.h2 >= 0
    assert min(yi) - 1e-9 <= r.estimate <= max(yi) + 1e-9
    assert sum(r.weights) == pytest.approx(100)
    assert r.ci_low < r.estimate < r.ci_high


@settings(max_examples=100, deadline=None)
@given(studies, st.randoms(use_true_random=False))
def test_the_order_of_the_studies_does_not_matter(rows, random):
    shuffled = rows[:]
    random.shuffle(shuffled)
    a, b = pool(*zip(*rows, strict=True)), pool(*zip(*shuffled, strict=True))
    assert a.estimate == pytest.approx(b.estimate, abs=1e-9) and a.tau2 == pytest.approx(b.tau2, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(studies, st.sampled_from(["REML", "DL", "PM"]))
def test_flipping_every_effect_flips_the_pooled_effect(rows, method):
    yi, vi = zip(*rows, strict=True)
    a, b = pool(yi, vi, method=method), pool([-y for y in yi], vi, method=method)
    assert a.estimate == pytest.approx(-b.estimate, abs=1e-9) and a.tau2 == pytest.approx(b.tau2, abs=1e-9)


def test_generic_effects_pool_like_raw_numbers():
    effects = from_effects([0.1, 0.5, 0.9], [0.02, 0.03, 0.04], labels=["a", "b", "c"])
    assert pool_effects(effects).estimate == pool([0.1, 0.5, 0.9], [0.02, 0.03, 0.04]).estimate


def test_each_studys_forest_plot_row_matches_metafors_summary_of_normand_1999():
    rows = pool_effects(normand_mean_differences_with_pooled_sds(), method="FE").studies()
    # summary(escalc(...)) in metafor's normand1999 test, rounded to one decimal
    assert [round(r.ci_low, 1) for r in rows] == [-32.5, -4.8, -62.7, -95.0, -12.8, -1.2, -8.1, -15.6, -1.9]
    assert [round(r.ci_high, 1) for r in rows] == [-7.5, 0.8, -47.3, -47.0, 4.8, 3.2, 30.1, -4.4, 15.9]
    assert rows[0].label == "Study 1" and rows[0].estimate_exp is None
    assert sum(r.weight for r in rows) == pytest.approx(100)


def test_ratio_study_rows_are_back_transformed_too():
    first = pool_effects(bcg("RR")).studies()[0]  # Aronson 1948: RR 0.41 [0.13, 1.26] in metafor's forest plot
    assert (round(first.estimate_exp, 2), round(first.ci_low_exp, 2), round(first.ci_high_exp, 2)) == (0.41, 0.13, 1.26)
    assert first.ci_low_exp == pytest.approx(math.exp(first.ci_low))


# ---- plain-English summary ----------------------------------------------------------------------------


def test_the_bcg_summary_reads_plainly_with_ratios_on_their_own_scale():
    assert describe(pool_effects(bcg("RR"))) == [
        "Across 13 pilots the pooled risk ratio is 0.489 (95% confidence interval 0.344 to 0.696).",
        "Together they show a clear effect: the interval excludes no effect (1).",
        "The councils' results differ a great deal (I² = 92%).",
        "In another council the effect could be anywhere from 0.155 to 1.55, which includes no effect (1).",
    ]


def test_a_consistent_uncertain_summary_says_so():
    r = pool([0.10, 0.11, 0.09, -0.10], [0.04, 0.05, 0.03, 0.06], hksj=True)
    text = describe(r)
    assert text[1] == "Together they do not show a clear effect: the interval includes no effect (0)."
    assert text[2] == "The councils' results are consistent (I² = 0%)."
    assert text[-1].startswith("The intervals use the Hartung-Knapp adjustment")


@pytest.mark.parametrize(
    ("options", "ending"),
    [
        ({"method": "FE"}, "assumes every council has the same true effect."),
        ({"yi": [0.5, 0.9], "vi": [0.01, 0.02]}, "would vary in another council."),
        ({"yi": [0.5, 0.6, 0.55], "vi": [0.01, 0.02, 0.01]}, "on the same side of 0."),
    ],
)
def test_the_summary_explains_what_the_prediction_interval_says(options, ending):
    options = {"yi": [0.1, 0.5, 0.9], "vi": [0.02, 0.03, 0.04], **options}
    assert describe(pool(options.pop("yi"), options.pop("vi"), **options))[3].endswith(ending)
