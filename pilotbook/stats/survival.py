"""Time-to-event outcomes with censoring, such as "days from the first letter until the tenant made contact".

A person whose follow-up ended before the event is *censored*: we know only that the event had not happened
by then. The estimates here use that partial information instead of dropping those people or pretending they
made contact on the last day.

- :func:`kaplan_meier` estimates the share still waiting at each time (Kaplan-Meier), with pointwise
  confidence limits on the log(-log) scale from Greenwood's variance (as R's ``survfit(conf.type="log-log")``
  and lifelines do), and the median time with its Brookmeyer-Crowley interval on the same scale
  (statsmodels ``SurvfuncRight.quantile_ci(method="cloglog")``).
- :func:`compare_survival` compares an arm with the control group: the difference in medians with a
  seeded bootstrap interval, the hazard ratio from a Cox proportional hazards model (statsmodels ``PHReg``),
  and the log-rank test (statsmodels ``survdiff``), plus plain-English warnings.

The median is the first time at which the estimated share still waiting is 0.5 or less (lifelines' rule;
statsmodels' ``quantile`` uses a strict "less than", and R averages two times when the curve sits exactly on
0.5). It is ``None`` when the curve never falls that far.

Ties in the Cox model use Efron's method, the default in R's ``coxph`` and lifelines: council data are
usually recorded in whole days, so many people share a time, and Breslow's approximation then pulls the
hazard ratio towards 1 (for the Freireich leukaemia data Efron gives the published 4.8, Breslow 4.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import stats

from pilotbook.stats.cox import _cox_one_binary_covariate

if TYPE_CHECKING:
    from statsmodels.duration.survfunc import SurvfuncRight

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20170101  # fixed, so the same data always give the same interval
BOOTSTRAP_METHOD = "Bootstrap (2,000 resamples) of Kaplan-Meier medians"
COX_TIES = "efron"
COX_METHOD = "Cox proportional hazards (Efron ties)"
FEW_EVENTS = 10  # per group; fewer makes the hazard ratio and the medians unstable
HEAVY_CENSORING = 0.5  # share of a group censored
PH_CHECK_ALPHA = 0.05
_MEDIAN_TOLERANCE = 1e-12  # so a curve landing on 0.5 by rounding still counts as reaching it
_CELLS_PER_CHUNK = 4_000_000  # bounds the bootstrap's memory at about 32 MB a chunk
BOOTSTRAP_MAX_TIMES = 1000  # distinct times kept when resampling; see _bootstrap_medians
MAX_LOG_HAZARD_RATIO = 15  # beyond e^15 the fit has run off to infinity (separated groups)
PHREG_MAX_EVENT_TIMES = 2000  # above this, PHReg's Python loop is slow and the vectorised fit is used


@dataclass(frozen=True)
class SurvivalGroup:
    """One group's follow-up: ``time`` (>= 0) and ``event`` (True = event seen, False = censored)."""

    label: str
    time: np.ndarray
    event: np.ndarray


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": float(self.estimate),
            "ci_low": float(self.ci_low),
            "ci_high": float(self.ci_high),
            "method": self.method,
        }


@dataclass(frozen=True)
class KMCurve:
    """A Kaplan-Meier curve: ``steps`` are ``(t, S(t), lower, upper)`` at each event time, after ``(0, 1, 1, 1)``."""

    n: int
    events: int
    steps: list[tuple[float, float, float, float]]
    median: float | None
    median_ci_low: float | None
    median_ci_high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": int(self.n),
            "events": int(self.events),
            "steps": [[float(v) for v in step] for step in self.steps],
            "median": _plain(self.median),
            "median_ci_low": _plain(self.median_ci_low),
            "median_ci_high": _plain(self.median_ci_high),
        }


@dataclass(frozen=True)
class SurvivalComparison:
    median_difference: Estimate | None
    hazard_ratio: Estimate
    logrank_p: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "median_difference": self.median_difference.to_dict() if self.median_difference else None,
            "hazard_ratio": self.hazard_ratio.to_dict(),
            "logrank_p": float(self.logrank_p),
            "warnings": list(self.warnings),
        }


def _plain(value: float | None) -> float | None:
    return None if value is None else float(value)


