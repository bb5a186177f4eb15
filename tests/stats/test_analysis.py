"""The evaluation engine against published worked examples and independent implementations on the raw rows.

References: Newcombe (1998) Stat Med 17:873 Table II; statsmodels OLS/GLM on the raw rows; scipy's Welch
t-test, chi-squared and binomial tests; statsmodels ``multipletests`` for Holm; a pandas one-way ANOVA for the ICC.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from pilotbook.stats import survival
from pilotbook.stats.analysis import AnalysisError, AnalysisSpec, analyse
from pilotbook.stats.dataset import build_dataset, dataset_from_summaries

TOL = 1e-6


def rows_binary(seed: int, n: int = 300, rates=(0.3, 0.4)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.choice(["control", "new"], n)
    p = np.where(arm == "new", rates[1], rates[0])
    return pd.DataFrame({"arm": arm, "y": (rng.random(n) < p).astype(int)})


def rows_continuous(seed: int, n: int = 200, slope: float = 0.8, effect: float = 1.0, arms=("control", "new")):
    rng = np.random.default_rng(seed)
    arm = rng.choice(list(arms), n)
    base = rng.normal(50, 10, n)
    shift = np.array([arms.index(a) for a in arm]) * effect
    y = 10 + slope * base + shift + rng.normal(0, 4 + 2 * (arm == arms[-1]), n)
    return pd.DataFrame({"arm": arm, "y": y, "base": base})


def newcombe_example():
    groups = [{"label": "a", "n": 70, "events": 56}, {"label": "b", "n": 80, "events": 48}]
    return dataset_from_summaries("binary", groups, control="b")


def only(result):
    assert len(result.comparisons) == 1
    return result.comparisons[0].to_dict()


# --- binary -------------------------------------------------------------------------------------------


def test_newcombe_1998_worked_example_hybrid_score_interval():
    # Newcombe (1998) Table II, example (a) 56/70 vs 48/80, method 10: difference 0.2000, CI 0.0524 to 0.3339.
    ds = newcombe_example()
    d = only(analyse(ds, AnalysisSpec("binary", "b")))["difference"]
    assert round(d["estimate"], 4) == 0.2
    assert (round(d["ci_low"], 4), round(d["ci_high"], 4)) == (0.0524, 0.3339)
    assert "Newcombe" in d["method"]


@pytest.mark.parametrize("seed", range(8))
def test_binary_from_rows_matches_statsmodels_and_scipy(seed):
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    df = rows_binary(seed)
    result = analyse(build_dataset(df, kind="binary", arm="arm", control="control", outcome="y"),
                     AnalysisSpec("binary", "control"))
    c = only(result)
    x1, n1 = df.y[df.arm == "new"].sum(), (df.arm == "new").sum()
    x0, n0 = df.y[df.arm == "control"].sum(), (df.arm == "control").sum()
    lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb")
    assert c["difference"]["estimate"] == pytest.approx(x1 / n1 - x0 / n0, abs=1e-12)
    assert (c["difference"]["ci_low"], c["difference"]["ci_high"]) == pytest.approx((lo, hi), abs=TOL)
    rr_lo, rr_hi = confint_proportions_2indep(x1, n1, x0, n0, method="score", compare="ratio")
    assert c["ratio"]["estimate"] == pytest.approx((x1 / n1) / (x0 / n0))
    assert (c["ratio"]["ci_low"], c["ratio"]["ci_high"]) == pytest.approx((rr_lo, rr_hi), abs=TOL)
    assert c["other_measures"]["odds_ratio"]["estimate"] == pytest.approx(x1 * (n0 - x0) / (x0 * (n1 - x1)))
    # Pearson's chi-squared test without correction is the pooled score z-test.
    assert c["p_value"] == pytest.approx(proportions_ztest([x1, x0], [n1, n0])[1], abs=TOL)
    assert c["p_value_adjusted"] == c["p_value"]


def test_small_expected_counts_use_fishers_exact_test_and_say_so():
    ds = dataset_from_summaries("binary", [{"label": "a", "n": 12, "events": 1}, {"label": "b", "n": 12, "events": 6}],
                                control="a")
    result = analyse(ds, AnalysisSpec("binary", "a"))
    c = only(result)
    assert c["test"] == "Fisher's exact test"
    assert c["p_value"] == pytest.approx(stats.fisher_exact([[6, 6], [1, 11]])[1], abs=1e-12)
    assert any("expected counts are below 5" in w for w in result.to_dict()["warnings"])


def test_no_events_anywhere_gives_no_ratio_but_still_a_difference():
    ds = dataset_from_summaries("binary", [{"label": "a", "n": 40, "events": 0}, {"label": "b", "n": 40, "events": 0}],
                                control="a")
    result = analyse(ds, AnalysisSpec("binary", "a", worthwhile=0.1)).to_dict()
    c = result["comparisons"][0]
    assert c["ratio"] is None and c["other_measures"] == {}
    assert c["difference"]["estimate"] == 0 and c["difference"]["ci_low"] < 0 < c["difference"]["ci_high"]
    assert any("no ratio" in w for w in result["warnings"])


# --- continuous ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_welch_matches_scipy_on_the_rows(seed):
    df = rows_continuous(seed)
    ds = build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y")
    c = only(analyse(ds, AnalysisSpec("continuous", "control")))
    ref = stats.ttest_ind(df.y[df.arm == "new"], df.y[df.arm == "control"], equal_var=False)
    ci = ref.confidence_interval()
    assert c["difference"]["estimate"] == pytest.approx(df.y[df.arm == "new"].mean() - df.y[df.arm == "control"].mean())
    assert (c["difference"]["ci_low"], c["difference"]["ci_high"]) == pytest.approx((ci.low, ci.high), abs=TOL)
    assert c["p_value"] == pytest.approx(ref.pvalue, abs=1e-9)


def test_hedges_g_matches_the_exact_formula():
    df = rows_continuous(3)
    ds = build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y")
    g = only(analyse(ds, AnalysisSpec("continuous", "control")))["other_measures"]["hedges_g"]
    a, b = df.y[df.arm == "new"], df.y[df.arm == "control"]
    m = len(a) + len(b) - 2
    sp = math.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / m)
    j = math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2)) / math.sqrt(m / 2)
    expected = j * (a.mean() - b.mean()) / sp
    se = math.sqrt(1 / len(a) + 1 / len(b) + expected**2 / (2 * (len(a) + len(b))))
    assert g["estimate"] == pytest.approx(expected, abs=1e-9)
    assert g["ci_low"] == pytest.approx(expected - 1.959963984540054 * se, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_ancova_matches_statsmodels_ols_on_the_rows_and_narrows_the_interval(seed):
    df = rows_continuous(seed, arms=("control", "new", "other"))
    ds = build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y", baseline="base")
    result = analyse(ds, AnalysisSpec("continuous", "control"))
    fit = smf.ols("y ~ C(arm, Treatment('control')) + base", data=df).fit()
    for c in result.to_dict()["comparisons"]:
        name = f"C(arm, Treatment('control'))[T.{c['arm']}]"
        lo, hi = fit.conf_int().loc[name]
        assert c["difference"]["estimate"] == pytest.approx(fit.params[name], abs=1e-8)
        assert (c["difference"]["ci_low"], c["difference"]["ci_high"]) == pytest.approx((lo, hi), abs=TOL)
        assert c["p_value"] == pytest.approx(fit.pvalues[name], abs=1e-9)
        welch = c["other_measures"]["unadjusted_difference"]
        assert hi - lo < welch["ci_high"] - welch["ci_low"]  # the baseline predicts the outcome


def test_large_means_do_not_lose_precision():
    df = rows_continuous(1)
    df["y"] += 1e9
    c = only(analyse(build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y"),
                     AnalysisSpec("continuous", "control")))
    ref = stats.ttest_ind(df.y[df.arm == "new"], df.y[df.arm == "control"], equal_var=False)
    assert c["p_value"] == pytest.approx(ref.pvalue, rel=1e-5)


def test_no_variation_is_an_analysis_error():
    ds = dataset_from_summaries("continuous", [{"label": "a", "n": 5, "mean": 3, "sd": 0},
                                               {"label": "b", "n": 5, "mean": 3, "sd": 0}], control="a")
    with pytest.raises(AnalysisError, match="no variation"):
        analyse(ds, AnalysisSpec("continuous", "a"))


# --- counts -------------------------------------------------------------------------------------------


def test_rate_ratio_exact_conditional_matches_rs_poisson_test_example():
    # R ?poisson.test: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) gives rate ratio 1.971488,
    # 95% CI 0.8584264 to 4.2772659 and p = 0.07967.
    ds = dataset_from_summaries("count", [{"label": "a", "events": 11, "exposure": 800},
                                          {"label": "b", "events": 21, "exposure": 3011}], control="b")
    c = only(analyse(ds, AnalysisSpec("count", "b")))
    assert c["ratio"]["estimate"] == pytest.approx(1.971488, abs=1e-6)
    assert (c["ratio"]["ci_low"], c["ratio"]["ci_high"]) == pytest.approx((0.8584264, 4.2772659), abs=1e-6)
    assert c["p_value"] == pytest.approx(0.07967, abs=1e-5)
    test = stats.binomtest(11, 32, 800 / 3811)
    assert c["p_value"] == pytest.approx(test.pvalue, abs=1e-12)


def test_rate_difference_uses_the_score_interval_with_exposure():
    from statsmodels.stats.rates import confint_poisson_2indep

    ds = dataset_from_summaries("count", [{"label": "a", "events": 30, "exposure": 120.5, "n": 60},
                                          {"label": "b", "events": 52, "exposure": 130.0, "n": 61}], control="b")
    result = analyse(ds, AnalysisSpec("count", "b")).to_dict()
    d = result["comparisons"][0]["difference"]
    assert d["estimate"] == pytest.approx(30 / 120.5 - 52 / 130)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx(
        confint_poisson_2indep(30, 120.5, 52, 130.0, method="score", compare="diff"), abs=TOL)
    assert result["arms"][0] == {"label": "a", "n": 60, "events": 30, "exposure": 120.5, "rate": 30 / 120.5}


def test_overdispersed_counts_switch_to_quasi_poisson_like_statsmodels_glm():
    rng = np.random.default_rng(5)
    arm = rng.choice(["control", "new"], 500)
    y = rng.negative_binomial(1, 1 / (1 + np.where(arm == "new", 2.0, 3.0)))
    exposure = rng.uniform(0.5, 2, 500)
    df = pd.DataFrame({"arm": arm, "y": y, "e": exposure})
    result = analyse(build_dataset(df, kind="count", arm="arm", control="control", outcome="y", exposure="e"),
                     AnalysisSpec("count", "control")).to_dict()
    fit = smf.glm("y ~ C(arm, Treatment('control'))", data=df, family=sm.families.Poisson(),
                  offset=np.log(df.e)).fit(scale="X2")
    name = "C(arm, Treatment('control'))[T.new]"
    ratio = result["comparisons"][0]["ratio"]
    assert "quasi-Poisson" in ratio["method"]
    assert ratio["estimate"] == pytest.approx(math.exp(fit.params[name]), abs=1e-9)
    lo, hi = np.exp(fit.conf_int().loc[name])
    assert (ratio["ci_low"], ratio["ci_high"]) == pytest.approx((lo, hi), abs=TOL)
    assert any("dispersion" in w for w in result["warnings"])


# --- cluster randomised -------------------------------------------------------------------------------


def rows_clustered(seed: int, kind: str = "continuous", clusters: int = 24, icc_sd: float = 1.0):
    rng = np.random.default_rng(seed)
    cluster_arm = np.array(["control", "new"] * (clusters // 2))
    sizes = rng.integers(5, 40, clusters)
    cluster = np.repeat(np.arange(clusters), sizes)
    arm = cluster_arm[cluster]
    effect = rng.normal(0, icc_sd, clusters)[cluster]
    base = rng.normal(20, 5, len(cluster))
    if kind == "binary":
        y = (rng.random(len(cluster)) < 1 / (1 + np.exp(-(effect * 0.5 - 0.3 + 0.4 * (arm == "new"))))).astype(int)
    else:
        y = 2 + 0.5 * base + effect + (arm == "new") + rng.normal(0, 3, len(cluster))
    return pd.DataFrame({"ward": [f"w{c}" for c in cluster], "arm": arm, "y": y, "base": base})


@pytest.mark.parametrize(("seed", "kind", "baseline"), [(0, "continuous", None), (1, "continuous", "base"),
                                                        (2, "binary", None), (3, "binary", None)])
def test_cluster_robust_analysis_matches_statsmodels_on_the_rows(seed, kind, baseline):
    df = rows_clustered(seed, kind)
    ds = build_dataset(df, kind=kind, arm="arm", control="control", outcome="y", cluster="ward", baseline=baseline)
    result = analyse(ds, AnalysisSpec(kind, "control")).to_dict()
    assert result["design"] == "cluster" and result["msms_level"] == 5 and result["clusters"] == 24
    formula = "y ~ C(arm, Treatment('control'))" + (" + base" if baseline else "")
    fit = smf.ols(formula, data=df).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(df.ward)[0]},
                                        use_t=True)
    name = "C(arm, Treatment('control'))[T.new]"
    c = result["comparisons"][0]
    assert c["difference"]["estimate"] == pytest.approx(fit.params[name], abs=1e-9)
    lo, hi = fit.conf_int().loc[name]
    assert (c["difference"]["ci_low"], c["difference"]["ci_high"]) == pytest.approx((lo, hi), abs=TOL)
    assert c["p_value"] == pytest.approx(fit.pvalues[name], abs=1e-9)


def test_icc_is_the_one_way_anova_estimator_and_sets_the_design_effect():
    df = rows_clustered(4, icc_sd=2.0)
    result = analyse(build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y", cluster="ward"),
                     AnalysisSpec("continuous", "control")).to_dict()
    # Independent computation on the rows: clusters nested in arms.
    g = df.groupby("ward")
    n_g, mean_g = g.y.size(), g.y.mean()
    arm_g = g.arm.first()
    arm_mean = df.groupby("arm").y.mean()
    ssb = (n_g * (mean_g - arm_mean[arm_g].to_numpy()) ** 2).sum()
    ssw = ((df.y - df.ward.map(mean_g)) ** 2).sum()
    k, n, G = 2, len(df), len(n_g)
    msb, msw = ssb / (G - k), ssw / (n - G)
    m0 = (n - sum((n_g[arm_g == a] ** 2).sum() / n_g[arm_g == a].sum() for a in ("control", "new"))) / (G - k)
    icc = (msb - msw) / (msb + (m0 - 1) * msw)
    assert result["icc"] == pytest.approx(icc, abs=1e-9)
    assert result["design_effect"] == pytest.approx(1 + (n / G - 1) * icc, abs=1e-9)
    assert 0.05 < icc < 0.6


def test_cluster_counts_match_poisson_glm_with_cluster_robust_errors():
    df = rows_clustered(6)
    df["y"] = np.random.default_rng(6).poisson(np.exp(0.3 + 0.2 * (df.arm == "new")), len(df))
    result = analyse(build_dataset(df, kind="count", arm="arm", control="control", outcome="y", cluster="ward"),
                     AnalysisSpec("count", "control")).to_dict()
    fit = smf.glm("y ~ C(arm, Treatment('control'))", data=df, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df.ward)[0]})
    name = "C(arm, Treatment('control'))[T.new]"
    ratio = result["comparisons"][0]["ratio"]
    assert ratio["estimate"] == pytest.approx(math.exp(fit.params[name]), abs=1e-9)
    se = (math.log(ratio["ci_high"]) - math.log(ratio["ci_low"])) / 2 / stats.t.ppf(0.975, 23)
    assert se == pytest.approx(fit.bse[name], rel=1e-6)


def test_few_clusters_are_warned_about():
    df = rows_clustered(7, clusters=8)
    result = analyse(build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y", cluster="ward"),
                     AnalysisSpec("continuous", "control")).to_dict()
    assert any("Fewer than 10 clusters" in w for w in result["warnings"])


# --- before and after ---------------------------------------------------------------------------------


def rows_periods(seed: int, arms=("control", "new"), n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.choice(list(arms), n)
    period = rng.choice(["2024", "2025"], n)
    y = 5 + 1.5 * (period == "2025") + 0.8 * ((period == "2025") & (arm == "new")) + rng.normal(0, 2, n)
    return pd.DataFrame({"arm": arm, "period": period, "y": y, "ward": rng.choice([f"w{i}" for i in range(30)], n)})


def test_difference_in_differences_matches_ols_interaction_with_hc2():
    df = rows_periods(0)
    ds = build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y", period="period",
                       before_label="2024")
    result = analyse(ds, AnalysisSpec("continuous", "control")).to_dict()
    assert result["design"] == "did" and result["msms_level"] == 3
    df["treated"], df["after"] = (df.arm == "new").astype(int), (df.period == "2025").astype(int)
    fit = smf.ols("y ~ treated * after", data=df).fit(cov_type="HC2")
    d = result["comparisons"][0]["difference"]
    assert d["estimate"] == pytest.approx(fit.params["treated:after"], abs=1e-9)
    t = (d["ci_high"] - d["estimate"]) / fit.bse["treated:after"]
    assert 1.96 < t < 1.98  # the same standard error, with Satterthwaite's t instead of z


def test_difference_in_differences_with_clusters_matches_cluster_robust_ols():
    df = rows_periods(1)
    df = df[df.ward.isin([f"w{i}" for i in range(30)])]
    df["arm"] = np.where(df.ward.str[1:].astype(int) % 2 == 0, "new", "control")
    ds = build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y", period="period",
                       before_label="2024", cluster="ward")
    result = analyse(ds, AnalysisSpec("continuous", "control")).to_dict()
    df["treated"], df["after"] = (df.arm == "new").astype(int), (df.period == "2025").astype(int)
    fit = smf.ols("y ~ treated * after", data=df).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df.ward)[0]}, use_t=True)
    d = result["comparisons"][0]["difference"]
    assert d["estimate"] == pytest.approx(fit.params["treated:after"], abs=1e-9)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx(tuple(fit.conf_int().loc["treated:after"]), abs=TOL)


def test_before_after_only_is_level_one_and_says_it_is_weak():
    df = rows_periods(2, arms=("only",))
    ds = build_dataset(df, kind="continuous", arm="arm", control="only", outcome="y", period="period",
                       before_label="2024")
    result = analyse(ds, AnalysisSpec("continuous", "only", worthwhile=0.5)).to_dict()
    assert result["design"] == "before_after" and result["msms_level"] == 1
    assert [a["label"] for a in result["arms"]] == ["2024", "2025"]
    c = result["comparisons"][0]
    assert (c["arm"], c["control"]) == ("2025", "2024")
    after, before = df.y[df.period == "2025"], df.y[df.period == "2024"]
    assert c["difference"]["estimate"] == pytest.approx(after.mean() - before.mean())
    assert c["p_value"] == pytest.approx(stats.ttest_ind(after, before, equal_var=False).pvalue, abs=1e-9)
    assert "weak evidence" in result["warnings"][0]


# --- several arms, verdicts ---------------------------------------------------------------------------


def test_several_arms_get_holm_adjusted_p_values():
    df = rows_continuous(11, n=240, arms=("control", "a", "b", "c"), effect=0.6)
    result = analyse(build_dataset(df, kind="continuous", arm="arm", control="control", outcome="y"),
                     AnalysisSpec("continuous", "control")).to_dict()
    raw = [c["p_value"] for c in result["comparisons"]]
    assert [c["arm"] for c in result["comparisons"]] == [x for x in result_labels(df) if x != "control"]
    expected = multipletests(raw, method="holm")[1]
    assert [c["p_value_adjusted"] for c in result["comparisons"]] == pytest.approx(list(expected), abs=1e-12)
    assert any(a > p for a, p in zip(expected, raw, strict=True))


def result_labels(df: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(df.arm))


@pytest.mark.parametrize(("events", "better", "verdict"), [
    ((40, 70), "higher", "worked"), ((70, 40), "higher", "made_worse"), ((70, 40), "lower", "worked"),
    ((500, 505), "higher", "no_worthwhile_effect"), ((50, 56), "higher", "inconclusive"),
])
def test_verdicts_use_the_better_direction_and_worthwhile_effect(events, better, verdict):
    n = 1000 if events[0] >= 500 else 200
    ds = dataset_from_summaries("binary", [{"label": "old", "n": n, "events": events[0]},
                                           {"label": "new", "n": n, "events": events[1]}], control="old")
    c = only(analyse(ds, AnalysisSpec("binary", "old", better=better, worthwhile=0.1)))
    assert c["verdict"] == verdict
    assert (c["settling_sample"] is not None) == (verdict == "inconclusive")
    sign = 1 if better == "higher" else -1
    assert c["oriented"]["estimate"] == pytest.approx(sign * c["difference"]["estimate"])


def test_the_settling_sample_settles_it_if_proportions_stay_the_same():
    ds = dataset_from_summaries("binary", [{"label": "old", "n": 200, "events": 50},
                                           {"label": "new", "n": 200, "events": 62}], control="old")
    settle = only(analyse(ds, AnalysisSpec("binary", "old", worthwhile=0.05)))["settling_sample"]
    scaled = dataset_from_summaries("binary", [{"label": "old", "n": settle, "events": round(settle * 0.25)},
                                               {"label": "new", "n": settle, "events": round(settle * 0.31)}],
                                    control="old")
    assert only(analyse(scaled, AnalysisSpec("binary", "old", worthwhile=0.05)))["verdict"] != "inconclusive"


def test_without_a_worthwhile_effect_there_is_no_verdict():
    ds = newcombe_example()
    c = only(analyse(ds, AnalysisSpec("binary", "b")))
    assert c["verdict"] is None and c["reaches_worthwhile"] is None and c["settling_sample"] is None


def test_under_no_effect_worked_is_rare():
    rng = np.random.default_rng(2026)
    worked = 0
    runs = 800
    for _ in range(runs):
        a, b = rng.binomial(150, 0.3, 2)
        ds = dataset_from_summaries("binary", [{"label": "old", "n": 150, "events": int(a)},
                                               {"label": "new", "n": 150, "events": int(b)}], control="old")
        worked += only(analyse(ds, AnalysisSpec("binary", "old", worthwhile=0.05)))["verdict"] == "worked"
    assert worked / runs <= 0.035  # nominal 2.5%; the slack covers simulation error


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(61, 90), st.integers(61, 90))
def test_swapping_the_groups_flips_the_difference(x1, x0, n1, n0):
    groups = [{"label": "a", "n": n1, "events": x1}, {"label": "b", "n": n0, "events": x0}]
    one = only(analyse(dataset_from_summaries("binary", groups, control="b"), AnalysisSpec("binary", "b")))
    two = only(analyse(dataset_from_summaries("binary", groups, control="a"), AnalysisSpec("binary", "a")))
    d1, d2 = one["difference"], two["difference"]
    assert d1["estimate"] == pytest.approx(-d2["estimate"], abs=1e-12)
    assert (d1["ci_low"], d1["ci_high"]) == pytest.approx((-d2["ci_high"], -d2["ci_low"]), abs=1e-6)
    assert one["p_value"] == pytest.approx(two["p_value"], abs=1e-12)


def test_shuffling_the_rows_changes_nothing():
    df = rows_continuous(8)
    spec = AnalysisSpec("continuous", "control")
    build = lambda d: build_dataset(d, kind="continuous", arm="arm", control="control", outcome="y", baseline="base")  # noqa: E731
    one = analyse(build(df), spec).to_dict()
    two = analyse(build(df.sample(frac=1, random_state=3).reset_index(drop=True)), spec).to_dict()
    two["arms"] = sorted(two["arms"], key=lambda a: [x["label"] for x in one["arms"]].index(a["label"]))
    assert one["comparisons"][0]["difference"]["estimate"] == pytest.approx(
        two["comparisons"][0]["difference"]["estimate"], abs=1e-10)
    assert one["comparisons"][0]["p_value"] == pytest.approx(two["comparisons"][0]["p_value"], abs=1e-10)


# --- time to event ------------------------------------------------------------------------------------


def test_time_to_event_reports_medians_hazard_ratio_log_rank_and_curves():
    rng = np.random.default_rng(12)
    arm = rng.choice(["old", "new"], 300)
    t = rng.exponential(np.where(arm == "new", 21, 46))
    event = t < 90
    df = pd.DataFrame({"arm": arm, "days": np.minimum(t, 90).round(), "contact": event.astype(int)})
    ds = build_dataset(df, kind="time-to-event", arm="arm", control="old", time="days", event="contact")
    result = analyse(ds, AnalysisSpec("time-to-event", "old", better="lower", worthwhile=7)).to_dict()
    expected = survival.compare_survival(
        survival.SurvivalGroup("old", df.days[df.arm == "old"].to_numpy(), df.contact[df.arm == "old"].to_numpy() == 1),
        survival.SurvivalGroup("new", df.days[df.arm == "new"].to_numpy(), df.contact[df.arm == "new"].to_numpy() == 1))
    c = result["comparisons"][0]
    assert c["ratio"]["estimate"] == pytest.approx(expected.hazard_ratio.estimate)
    assert c["difference"]["estimate"] == pytest.approx(expected.median_difference.estimate)
    assert c["p_value"] == pytest.approx(expected.logrank_p)
    assert c["verdict"] == "worked" and c["difference"]["estimate"] < 0
    assert [curve["label"] for curve in result["survival"]["curves"]] == ["new", "old"] or \
        [curve["label"] for curve in result["survival"]["curves"]] == ["old", "new"]
    assert result["survival"]["curves"][0]["steps"][0] == [0.0, 1.0, 1.0, 1.0]


def test_a_design_that_does_not_fit_the_data_is_an_analysis_error():
    ds = newcombe_example()
    with pytest.raises(AnalysisError, match="needs a column saying which cluster"):
        analyse(ds, AnalysisSpec("binary", "b", design="cluster"))
    with pytest.raises(AnalysisError, match="period column"):
        analyse(ds, AnalysisSpec("binary", "b", design="did"))


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(1, 10, 10, 10), (0, 12, 7, 12), (12, 12, 12, 12), (3, 5, 0, 9)])
def test_edge_tables_still_give_a_difference_and_a_valid_or_absent_ratio(x1, n1, x0, n0):
    groups = [{"label": "a", "n": n1, "events": x1}, {"label": "b", "n": n0, "events": x0}]
    ds = dataset_from_summaries("binary", groups, control="b")
    c = only(analyse(ds, AnalysisSpec("binary", "b", worthwhile=0.1)))
    d = c["difference"]
    assert d["ci_low"] <= d["estimate"] <= d["ci_high"] and c["verdict"] is not None
    for ratio in (c["ratio"], c["other_measures"].get("odds_ratio")):
        if ratio is not None:
            assert 0 <= ratio["ci_low"] <= ratio["estimate"] <= ratio["ci_high"] < math.inf


def test_with_a_true_effect_equal_to_the_worthwhile_one_no_worthwhile_effect_is_rare():
    rng = np.random.default_rng(2027)
    runs, wrong = 800, 0
    for _ in range(runs):
        a, b = rng.binomial(300, 0.30), rng.binomial(300, 0.40)
        ds = dataset_from_summaries("binary", [{"label": "old", "n": 300, "events": int(a)},
                                               {"label": "new", "n": 300, "events": int(b)}], control="old")
        wrong += only(analyse(ds, AnalysisSpec("binary", "old", worthwhile=0.10)))["verdict"] == "no_worthwhile_effect"
    assert wrong / runs <= 0.05  # nominal 2.5% (the upper limit falls below the true effect)


def test_renaming_the_groups_changes_nothing_but_the_names():
    def result(names):
        groups = [{"label": names[0], "n": 90, "events": 30}, {"label": names[1], "n": 85, "events": 41}]
        return only(analyse(dataset_from_summaries("binary", groups, control=names[0]),
                            AnalysisSpec("binary", names[0], worthwhile=0.05)))

    one, two = result(("old", "new")), result(("Letter A (2024)", "Letter B — redrafted"))
    for key in ("difference", "ratio", "p_value", "verdict", "settling_sample"):
        assert one[key] == two[key]
