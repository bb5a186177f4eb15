"""How much the studies differ: Cochran's Q, the between-study variance tau² (DerSimonian-Laird, REML,
Paule-Mandel), I² and H, and the critical values and p-values the pooling uses."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from pilotbook.stats.meta.results import (
    REML_MAX_STEPS,
    REML_TOLERANCE,
    Method,
    PoolingError,
)


def _checked(yi: Sequence[float], vi: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Effects and variances as arrays, refusing anything a meta-analysis cannot use."""
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.ndim != 1 or y.shape != v.shape:
        raise PoolingError("Give one effect and one variance for each study.")
    if len(y) == 0:
        raise PoolingError("There are no studies to pool.")
    if len(y) == 1:
        raise PoolingError("There is only one study, so there is nothing to pool: report that study's own result.")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))):
        raise PoolingError("Every effect and variance must be a finite number.")
    if np.any(v <= 0):
        raise PoolingError("Every variance must be greater than 0; a study with no uncertainty cannot be weighted.")
    return y, v


def cochran_q(y: np.ndarray, v: np.ndarray) -> float:
    """Cochran's Q: the weighted spread of the effects around the fixed-effect estimate."""
    w = 1 / v
    mu = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * (y - mu) ** 2))


def tau2_dl(y: np.ndarray, v: np.ndarray) -> float:
    """DerSimonian-Laird tau² from statsmodels, truncated at 0 (statsmodels does not truncate)."""
    with np.errstate(all="ignore"):  # statsmodels computes 1/(Q/(k-1)), which fails when Q is 0 or tiny
        result = combine_effects(y, v, method_re="dl")
    return max(0.0, float(result.tau2))


def _reml_score_and_information(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float]:
    """Twice the REML score for tau², and twice the expected information (the factors of 2 cancel)."""
    w = 1 / (v + tau2)
    sw = np.sum(w)
    resid = y - np.sum(w * y) / sw
    trace_p = sw - np.sum(w**2) / sw
    trace_pp = np.sum(w**2) - 2 * np.sum(w**3) / sw + (np.sum(w**2) / sw) ** 2
    return float(np.sum(w**2 * resid**2) - trace_p), float(trace_pp)


def _reml_step(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """One Fisher scoring step: the score divided by the expected information."""
    score, information = _reml_score_and_information(y, v, tau2)
    return score / information


def restricted_log_likelihood(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """The REML log-likelihood (up to a constant), which tau2_reml maximises."""
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return float(-0.5 * (np.sum(np.log(v + tau2)) + math.log(np.sum(w)) + np.sum(w * (y - mu) ** 2)))


def _reml_root(y: np.ndarray, v: np.ndarray, rising: float, falling: float) -> float:
    """The maximum between a tau² where the likelihood rises and a larger one where it falls (Brent)."""

    def score(tau2: float) -> float:
        return _reml_score_and_information(y, v, tau2)[0]

    return float(optimize.brentq(score, rising, falling, xtol=1e-15, rtol=1e-14))


def _reml_heading_down(y: np.ndarray, v: np.ndarray, tau2: float) -> float | None:
    """When the likelihood falls at tau², settle between 0 and tau² at once; None to keep iterating.

    Fisher scoring creeps towards a maximum at or near 0 very slowly, so instead: if the likelihood rises
    at 0, the maximum lies between 0 and tau² and Brent's method finds it; if it falls at 0 and is no lower
    there than at tau², the estimate is 0 (truncated, as metafor's is).
    """
    if _reml_step(y, v, 0.0) > 0:
        return _reml_root(y, v, 0.0, tau2)
    if restricted_log_likelihood(y, v, 0.0) >= restricted_log_likelihood(y, v, tau2):
        return 0.0
    return None


def tau2_reml(y: np.ndarray, v: np.ndarray) -> float:
    """REML tau² by Fisher scoring from the DL value, kept at 0 or above, with a convergence check.

    Fisher scoring uses the expected, not the observed, curvature, so it can overshoot a flat maximum and
    bounce ever wider, or creep towards it. Once the likelihood is seen to fall, the maximum is bracketed
    (between the last rising point, or 0, and here) and found by Brent's method on the score.
    """
    tau2, rising = tau2_dl(y, v), None
    for _ in range(REML_MAX_STEPS):
        step = _reml_step(y, v, tau2)
        if abs(step) <= REML_TOLERANCE * max(1.0, tau2):
            return max(0.0, tau2 + step)
        if step < 0:
            found = _reml_root(y, v, rising, tau2) if rising is not None else _reml_heading_down(y, v, tau2)
            if found is not None:
                return found
        else:
            rising = tau2
        while tau2 + step < 0:  # as metafor: halve a step that would leave the parameter space
            step /= 2
        tau2 += step
    raise PoolingError(
        "The REML estimate of how much councils differ did not settle; try the DerSimonian-Laird method (DL)."
    )


def _generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * (y - mu) ** 2))


def tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    """Paule-Mandel tau²: where the generalised Q equals its expected value k-1 (0 if it never exceeds it)."""
    target = len(y) - 1
    if _generalised_q(y, v, 0.0) <= target:
        return 0.0
    upper = max(float(np.var(y, ddof=1)), float(np.max(v)))
    while _generalised_q(y, v, upper) > target:  # Q falls towards 0 as tau² grows, so this ends
        upper *= 2
    return float(optimize.brentq(lambda t: _generalised_q(y, v, t) - target, 0.0, upper, xtol=1e-14))


_TAU2: dict[Method, Callable[[np.ndarray, np.ndarray], float]] = {
    Method.REML: tau2_reml, Method.DL: tau2_dl, Method.PM: tau2_pm, Method.FE: lambda y, v: 0.0,
}


def _heterogeneity(y: np.ndarray, v: np.ndarray, tau2: float, method: Method) -> tuple[float, float, float]:
    """Q, I² (percent) and H², computed as metafor does for the method (see the module docstring)."""
    q, df = cochran_q(y, v), len(y) - 1
    if method is Method.FE:
        return q, (100 * max(0.0, (q - df) / q) if q > 0 else 0.0), q / df
    w = 1 / v
    s2 = df * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2))
    return q, float(100 * tau2 / (tau2 + s2)), float((tau2 + s2) / s2)


def _p_value(statistic: float, df: int | None) -> float:
    dist = stats.norm if df is None else stats.t(df)
    return float(2 * dist.sf(abs(statistic)))


def _hksj_factor(y: np.ndarray, w: np.ndarray, estimate: float) -> float:
    """Hartung-Knapp-Sidik-Jonkman: how far the effects spread beyond what their weights expect."""
    factor = math.sqrt(float(np.sum(w * (y - estimate) ** 2)) / (len(y) - 1))
    if factor == 0:
        raise PoolingError(
            "Every study reports exactly the same effect, so the Hartung-Knapp adjustment cannot "
            "estimate its uncertainty; pool without it."
        )
    return factor
