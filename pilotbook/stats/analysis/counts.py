"""Count outcomes, two groups: rate difference (score interval), rate ratio (exact conditional test) and, for
counts more variable than Poisson allows, quasi-Poisson intervals."""

from __future__ import annotations

import math

from scipy import stats

from pilotbook.stats.dataset import Dataset, Stats

from .results import (
    OVERDISPERSED,
    AnalysisSpec,
    Comparison,
    Estimate,
    _estimate,
    _quiet,
)


def _count_two(ds: Dataset, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *, control_label: str | None = None,
               dispersion: float | None = None) -> tuple[Comparison, list[str]]:
    from statsmodels.stats.rates import confint_poisson_2indep

    control_label = control_label or spec.control
    y1, e1, y0, e0 = a.sum, a.exposure, c.sum, c.exposure
    r1, r0 = y1 / e1, y0 / e0
    notes: list[str] = []
    phi = _dispersion(ds) if dispersion is None else dispersion
    n1, n0 = (a.n, c.n) if ds.n_known else (None, None)
    if phi is not None and phi > OVERDISPERSED:
        notes.append(f"The counts vary more than a Poisson model expects (dispersion {phi:.2f}), so the "
                     "intervals are widened to allow for it (quasi-Poisson).")
        return _quasi_poisson(r1, r0, y1, e1, y0, e0, phi, label, control_label, spec.alpha, n1, n0, notes)
    with _quiet():
        lo, hi = confint_poisson_2indep(y1, e1, y0, e0, method="score", compare="diff", alpha=spec.alpha)
    difference = _estimate(r1 - r0, lo, hi, "Difference in rates per unit of exposure, score interval")
    ratio, p_value = _exact_rate_ratio(y1, e1, y0, e0, spec.alpha)
    if ratio is None:
        who = f"'{control_label}'" if y1 > 0 else f"'{label}' or '{control_label}'"
        notes.append(f"No events in {who}, so no rate ratio is given; use the difference.")
    comparison = Comparison(label, control_label, difference, ratio, p_value,
                            "Exact conditional (binomial) test of the rate ratio", n1, n0)
    return comparison, notes


def _exact_rate_ratio(y1: float, e1: float, y0: float, e0: float, alpha: float) -> tuple[Estimate | None, float]:
    total = int(round(y1 + y0))
    if total == 0:
        return None, 1.0
    test = stats.binomtest(int(round(y1)), total, e1 / (e1 + e0))
    if y0 == 0:
        return None, float(test.pvalue)
    ci = stats.binomtest(int(round(y1)), total).proportion_ci(1 - alpha, method="exact")
    scale = e0 / e1

    def to_ratio(p: float) -> float:
        return scale * p / (1 - p)

    estimate = _estimate((y1 / e1) / (y0 / e0), to_ratio(ci.low), to_ratio(ci.high),
                         "Rate ratio, exact conditional (binomial) interval")
    return estimate, float(test.pvalue)


def _quasi_poisson(r1: float, r0: float, y1: float, e1: float, y0: float, e0: float, phi: float, label: str,
                   control_label: str, alpha: float, n1: float | None, n0: float | None,
                   notes: list[str]) -> tuple[Comparison, list[str]]:
    z = stats.norm.ppf(1 - alpha / 2)
    se_diff = math.sqrt(phi * (y1 / e1**2 + y0 / e0**2))
    diff = r1 - r0
    difference = _estimate(diff, diff - z * se_diff, diff + z * se_diff,
                           f"Difference in rates, quasi-Poisson Wald interval (dispersion {phi:.2f})")
    ratio = None
    if y1 > 0 and y0 > 0:
        log_rr, se = math.log(r1 / r0), math.sqrt(phi * (1 / y1 + 1 / y0))
        ratio = _estimate(r1 / r0, math.exp(log_rr - z * se), math.exp(log_rr + z * se),
                          f"Rate ratio, quasi-Poisson Wald interval (dispersion {phi:.2f})")
    p_value = float(2 * stats.norm.sf(abs(diff) / se_diff)) if se_diff > 0 else 1.0
    comparison = Comparison(label, control_label, difference, ratio, p_value,
                            "Wald z-test, quasi-Poisson", n1, n0)
    return comparison, notes


def _dispersion(ds: Dataset) -> float | None:
    """Pearson dispersion of a Poisson model with one rate per group (statsmodels GLM scale="X2")."""
    if ds.from_summaries or not ds.n_known:
        return None
    x2, n = 0.0, 0.0
    for label in ds.labels:
        s = ds.arm_stats(label)
        n += s.n
        if s.sum > 0:
            rate = s.sum / s.exposure
            x2 += s.sum_sq_per_exposure / rate - 2 * s.sum + rate * s.exposure
    df = n - len(ds.labels)
    return x2 / df if df > 0 else None
