"""Pilots randomised by cluster: cluster-robust differences and ratios, rates, and the intracluster correlation."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from pilotbook.stats.dataset import Dataset, Stats

from .regression import _arm_position, _arm_regressors, _Fit, _ols
from .results import (
    Analysis,
    AnalysisError,
    AnalysisSpec,
    Comparison,
    Estimate,
    _estimate,
    _others,
)
from .summaries import ASSUMPTIONS, _arm_summary


def _cluster(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    if not ds.clusters:  # the engine chooses this design only for data with clusters
        raise AnalysisError("A cluster-randomised analysis needs a column saying which cluster each row is in.")
    result = Analysis(ds.kind, "cluster", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    result.icc, result.design_effect, result.clusters = *_icc(ds), len(ds.clusters)
    if ds.kind == "count":
        comparisons = _cluster_counts(ds, spec)
    else:
        baseline = ds.has_baseline and ds.kind == "continuous"
        fit = _ols(ds, ds.cells, _arm_regressors(ds, spec.control), baseline=baseline, robust=True)
        if fit is None or len({c.cluster for c in ds.cells}) < 3:
            raise AnalysisError("A cluster-randomised analysis needs at least 3 clusters with varied outcomes.")
        comparisons = [_cluster_comparison(ds, spec, fit, label, baseline) for label in _others(ds, spec)]
    result.comparisons = comparisons
    result.assumptions += ASSUMPTIONS["cluster"]
    if ds.has_baseline and ds.kind != "continuous":
        result.warnings.append("A baseline measure is used only for continuous outcomes; it was not used here.")
    return result


def _cluster_comparison(ds: Dataset, spec: AnalysisSpec, fit: _Fit, label: str, baseline: bool) -> Comparison:
    position = _arm_position(ds, spec.control, label)
    what = "proportions" if ds.kind == "binary" else "means"
    adjusted = ", adjusted for the baseline" if baseline else ""
    difference, p_value, test = fit.contrast(
        position, spec.alpha, f"Difference in {what}{adjusted}, cluster-robust interval", "Cluster-robust t-test")
    a, c = ds.arm_stats(label), ds.arm_stats(spec.control)
    comparison = Comparison(label, spec.control, difference, None, p_value, test, a.n, c.n)
    if ds.kind == "binary" and not baseline:
        comparison.ratio = _delta_ratio(fit, position, spec.alpha, "Risk ratio, cluster-robust delta method")
    return comparison


def _delta_ratio(fit: _Fit, position: int, alpha: float, method: str) -> Estimate | None:
    """Ratio of a group's mean to the comparison group's, from the regression (intercept = comparison mean)."""
    m0, m1 = fit.coef[0], fit.coef[0] + fit.coef[position]
    if m0 <= 0 or m1 <= 0:
        return None
    grad = np.zeros(len(fit.coef))
    grad[0] = 1 / m1 - 1 / m0
    grad[position] = 1 / m1
    se = math.sqrt(grad @ fit.cov @ grad)
    t = stats.t.ppf(1 - alpha / 2, fit.df)
    log_ratio = math.log(m1 / m0)
    return _estimate(m1 / m0, math.exp(log_ratio - t * se), math.exp(log_ratio + t * se), method)


def _cluster_counts(ds: Dataset, spec: AnalysisSpec) -> list[Comparison]:
    """Rates as ratio estimators with cluster-robust variances (the sandwich of a Poisson GLM with one rate per
    group, statsmodels' small-sample factor)."""
    per_cluster: dict[int | None, Stats] = {}
    for cell in ds.cells:
        per_cluster[cell.cluster] = per_cluster.get(cell.cluster, Stats()) + cell.stats
    arm_of = {cell.cluster: cell.arm for cell in ds.cells}
    g, n, k = len(per_cluster), sum(s.n for s in per_cluster.values()), len(ds.labels)
    factor = g / (g - 1) * (n - 1) / (n - k) if g > 1 and n > k else math.nan
    rates, variances = {}, {}
    for i, label in enumerate(ds.labels):
        total = ds.arm_stats(i)
        rate = total.sum / total.exposure
        resid = sum((s.sum - rate * s.exposure) ** 2 for c, s in per_cluster.items() if arm_of[c] == i)
        rates[label], variances[label] = rate, factor * resid / total.exposure**2
    t = stats.t.ppf(1 - spec.alpha / 2, g - 1)
    comparisons = []
    for label in _others(ds, spec):
        r1, r0 = rates[label], rates[spec.control]
        se = math.sqrt(variances[label] + variances[spec.control])
        if not se > 0:
            raise AnalysisError("The counts do not vary between clusters, so their uncertainty cannot be estimated.")
        diff = r1 - r0
        difference = _estimate(diff, diff - t * se, diff + t * se,
                               "Difference in rates per unit of exposure, cluster-robust interval")
        ratio = None
        if r1 > 0 and r0 > 0:
            se_log = math.sqrt(variances[label] / r1**2 + variances[spec.control] / r0**2)
            ratio = _estimate(r1 / r0, r1 / r0 * math.exp(-t * se_log), r1 / r0 * math.exp(t * se_log),
                              "Rate ratio, cluster-robust interval")
        p_value = float(2 * stats.t.sf(abs(diff) / se, g - 1))
        a, c = ds.arm_stats(label), ds.arm_stats(spec.control)
        comparisons.append(Comparison(label, spec.control, difference, ratio, p_value, "Cluster-robust t-test",
                                      a.n, c.n))
    return comparisons


def _icc(ds: Dataset) -> tuple[float | None, float | None]:
    """One-way ANOVA estimator of the intraclass correlation, clusters nested within groups."""
    clusters: dict[int | None, Stats] = {}
    arm_of: dict[int | None, int] = {}
    for cell in ds.cells:
        clusters[cell.cluster] = clusters.get(cell.cluster, Stats()) + cell.stats
        arm_of[cell.cluster] = cell.arm
    n_total, g, k = sum(s.n for s in clusters.values()), len(clusters), len({*arm_of.values()})
    if g - k < 1 or n_total - g < 1:
        return None, None
    ssw = sum(s.sum_sq - s.sum**2 / s.n for s in clusters.values())
    ssb, sum_n2_over_arm = 0.0, 0.0
    for arm in set(arm_of.values()):
        members = [s for c, s in clusters.items() if arm_of[c] == arm]
        n_arm, sum_arm = sum(s.n for s in members), sum(s.sum for s in members)
        ssb += sum(s.sum**2 / s.n for s in members) - sum_arm**2 / n_arm
        sum_n2_over_arm += sum(s.n**2 for s in members) / n_arm
    msb, msw = ssb / (g - k), max(ssw, 0.0) / (n_total - g)
    m0 = (n_total - sum_n2_over_arm) / (g - k)
    if msb + (m0 - 1) * msw <= 0:
        return None, None
    icc = max(0.0, (msb - msw) / (msb + (m0 - 1) * msw))
    return icc, 1 + (n_total / g - 1) * icc