def _validated(time: Any, event: Any, label: str = "the group") -> tuple[np.ndarray, np.ndarray]:
    time = np.asarray(time, dtype=np.float64).ravel()
    raw_event = np.asarray(event).ravel()
    if time.size == 0:
        raise ValueError(f"{label} has no rows: each group needs at least one person.")
    if raw_event.size != time.size:
        raise ValueError(f"{label} has {time.size} times but {raw_event.size} event flags; they must match.")
    if not np.all(np.isfinite(time)):
        raise ValueError(f"{label} has a missing or infinite time; every time must be a number.")
    if np.any(time < 0):
        raise ValueError(f"{label} has a negative time; times are counted from the start and cannot be negative.")
    if raw_event.dtype != bool and not np.all(np.isin(raw_event, (0, 1))):
        raise ValueError(f"{label} has an event flag other than true/false (1/0).")
    return time, raw_event.astype(bool)


def kaplan_meier(time: Any, event: Any, alpha: float = 0.05) -> KMCurve:
    """The Kaplan-Meier curve of one group, with pointwise and median confidence limits at level ``1 - alpha``."""
    time, event = _validated(time, event)
    if not event.any():
        # A real outcome for a small pilot (nobody made contact): the curve stays flat at 1.
        return KMCurve(int(time.size), 0, [(0.0, 1.0, 1.0, 1.0)], None, None, None)
    from statsmodels.duration.survfunc import SurvfuncRight  # statsmodels loads only when a curve is drawn

    fit = SurvfuncRight(time, event.astype(np.float64))
    lower, upper = _loglog_limits(fit.surv_prob, fit.surv_prob_se, alpha)
    steps = [(0.0, 1.0, 1.0, 1.0)]
    steps += [
        (float(t), float(s), float(lo), float(hi))
        for t, s, lo, hi in zip(fit.surv_times, fit.surv_prob, lower, upper, strict=True)
    ]
    median = _median(fit.surv_times, fit.surv_prob)
    ci_low, ci_high = _median_ci(fit, alpha)
    return KMCurve(
        n=int(time.size),
        events=int(event.sum()),
        steps=steps,
        median=median,
        median_ci_low=ci_low,
        median_ci_high=ci_high,
    )


