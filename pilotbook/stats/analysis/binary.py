"""Yes/no outcomes, two groups: difference in proportions (Newcombe), risk and odds ratios (score intervals), and
Fisher's exact or Pearson's chi-squared test."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from pilotbook.stats.dataset import Dataset, Stats

from .results import (
    AnalysisSpec,
    Comparison,
    Estimate,
    _estimate,
    _quiet,
)


def _binary_two(ds: Dataset, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *,
                control_label: str | None = None) -> tuple[Comparison, list[str]]:
    from statsmodels.stats.proportion import confint_proportions_2indep

    notes: list[str] = []
    control_label = control_label or spec.control
    x1, n1, x0, n0 = a.sum, a.n, c.sum, c.n
    p1, p0 = x1 / n1, x0 / n0
    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=spec.alpha)
    difference = _estimate(p1 - p0, lo, hi, "Difference in proportions, Newcombe hybrid score interval")
    ratio, odds = None, None
    if 0 < x1 < n1 or 0 < x0 < n0:
        if x1 > 0 and x0 > 0:
            ratio = _score_ratio(x1, n1, x0, n0, "ratio", p1 / p0, spec.alpha, "Risk ratio, score interval")
        else:
            notes.append(f"No events in '{label if x1 == 0 else control_label}', so no risk ratio is given; "
                         "use the difference.")
        if 0 < x1 < n1 and 0 < x0 < n0:
            value = (x1 * (n0 - x0)) / (x0 * (n1 - x1))
            odds = _score_ratio(x1, n1, x0, n0, "odds-ratio", value, spec.alpha, "Odds ratio, score interval")
    else:
        notes.append(f"Every person in '{label}' and '{control_label}' had the same outcome, so no ratio is given.")
    p_value, test, note = _two_by_two_test(x1, n1, x0, n0)
    notes += [note] if note else []
    comparison = Comparison(label, control_label, difference, ratio, p_value, test, n1, n0,
                            {"odds_ratio": odds} if odds else {})
    return comparison, notes


def _score_ratio(x1: float, n1: float, x0: float, n0: float, compare: str, value: float, alpha: float,
                 method: str) -> Estimate | None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="score", compare=compare, alpha=alpha)
    if _usable_interval(value, lo, hi):
        return _estimate(value, lo, hi, method)
    # At the edges (every person in a group had the event) the score interval's root-finding can fail; fall
    # back to the log interval with 0.5 added to each cell.
    fallback = "log-adjusted" if compare == "ratio" else "logit-adjusted"
    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method=fallback, compare=compare, alpha=alpha)
    if _usable_interval(value, lo, hi):
        return _estimate(value, lo, hi, method.replace("score interval", "log interval with 0.5 added to each cell"))
    return None


def _usable_interval(value: float, lo: Any, hi: Any) -> bool:
    if np.iscomplexobj(lo) or np.iscomplexobj(hi):
        return False
    lo, hi = float(lo), float(hi)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo <= value <= hi)


def _two_by_two_test(x1: float, n1: float, x0: float, n0: float) -> tuple[float, str, str | None]:
    table = np.array([[x1, n1 - x1], [x0, n0 - x0]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if expected.min() < 5:
        _, p = stats.fisher_exact(table.astype(np.int64))
        note = "Some expected counts are below 5, so Fisher's exact test was used for the p-value."
        return float(p), "Fisher's exact test", note
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return float(p), "Pearson's chi-squared test (no continuity correction)", None
