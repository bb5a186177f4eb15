"""Continuous outcomes, two groups: Welch's difference in means, the baseline-adjusted (ANCOVA) difference and
Hedges' g."""

from __future__ import annotations

import math

from scipy import stats

from pilotbook.stats.dataset import Dataset, Stats
from pilotbook.stats.effect_sizes import Measure, from_means

from .regression import _arm_position, _arm_regressors, _ols
from .results import (
    AnalysisError,
    AnalysisSpec,
    Comparison,
    Estimate,
    _estimate,
)


def _continuous_two(ds: Dataset, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *,
                    control_label: str | None = None, baseline: bool | None = None) -> tuple[Comparison, list[str]]:
    control_label = control_label or spec.control
    for stats_, name in ((a, label), (c, control_label)):
        if stats_.n < 2:
            raise AnalysisError(f"'{name}' has fewer than 2 people, so its spread cannot be estimated.")
    welch = _welch(ds.mean(a) - ds.mean(c), a, c, spec.alpha)
    if welch is None:
        raise AnalysisError(f"Every value of the outcome is the same in '{label}' and '{control_label}', "
                            "so there is no variation to analyse.")
    estimate, p_value, test = welch
    others: dict[str, Estimate] = {}
    use_baseline = ds.has_baseline if baseline is None else baseline
    if use_baseline:
        adjusted = _ancova(ds, spec.control, label, spec.alpha)
        others["unadjusted_difference"] = estimate
        estimate, p_value, test = adjusted
    g = _hedges(ds, a, c, spec.alpha)
    if g:
        others["hedges_g"] = g
    comparison = Comparison(label, control_label, estimate, None, p_value, test, a.n, c.n, others)
    return comparison, []


def _welch(diff: float, a: Stats, c: Stats, alpha: float) -> tuple[Estimate, float, str] | None:
    va, vc = a.variance / a.n, c.variance / c.n
    se2 = va + vc
    if se2 <= 0:
        return None
    se = math.sqrt(se2)
    df = se2**2 / (va**2 / (a.n - 1) + vc**2 / (c.n - 1))
    t = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(diff) / se, df)
    return (_estimate(diff, diff - t * se, diff + t * se, "Difference in means, Welch t interval"), float(p),
            "Welch's t-test")


def _hedges(ds: Dataset, a: Stats, c: Stats, alpha: float) -> Estimate | None:
    sd_a, sd_c = math.sqrt(a.variance), math.sqrt(c.variance)
    if not (sd_a > 0 and sd_c > 0):
        return None
    es = from_means(Measure.SMD, [ds.mean(a)], [sd_a], [a.n], [ds.mean(c)], [sd_c], [c.n])
    g, se = es.yi[0], math.sqrt(es.vi[0])
    z = stats.norm.ppf(1 - alpha / 2)
    return _estimate(g, g - z * se, g + z * se, "Hedges' g (standardised mean difference), normal interval")


def _ancova(ds: Dataset, control: str, label: str, alpha: float) -> tuple[Estimate, float, str]:
    fit = _ols(ds, ds.cells, _arm_regressors(ds, control), baseline=True, robust=False)
    if fit is None:
        raise AnalysisError("The baseline adjustment cannot be done: the baseline does not vary within the groups.")
    return fit.contrast(_arm_position(ds, control, label), alpha,
                        "Difference in means adjusted for the baseline (ANCOVA)", "ANCOVA t-test")