def _loglog_limits(surv: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise limits for S(t) on the log(-log) scale, which keeps them inside [0, 1]."""
    z = stats.norm.ppf(1 - alpha / 2)
    lower = np.zeros_like(surv)
    upper = np.zeros_like(surv)
    inside = (surv > 0) & (surv < 1) & np.isfinite(se)
    s = surv[inside]
    log_s = np.log(s)
    theta = np.log(-log_s)
    se_theta = se[inside] / (s * -log_s)
    lower[inside] = np.exp(-np.exp(theta + z * se_theta))
    upper[inside] = np.exp(-np.exp(theta - z * se_theta))
    # Where every remaining person has had the event, S is 0 and so are its limits.
    return lower, upper


def _median(times: np.ndarray, surv: np.ndarray) -> float | None:
    reached = np.flatnonzero(surv <= 0.5 + _MEDIAN_TOLERANCE)
    return float(times[reached[0]]) if reached.size else None


def _median_ci(fit: SurvfuncRight, alpha: float) -> tuple[float | None, float | None]:
    with np.errstate(divide="ignore", invalid="ignore"):  # statsmodels takes log(0) where S reaches 0 or 1
        low, high = fit.quantile_ci(0.5, alpha=alpha, method="cloglog")
    return (
        float(low) if np.isfinite(low) else None,
        float(high) if np.isfinite(high) else None,
    )


def compare_survival(control: SurvivalGroup, arm: SurvivalGroup, alpha: float = 0.05) -> SurvivalComparison:
    """Compare ``arm`` with ``control``: median difference (arm minus control), hazard ratio, log-rank p."""
    c_time, c_event = _validated(control.time, control.event, f"group {control.label!r}")
    a_time, a_event = _validated(arm.time, arm.event, f"group {arm.label!r}")
    if not (c_event.any() or a_event.any()):
        raise ValueError("neither group has any events, so their times cannot be compared.")
    for label, group_event in ((control.label, c_event), (arm.label, a_event)):
        if not group_event.any():
            raise ValueError(
                f"group {label!r} has no events at all, so a hazard ratio cannot be estimated; "
                "show each group's Kaplan-Meier curve instead."
            )
    warnings: list[str] = []
    warnings += _data_warnings(control.label, c_event)
    warnings += _data_warnings(arm.label, a_event)
    time = np.concatenate([c_time, a_time])
    event = np.concatenate([c_event, a_event])
    in_arm = np.concatenate([np.zeros(c_time.size), np.ones(a_time.size)])
    from statsmodels.duration.survfunc import survdiff

    _, logrank_p = survdiff(time, event.astype(np.float64), in_arm)
    hazard_ratio, ph_warning = _cox(time, event, in_arm, alpha, arm.label, control.label)
    warnings += ph_warning
    median_difference, median_warnings = _median_difference(
        (c_time, c_event, control.label), (a_time, a_event, arm.label), alpha
    )
    warnings += median_warnings
    return SurvivalComparison(
        median_difference=median_difference,
        hazard_ratio=hazard_ratio,
        logrank_p=float(logrank_p),
        warnings=warnings,
    )


def _data_warnings(label: str, event: np.ndarray) -> list[str]:
    found = []
    events = int(event.sum())
    if events < FEW_EVENTS:
        found.append(
            f"Only {events} event{'s' if events != 1 else ''} in group {label!r}: "
            "the estimates are rough and the intervals may be too narrow."
        )
    censored = 1 - events / event.size
    if censored > HEAVY_CENSORING:
        found.append(
            f"{censored:.0%} of group {label!r} were censored (followed up without an event): "
            "the results rest on the people whose event was seen."
        )
    return found


def _cox(time: np.ndarray, event: np.ndarray, in_arm: np.ndarray, alpha: float, arm_label: str,
         control_label: str) -> tuple[Estimate, list[str]]:
    if np.unique(time[event]).size <= PHREG_MAX_EVENT_TIMES:
        from statsmodels.duration.hazard_regression import PHReg

        fit = PHReg(time, in_arm[:, None], status=event.astype(np.float64), ties=COX_TIES).fit()
        beta, se = float(fit.params[0]), float(fit.bse[0])
        residuals = fit.schoenfeld_residuals[:, 0]
    else:
        beta, se, residuals = _cox_one_binary_covariate(time, event, in_arm.astype(bool))
    if not (math.isfinite(beta) and math.isfinite(se) and abs(beta) < MAX_LOG_HAZARD_RATIO):
        raise ValueError(
            f"the hazard ratio of {arm_label!r} against {control_label!r} cannot be estimated: "
            "the two groups' events hardly overlap in time."
        )
    z = stats.norm.ppf(1 - alpha / 2)
    estimate = Estimate(
        estimate=math.exp(beta),
        ci_low=math.exp(beta - z * se),
        ci_high=math.exp(beta + z * se),
        method=COX_METHOD,
    )
    return estimate, _proportional_hazards_warning(residuals, time, event, arm_label, control_label)


def _proportional_hazards_warning(residuals: np.ndarray, time: np.ndarray, event: np.ndarray, arm_label: str,
                                  control_label: str) -> list[str]:
    """A cheap check: do the Schoenfeld residuals drift with the (ranked) event time?"""
    usable = event & np.isfinite(residuals)
    if usable.sum() < 3 or np.ptp(residuals[usable]) == 0:
        return []
    rho, p_value = stats.pearsonr(stats.rankdata(time[usable]), residuals[usable])
    if p_value >= PH_CHECK_ALPHA:
        return []
    return [
        f"The gap between {arm_label!r} and {control_label!r} seems to change over time (Schoenfeld residual "
        f"correlation {rho:.2f}, p = {p_value:.2g}), so a single hazard ratio may not describe it well; "
        "look at the curves and the medians."
    ]


def _median_difference(control: tuple[np.ndarray, np.ndarray, str], arm: tuple[np.ndarray, np.ndarray, str],
                       alpha: float) -> tuple[Estimate | None, list[str]]:
    (c_time, c_event, c_label), (a_time, a_event, a_label) = control, arm
    medians: dict[str, Any] = {}
    for label, time, event in ((c_label, c_time, c_event), (a_label, a_time, a_event)):
        medians[label] = _median(*_km(time, event)) if event.any() else None
    missing = [label for label, median in medians.items() if median is None]
    if missing:
        names = " and ".join(repr(label) for label in missing)
        return None, [
            f"Fewer than half of group {names} had the event during follow-up, so the median time is not "
            "known and the difference in medians is not reported."
        ]
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    boot_control = _bootstrap_medians(c_time, c_event, rng)
    boot_arm = _bootstrap_medians(a_time, a_event, rng)
    with np.errstate(invalid="ignore"):
        differences = boot_arm - boot_control
    unreached = int(np.sum(~np.isfinite(boot_control) | ~np.isfinite(boot_arm)))
    low, high = _percentile_interval(differences, alpha)
    if not (np.isfinite(low) and np.isfinite(high)):
        return None, [
            f"In {unreached:,} of {BOOTSTRAP_RESAMPLES:,} resamples of the data a group's median was not reached, "
            "so no interval can be given for the difference in medians and it is not reported; "
            "use the hazard ratio and the curves instead."
        ]
    found = []
    if unreached:
        found.append(
            f"In {unreached:,} of {BOOTSTRAP_RESAMPLES:,} resamples of the data a group's median was not reached, "
            "so the interval for the difference in medians is rough."
        )
    estimate = medians[a_label] - medians[c_label]
    return Estimate(estimate=estimate, ci_low=float(low), ci_high=float(high), method=BOOTSTRAP_METHOD), found


def _percentile_interval(differences: np.ndarray, alpha: float) -> tuple[float, float]:
    """Percentile limits. An unreached median counts as longer than any seen (infinite), so a limit can be
    infinite; a resample where neither median was reached says nothing about the difference and is dropped."""
    kept = differences[~np.isnan(differences)]
    if kept.size < 0.9 * differences.size:
        return math.nan, math.nan
    with np.errstate(invalid="ignore"):
        low, high = np.quantile(kept, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _km(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.duration.survfunc import SurvfuncRight

    fit = SurvfuncRight(time, event.astype(np.float64))
    return fit.surv_times, fit.surv_prob


def _bootstrap_medians(time: np.ndarray, event: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Kaplan-Meier medians of ``BOOTSTRAP_RESAMPLES`` resamples; ``inf`` where a median is not reached.

    A resample with replacement only matters through how many people it draws at each distinct
    (time, event) pair, so the counts are drawn directly, all resamples at once, in chunks.
    With more than ``BOOTSTRAP_MAX_TIMES`` distinct times (times not rounded to days), each time is first
    moved up to the next of that many observed times spread evenly through the data, so a limit can be
    later by at most one of those steps (a tenth of a percentile of the times): small against the interval
    with that much data, and many times faster.
    """
    unique_times, time_index = np.unique(time, return_inverse=True)
    if unique_times.size > BOOTSTRAP_MAX_TIMES:
        keep = np.unique(np.linspace(0, unique_times.size - 1, BOOTSTRAP_MAX_TIMES).round().astype(np.int64))
        time_index = np.searchsorted(keep, time_index, side="left")
        unique_times = unique_times[keep]
    cells = time_index * 2 + event.astype(np.int64)  # column 2k: censored at time k, 2k + 1: event
    n, n_cells = time.size, 2 * unique_times.size
    probabilities = np.bincount(cells, minlength=n_cells) / n
    use_counts = n_cells <= n // 2
    chunk = max(1, _CELLS_PER_CHUNK // max(n_cells, n if not use_counts else 1))
    medians = []
    for start in range(0, BOOTSTRAP_RESAMPLES, chunk):
        size = min(chunk, BOOTSTRAP_RESAMPLES - start)
        if use_counts:
            counts = rng.multinomial(n, probabilities, size=size)
        else:
            drawn = cells[rng.integers(0, n, size=(size, n))] + (np.arange(size) * n_cells)[:, None]
            counts = np.bincount(drawn.ravel(), minlength=size * n_cells).reshape(size, n_cells)
        medians.append(_medians_from_counts(counts, unique_times, n))
    return np.concatenate(medians)


def _medians_from_counts(counts: np.ndarray, unique_times: np.ndarray, n: int) -> np.ndarray:
    censored, events = counts[:, 0::2], counts[:, 1::2]
    leaving = censored + events
    at_risk = n - np.cumsum(leaving, axis=1) + leaving
    with np.errstate(invalid="ignore", divide="ignore"):
        hazard = np.where(at_risk > 0, events / np.maximum(at_risk, 1), 0.0)
    surv = np.cumprod(1.0 - hazard, axis=1)
    reached = surv <= 0.5 + _MEDIAN_TOLERANCE
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), unique_times[first], np.inf)
