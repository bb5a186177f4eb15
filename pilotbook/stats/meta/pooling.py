"""Pooling effect sizes: fixed or random effects, with the Hartung-Knapp-Sidik-Jonkman adjustment and the
prediction interval."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from pilotbook.stats.effect_sizes import EffectSizes, Measure
from pilotbook.stats.meta.heterogeneity import (
    _TAU2,
    _checked,
    _heterogeneity,
    _hksj_factor,
    _p_value,
)
from pilotbook.stats.meta.results import (
    MIN_STUDIES_FOR_PREDICTION,
    Method,
    PooledResult,
    PoolingError,
    _critical,
)


def _check_options(method: Method | str, hksj: bool, level: float) -> Method:
    """The method as a :class:`Method`, after refusing combinations that make no sense."""
    try:
        method = Method(str(method).upper())
    except ValueError:
        raise PoolingError(f"Unknown method {method!r}: use REML, DL, PM or FE.") from None
    if not 0 < level < 1:
        raise PoolingError("The confidence level must be between 0 and 1, for example 0.95.")
    if hksj and method is Method.FE:
        raise PoolingError("The Hartung-Knapp adjustment is for random-effects models; use REML, DL or PM with it.")
    return method


def _study_labels(labels: Sequence[str] | None, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    if len(labels) != k:
        raise PoolingError(f"There are {len(labels)} study labels for {k} studies.")
    return tuple(str(label) for label in labels)


@dataclass(frozen=True)
class _Fit:
    """The weighted estimate for a given tau², with the se and critical value its intervals use."""

    estimate: float
    se: float
    df: int | None
    crit: float
    weights: np.ndarray


def _fit(y: np.ndarray, v: np.ndarray, tau2: float, *, hksj: bool, level: float) -> _Fit:
    w = 1 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    se = math.sqrt(1 / float(np.sum(w)))
    df = len(y) - 1 if hksj else None
    if hksj:
        se *= _hksj_factor(y, w, estimate)
    return _Fit(estimate, se, df, _critical(level, df), w)


def _prediction_interval(fit: _Fit, tau2: float, method: Method, k: int) -> tuple[float | None, float | None]:
    """metafor's default prediction interval, or (None, None) for FE or fewer than three studies."""
    if method is Method.FE or k < MIN_STUDIES_FOR_PREDICTION:
        return None, None
    half = fit.crit * math.sqrt(fit.se**2 + tau2)
    return fit.estimate - half, fit.estimate + half


def pool(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    method: Method | str = Method.REML,
    hksj: bool = False,
    level: float = 0.95,
    measure: Measure | str = Measure.GENERIC,
    labels: Sequence[str] | None = None,
    notes: Sequence[str] = (),
) -> PooledResult:
    """Pool per-study effects ``yi`` with sampling variances ``vi`` (see the module docstring for the maths)."""
    method = _check_options(method, hksj, level)
    y, v = _checked(yi, vi)
    try:
        # Effects or variances so extreme that the weights overflow would otherwise give nan or a silent
        # inf; stopping at the first floating-point failure keeps every answer a real number.
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            return _pooled(y, v, method=method, hksj=hksj, level=level, measure=measure, labels=labels, notes=notes)
    except (FloatingPointError, OverflowError, ZeroDivisionError):
        raise PoolingError(
            "The effects or variances are too extreme to pool (the arithmetic overflows); check their units."
        ) from None


def _pooled(
    y: np.ndarray,
    v: np.ndarray,
    *,
    method: Method,
    hksj: bool,
    level: float,
    measure: Measure | str,
    labels: Sequence[str] | None,
    notes: Sequence[str],
) -> PooledResult:
    """The pooled analysis of checked effects and variances (``pool`` guards its arithmetic)."""
    k = len(y)
    tau2 = _TAU2[method](y, v)
    fit = _fit(y, v, tau2, hksj=hksj, level=level)
    q, i2, h2 = _heterogeneity(y, v, tau2, method)
    pi_low, pi_high = _prediction_interval(fit, tau2, method, k)
    statistic = fit.estimate / fit.se
    return PooledResult(
        measure=Measure(measure),
        method=method,
        hksj=hksj,
        level=level,
        k=k,
        estimate=fit.estimate,
        se=fit.se,
        ci_low=fit.estimate - fit.crit * fit.se,
        ci_high=fit.estimate + fit.crit * fit.se,
        statistic=statistic,
        statistic_name="t" if hksj else "z",
        df=fit.df,
        p_value=_p_value(statistic, fit.df),
        tau2=tau2,
        i2=i2,
        h2=h2,
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        pi_low=pi_low,
        pi_high=pi_high,
        labels=_study_labels(labels, k),
        yi=tuple(map(float, y)),
        vi=tuple(map(float, v)),
        weights=tuple(float(x) for x in 100 * fit.weights / np.sum(fit.weights)),
        notes=tuple(notes),
    )


def pool_effects(effects: EffectSizes, **options: Any) -> PooledResult:
    """Pool an :class:`EffectSizes`, carrying its measure, labels and notes into the result."""
    if effects.k < 2 and effects.notes:  # say why fewer studies are left than were given
        left = "no study" if effects.k == 0 else "only one study"
        raise PoolingError(f"There is {left} left to pool. {' '.join(effects.notes)}")
    return pool(effects.yi, effects.vi, measure=effects.measure, labels=effects.labels, notes=effects.notes, **options)
