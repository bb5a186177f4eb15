"""Pooling the results of several councils' pilots: fixed- and random-effects meta-analysis.

Matches R metafor's ``rma(yi, vi, method=...)`` and ``predict()`` defaults (checked in
``tests/stats/test_meta.py`` against metafor's published results and against statsmodels).

Estimating tau² (the variance of the true effects between councils):

- **REML** (default): restricted maximum likelihood by Fisher scoring, started at the DL value, never
  below 0 (truncated at 0 when the likelihood peaks there, as metafor's is), converged when the step is
  under 1e-10 (metafor stops at 1e-5). Plain Fisher scoring can bounce around, or creep towards, a flat
  maximum, so once the likelihood is seen to fall the maximum is bracketed and found by Brent's method on
  the score. No convergence in 200 steps is an error, never a silent answer.
- **DL**: DerSimonian-Laird, from statsmodels' ``combine_effects(method_re="dl")``, truncated at 0 as
  metafor does (statsmodels lets it go negative).
- **PM**: Paule-Mandel, the tau² at which the generalised Q statistic equals k-1 (Brent's method), or 0
  when Q is already at or below k-1.
- **FE**: fixed (common) effect: tau² = 0.

Inference, given tau²: weights ``w = 1/(vi + tau²)``, estimate ``Σw·yi/Σw``, se ``1/√Σw``, CI and
p-value from the normal distribution (z). With ``hksj=True`` (metafor ``test="knha"``, random-effects
methods only) the se is multiplied by ``√(Σw(yi - estimate)²/(k-1))`` (not truncated at 1, as metafor)
and the CI and p-value use t with k-1 df.

Heterogeneity: Cochran's Q uses the fixed-effect weights ``1/vi`` whatever the method, on k-1 df with a
chi² p-value. **I² is a percentage (0-100)**, as metafor prints it: for random-effects methods
``I² = 100·tau²/(tau² + s²)`` and ``H² = (tau² + s²)/s²`` with s² metafor's "typical" within-study variance
``(k-1)·Σ(1/vi) / ((Σ1/vi)² - Σ1/vi²)`` (for DL this equals the familiar ``(Q-(k-1))/Q``); for FE
``I² = 100·max(0, (Q-(k-1))/Q)`` and ``H² = Q/(k-1)``.

Prediction interval (where the true effect in a new council would fall), as metafor's ``predict.rma`` by
default: ``estimate ± crit·√(se² + tau²)`` with crit the normal quantile, or with ``hksj=True`` the t
quantile on k-1 df and the adjusted se. It is not given (``None``) for FE, where it would only repeat the
CI, nor when k < 3, because two councils cannot say how much a third might differ (metafor would still
print one for k = 2).

``weights`` are each study's share of the total weight, in percent (metafor's ``weights()``). For RR and OR
the ``*_exp`` properties give the estimate, CI and PI back on the ratio scale, and ``as_dict()`` puts them
under ``"exp"`` (``{"estimate", "ci_low", "ci_high", "pi_low", "pi_high"}``).

Effects or variances so extreme that the arithmetic overflows are refused with a :class:`PoolingError`
rather than answered with ``nan`` or ``inf``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from .effect_sizes import MEASURE_NAMES, RATIO_MEASURES, EffectSizes, Measure

REML_TOLERANCE = 1e-10
REML_MAX_STEPS = 200
MIN_STUDIES_FOR_PREDICTION = 3
# Higgins et al. (2003, BMJ 327:557) called I² of 25%, 50% and 75% low, moderate and high.
I2_WORDS = ((75.0, "differ a great deal"), (50.0, "differ substantially"), (25.0, "differ moderately"))
EXP_KEYS = ("estimate", "ci_low", "ci_high", "pi_low", "pi_high")  # back-transformed for RR and OR


class Method(StrEnum):
    REML = "REML"
    DL = "DL"
    PM = "PM"
    FE = "FE"


class PoolingError(ValueError):
    """The studies cannot be pooled as asked; the message says why in plain English."""


@dataclass(frozen=True)
class StudyEffect:
    """One study's row of a forest plot: its effect, normal-theory CI and share of the weight (percent).

    ``*_exp`` are the effect and CI back on the ratio scale for RR and OR, and None otherwise.
    """

    label: str
    yi: float
    vi: float
    se: float
    ci_low: float
    ci_high: float
    weight: float
    estimate_exp: float | None
    ci_low_exp: float | None
    ci_high_exp: float | None


@dataclass(frozen=True)
class PooledResult:
    """One pooled analysis, every number on the analysis scale (log scale for RR and OR)."""

    measure: Measure
    method: Method
    hksj: bool
    level: float
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float  # z, or t with hksj
    statistic_name: str  # "z" or "t"
    df: int | None  # degrees of freedom of t; None for z
    p_value: float
    tau2: float
    i2: float  # percent, 0-100
    h2: float
    q: float
    q_df: int
    q_p: float
    pi_low: float | None
    pi_high: float | None
    labels: tuple[str, ...]
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    weights: tuple[float, ...]  # percent of the total weight
    notes: tuple[str, ...] = ()

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    def _exp(self, value: float | None) -> float | None:
        return math.exp(value) if self.is_ratio and value is not None else None

    @property
    def estimate_exp(self) -> float | None:
        return self._exp(self.estimate)

    @property
    def ci_low_exp(self) -> float | None:
        return self._exp(self.ci_low)

    @property
    def ci_high_exp(self) -> float | None:
        return self._exp(self.ci_high)

    @property
    def pi_low_exp(self) -> float | None:
        return self._exp(self.pi_low)

    @property
    def pi_high_exp(self) -> float | None:
        return self._exp(self.pi_high)

    def studies(self) -> list[StudyEffect]:
        """Each study as a forest plot shows it, with its own CI at the result's level (normal, as metafor)."""
        crit = _critical(self.level, None)
        rows = []
        for label, y, v, w in zip(self.labels, self.yi, self.vi, self.weights, strict=True):
            se = math.sqrt(v)
            low, high = y - crit * se, y + crit * se
            rows.append(StudyEffect(label, y, v, se, low, high, w, self._exp(y), self._exp(low), self._exp(high)))
        return rows

    def as_dict(self) -> dict:
        """Plain JSON-ready data: the fields, tau, and for RR/OR the back-transformed values."""
        data = asdict(self)
        data.update(measure=str(self.measure), method=str(self.method), tau=self.tau)
        for key in ("yi", "vi", "weights", "labels", "notes"):
            data[key] = list(data[key])
        if self.is_ratio:
            data["exp"] = {key: getattr(self, f"{key}_exp") for key in EXP_KEYS}
        return data


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


