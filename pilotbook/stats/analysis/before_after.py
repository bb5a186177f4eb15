"""Before-and-after designs: difference in differences with a comparison group, or before against after alone."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from pilotbook.stats.dataset import Cell, Dataset, Stats

from .cluster import _icc
from .individual import TWO_GROUP
from .regression import _ols
from .results import (
    Analysis,
    AnalysisError,
    AnalysisSpec,
    Comparison,
    _estimate,
    _others,
)
from .summaries import ASSUMPTIONS, _arm_summary, _summary_of

# The sums of one group in one period: (group label, period), the period 0 before and 1 after.
_Cells = dict[tuple[str, int], Stats]


def _periods(ds: Dataset) -> tuple[str, str]:
    """The labels of the before and the after period (the engine chooses these designs only for data with them)."""
    if ds.periods is None:
        raise AnalysisError("A before-and-after design needs a period column saying which rows are 'before'.")
    return ds.periods


def _did(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    periods = _periods(ds)
    result = Analysis(ds.kind, "did", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    for label in _others(ds, spec):
        cells: _Cells = {(arm, p): ds.arm_stats(arm, p) for arm in (label, spec.control) for p in (0, 1)}
        for (arm, p), s in cells.items():
            if s.n == 0:
                raise AnalysisError(f"'{arm}' has no rows in the {periods[p]} period.")
        if ds.clusters and ds.kind != "count":
            comparison = _did_clustered(ds, spec, label)
        elif ds.kind == "count":
            if ds.clusters:
                result.warnings.append("Clusters are not used in a difference in differences of counts.")
            comparison = _did_counts(ds, spec, label, cells)
        else:
            comparison = _did_means(ds, spec, label, cells)
        result.comparisons.append(comparison)
    if ds.has_baseline:
        result.warnings.append("A baseline measure is not used in a before-and-after design; the 'before' "
                               "period plays its part.")
    if ds.clusters:
        result.icc, result.design_effect, result.clusters = *_icc(ds), len(ds.clusters)
    result.assumptions += ASSUMPTIONS["did"]
    return result


def _did_means(ds: Dataset, spec: AnalysisSpec, label: str, cells: _Cells) -> Comparison:
    a0, a1, c0, c1 = (cells[(label, 0)], cells[(label, 1)], cells[(spec.control, 0)], cells[(spec.control, 1)])
    for s in (a0, a1, c0, c1):
        if s.n < 2:
            raise AnalysisError("Each group needs at least 2 rows in each period for a difference in differences.")
    estimate = (ds.mean(a1) - ds.mean(a0)) - (ds.mean(c1) - ds.mean(c0))
    parts = [s.variance / s.n for s in (a0, a1, c0, c1)]
    se2 = sum(parts)
    if se2 <= 0:
        raise AnalysisError("The outcome does not vary, so there is nothing to analyse.")
    df = se2**2 / sum(v**2 / (s.n - 1) for v, s in zip(parts, (a0, a1, c0, c1), strict=True))
    se, t = math.sqrt(se2), stats.t.ppf(1 - spec.alpha / 2, df)
    what = "proportions" if ds.kind == "binary" else "means"
    difference = _estimate(estimate, estimate - t * se, estimate + t * se,
                           f"Difference in differences of {what}, unequal-variance interval")
    p_value = float(2 * stats.t.sf(abs(estimate) / se, df))
    return Comparison(label, spec.control, difference, None, p_value, "Welch-type t-test (Satterthwaite df)",
                      a0.n + a1.n, c0.n + c1.n)


def _did_clustered(ds: Dataset, spec: AnalysisSpec, label: str) -> Comparison:
    arm, ctl = ds.labels.index(label), ds.labels.index(spec.control)
    cells = [c for c in ds.cells if c.arm in (arm, ctl)]

    def regressors(cell: Cell) -> np.ndarray:
        treated, after = float(cell.arm == arm), float(cell.period == 1)
        return np.array([1.0, treated, after, treated * after])

    fit = _ols(ds, cells, regressors, baseline=False, robust=True)
    if fit is None:
        raise AnalysisError("The difference in differences cannot be estimated from these clusters.")
    what = "proportions" if ds.kind == "binary" else "means"
    difference, p_value, test = fit.contrast(
        3, spec.alpha, f"Difference in differences of {what}, cluster-robust interval", "Cluster-robust t-test")
    return Comparison(label, spec.control, difference, None, p_value, test,
                      ds.arm_stats(label).n, ds.arm_stats(spec.control).n)


def _rate(s: Stats) -> float:
    """Events per unit of exposure."""
    return s.sum / s.exposure


def _did_counts(ds: Dataset, spec: AnalysisSpec, label: str, cells: _Cells) -> Comparison:
    a0, a1, c0, c1 = (cells[(label, 0)], cells[(label, 1)], cells[(spec.control, 0)], cells[(spec.control, 1)])
    estimate = (_rate(a1) - _rate(a0)) - (_rate(c1) - _rate(c0))
    se = math.sqrt(sum(s.sum / s.exposure**2 for s in (a0, a1, c0, c1)))
    if not se > 0:
        raise AnalysisError("There are no events in any group or period, so there is nothing to analyse.")
    z = stats.norm.ppf(1 - spec.alpha / 2)
    difference = _estimate(estimate, estimate - z * se, estimate + z * se,
                           "Difference in differences of rates, Poisson Wald interval")
    ratio = None
    if all(s.sum > 0 for s in (a0, a1, c0, c1)):
        rrr = (_rate(a1) / _rate(a0)) / (_rate(c1) / _rate(c0))
        se_log = math.sqrt(sum(1 / s.sum for s in (a0, a1, c0, c1)))
        ratio = _estimate(rrr, rrr * math.exp(-z * se_log), rrr * math.exp(z * se_log),
                          "Ratio of rate ratios, Poisson Wald interval")
    p_value = float(2 * stats.norm.sf(abs(estimate) / se))
    n = (a0.n + a1.n, c0.n + c1.n) if ds.n_known else (None, None)
    return Comparison(label, spec.control, difference, ratio, p_value, "Wald z-test (Poisson)", *n)


def _before_after(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    before, after = _periods(ds)
    result = Analysis(ds.kind, "before_after", spec.alpha, [], [])
    single = len(ds.labels) == 1
    for label in ds.labels:
        s0, s1 = ds.arm_stats(label, 0), ds.arm_stats(label, 1)
        if s0.n == 0 or s1.n == 0:
            raise AnalysisError(f"'{label}' needs rows in both the {before} and the {after} period.")
        names = (before, after) if single else (f"{label} ({before})", f"{label} ({after})")
        result.arms += [_summary_of(ds, names[0], s0), _summary_of(ds, names[1], s1)]
        compare = TWO_GROUP[ds.kind]
        kwargs: dict[str, str | bool] = {"control_label": names[0]}
        if ds.kind == "continuous":
            kwargs["baseline"] = False
        comparison, notes = compare(ds, s0, s1, names[1], spec, **kwargs)
        result.comparisons.append(comparison)
        result.warnings += notes
    result.warnings.insert(0, "Before-and-after with no comparison group is weak evidence (Maryland Scientific "
                              "Methods Scale level 1): anything else that changed over the same time could "
                              "explain the difference.")
    if ds.clusters:
        result.warnings.append("Clusters are not used in a before-and-after comparison.")
    result.assumptions += ASSUMPTIONS[ds.kind] + ASSUMPTIONS["before_after"]
    return result