_TAU2 = {Method.REML: tau2_reml, Method.DL: tau2_dl, Method.PM: tau2_pm, Method.FE: lambda y, v: 0.0}


def _heterogeneity(y: np.ndarray, v: np.ndarray, tau2: float, method: Method) -> tuple[float, float, float]:
    """Q, I² (percent) and H², computed as metafor does for the method (see the module docstring)."""
    q, df = cochran_q(y, v), len(y) - 1
    if method is Method.FE:
        return q, (100 * max(0.0, (q - df) / q) if q > 0 else 0.0), q / df
    w = 1 / v
    s2 = df * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2))
    return q, float(100 * tau2 / (tau2 + s2)), float((tau2 + s2) / s2)


def _critical(level: float, df: int | None) -> float:
    tail = 1 - (1 - level) / 2
    return float(stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df))


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


def pool_effects(effects: EffectSizes, **options) -> PooledResult:
    """Pool an :class:`EffectSizes`, carrying its measure, labels and notes into the result."""
    if effects.k < 2 and effects.notes:  # say why fewer studies are left than were given
        left = "no study" if effects.k == 0 else "only one study"
        raise PoolingError(f"There is {left} left to pool. {' '.join(effects.notes)}")
    return pool(effects.yi, effects.vi, measure=effects.measure, labels=effects.labels, notes=effects.notes, **options)


def _fmt(x: float) -> str:
    """Three significant figures without scientific notation for everyday sizes."""
    text = f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"
    return f"{x:.2e}" if "e" in text else text


def describe(result: PooledResult) -> list[str]:
    """A plain-English summary of a pooled result, one sentence per item, ratios on their natural scale."""
    show: Callable[[float], float] = result._exp if result.is_ratio else float
    name, null = MEASURE_NAMES[result.measure], ("1" if result.is_ratio else "0")
    level = f"{result.level:.0%}"
    sentences = [
        f"Across {result.k} pilots the pooled {name} is {_fmt(show(result.estimate))} "
        f"({level} confidence interval {_fmt(show(result.ci_low))} to {_fmt(show(result.ci_high))})."
    ]
    if result.ci_low <= 0 <= result.ci_high:
        sentences.append(f"Together they do not show a clear effect: the interval includes no effect ({null}).")
    else:
        sentences.append(f"Together they show a clear effect: the interval excludes no effect ({null}).")
    words = next((w for cut, w in I2_WORDS if result.i2 >= cut), "are consistent")
    sentences.append(f"The councils' results {words} (I² = {result.i2:.0f}%).")
    sentences.append(_prediction_sentence(result, show, null))
    if result.hksj:
        sentences.append("The intervals use the Hartung-Knapp adjustment, which is more cautious with few pilots.")
    return sentences


def _prediction_sentence(result: PooledResult, show: Callable[[float], float], null: str) -> str:
    if result.method is Method.FE:
        return "This fixed-effect analysis assumes every council has the same true effect."
    if result.pi_low is None or result.pi_high is None:
        return "There are too few pilots to say how much the effect would vary in another council."
    span = f"{_fmt(show(result.pi_low))} to {_fmt(show(result.pi_high))}"
    if result.pi_low <= 0 <= result.pi_high:
        return f"In another council the effect could be anywhere from {span}, which includes no effect ({null})."
    return f"In another council the effect would be expected to lie between {span}, on the same side of {null}."
