"""Planned interim looks: a stopping rule registered before the pilot starts.

A council that peeks at its results and stops as soon as they look good will claim "worked" far more often
than it should when nothing works (five looks at 1.96 give about 14% false positives instead of 5%). A
group-sequential design fixes the number of looks in advance and raises the bar at each one so that, over
all looks together, the chance of a false "worked" stays at ``alpha / 2`` one-sided (2.5% for the default
two-sided ``alpha = 0.05``), the error the verdict rule allows ("worked" = the 95% CI above zero).

The registered rule is one of the strings the Pilot model stores in ``stopping_rule``:

- ``"none"``: no early stopping; any interim look is for information only, the final analysis uses 1.96;
- ``"obrien_fleming"``: Lan-DeMets alpha spending of O'Brien-Fleming type, ``a(t) = 2 - 2·Φ(z_{1-a/2} / √t)``,
  spending almost nothing early (recommended: the final bar stays close to 1.96);
- ``"pocock"``: Lan-DeMets spending of Pocock type, ``a(t) = a·log(1 + (e - 1)·t)``, about the same bar at
  every look.

``looks`` is K, the number of looks in all including the final analysis (the Pilot's ``interim_looks + 1``),
at equally spaced information fractions ``t_k = k / K``. The efficacy boundary at look k is the z that spends
``a(t_k) - a(t_{k-1})`` given no earlier crossing, found by recursive numerical integration of the z
statistic's density over the continuation region (Armitage, McPherson & Rowe 1969, on the grid and Simpson
weights of Jennison & Turnbull 2000, ch. 19); at the last look all remaining alpha is spent. The boundaries
are symmetric: z at or below minus the boundary is clear harm.

**Futility (non-binding).** At an interim look, stop for futility when the *conditional power* is below
``futility`` (10% by default): the chance of ending above the final boundary if the true effect is the
smallest worthwhile one, given the data so far. With information ``I = 1/SE²`` at fraction ``t``, the final
information is ``I/t`` and the drift (expected final z under the worthwhile effect) is ``Δ / (SE·√t)``.
The efficacy boundaries ignore the futility rule, so stopping for futility can only lower the false-positive
rate, and a council that carries on past a futility signal keeps its error rate: the rule is non-binding.

**At the final look**, "worked" needs z at or above the final boundary, that is, the lower end of a
``final_confidence_level(...)`` CI (95.8% for O'Brien-Fleming with five looks) above zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

GRID_R = 32  # Jennison & Turnbull's grid size; r = 16 already gives about 1e-6 accuracy
MAX_LOOKS = 20
_FAR = 40.0  # a z no boundary search needs to pass: P(Z > 40) is 0 in double precision
_Z95 = float(norm.isf(0.025))


class InterimError(ValueError):
    """A stopping rule or a look that cannot be used; the message says what to fix."""


class StoppingRule(StrEnum):
    NONE = "none"
    OBRIEN_FLEMING = "obrien_fleming"
    POCOCK = "pocock"


class Action(StrEnum):
    STOP_BENEFIT = "stop_benefit"
    STOP_FUTILITY = "stop_futility"
    CONTINUE = "continue"


@dataclass(frozen=True)
class Boundary:
    """One look: stop for benefit if z ≥ efficacy_z, for harm if z ≤ -efficacy_z (infinite: cannot stop)."""

    look: int
    information_fraction: float
    efficacy_z: float
    nominal_alpha: float  # one-sided p-value threshold equivalent to efficacy_z
    alpha_spent: float  # cumulative one-sided alpha spent up to and including this look


@dataclass(frozen=True)
class InterimDecision:
    action: Action
    look: int
    looks: int
    z: float  # oriented: positive is better
    boundary: Boundary
    conditional_power: float | None  # under the smallest worthwhile effect; None without a stopping rule
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the boundary's infinities become None)."""
        out = asdict(self)
        out["action"] = str(self.action)
        out["boundary"] = {k: (None if _is_inf(v) else v) for k, v in out["boundary"].items()}
        return out


# --- public functions --------------------------------------------------------------------------------


def spending(rule: StoppingRule | str, t: float, alpha: float = 0.05) -> float:
    """Cumulative one-sided alpha the rule allows by information fraction t (all of it from t = 1 on)."""
    rule = _rule(rule)
    a = alpha / 2
    if t >= 1:
        return a
    if rule is StoppingRule.NONE:
        return 0.0
    if rule is StoppingRule.POCOCK:
        return a * math.log1p((math.e - 1) * t)
    return float(2 * norm.sf(norm.isf(a / 2) / math.sqrt(t)))


def boundaries(rule: StoppingRule | str, looks: int, alpha: float = 0.05) -> tuple[Boundary, ...]:
    """Efficacy z-boundaries at each of ``looks`` equally spaced looks (the last is the final analysis)."""
    rule = _rule(rule)
    _check_looks(looks)
    _require(_finite(alpha) and 0 < alpha < 1, "The significance level (alpha) must be between 0 and 1.")
    if rule is StoppingRule.NONE:  # nothing can stop the pilot early, so the final look is the plain test
        final = Boundary(looks, 1.0, float(norm.isf(alpha / 2)), alpha / 2, alpha / 2)
        return (*(Boundary(k, k / looks, math.inf, 0.0, 0.0) for k in range(1, looks)), final)
    out, state, before = [], None, 0.0
    for k in range(1, looks + 1):
        t = k / looks
        now = spending(rule, t, alpha)
        b = _efficacy_bound(state, now - before, t)
        out.append(Boundary(k, t, b, float(norm.sf(b)), now))
        before = now
        if k < looks:
            state = _advance(state, -math.inf, b, t, 0.0)
    return tuple(out)


def final_confidence_level(rule: StoppingRule | str, looks: int, alpha: float = 0.05) -> float:
    """The two-sided CI level whose lower end above zero means "worked" at the final look (0.95 for no looks)."""
    return 1 - 2 * boundaries(rule, looks, alpha)[-1].nominal_alpha


def conditional_power(z: float, t: float, final_boundary: float, drift: float) -> float:
    """Chance that the final z reaches ``final_boundary`` given z at fraction t, if the expected final z is drift.

    Brownian motion: ``Z_1 = z·√t + N(drift·(1 - t), 1 - t)``.
    """
    remaining = 1 - t
    return float(norm.sf((final_boundary - z * math.sqrt(t) - drift * remaining) / math.sqrt(remaining)))


def decide(
    rule: StoppingRule | str,
    *,
    looks: int,
    look: int,
    estimate: float,
    se: float,
    worthwhile: float,
    alpha: float = 0.05,
    futility: float = 0.10,
) -> InterimDecision:
    """What to do at interim look ``look`` of ``looks``, from the effect so far oriented so positive is better.

    ``estimate`` and its standard error ``se`` are in the same units as ``worthwhile`` (the smallest
    worthwhile effect, > 0). Looks are taken as equally spaced in information.
    """
    rule = _rule(rule)
    _check_looks(looks)
    _require(isinstance(look, int) and 1 <= look <= looks, f"The look must be between 1 and {looks}.")
    _require(look < looks, f"Look {looks} is the final analysis, not an interim look: read its verdict instead.")
    _require(_finite(estimate), "The estimate must be a number.")
    _require(_finite(se) and se > 0, "The standard error must be greater than 0.")
    _require(_finite(worthwhile) and worthwhile > 0, "The smallest worthwhile effect must be greater than 0.")
    _require(_finite(futility) and 0 < futility < 1, "The futility threshold must be between 0 and 1.")
    bounds = boundaries(rule, looks, alpha)
    boundary, t, z = bounds[look - 1], look / looks, estimate / se
    cp = conditional_power(z, t, bounds[-1].efficacy_z, worthwhile / (se * math.sqrt(t)))
    action, text = _action(rule, boundary, z, cp, futility)
    where = f"At look {look} of {looks} ({t:.0%} of the planned data), z = {z:.2f}: "
    return InterimDecision(action, look, looks, z, boundary, None if rule is StoppingRule.NONE else cp, where + text)


def decide_from_estimate(
    *,
    rule: StoppingRule | str,
    looks: int,
    look_number: int,
    estimate: float,
    ci_low: float,
    ci_high: float,
    worthwhile: float,
    alpha: float = 0.05,
    ci_level: float = 0.95,
    futility: float = 0.10,
) -> InterimDecision:
    """:func:`decide` from an oriented estimate and its CI: the standard error is the CI's width / (2·z)."""
    _require(all(_finite(v) for v in (estimate, ci_low, ci_high)), "The estimate and its CI must be numbers.")
    _require(ci_low <= estimate <= ci_high and ci_low < ci_high, "The estimate must lie inside its CI.")
    se = (ci_high - ci_low) / (2 * float(norm.isf((1 - ci_level) / 2)))
    return decide(
        rule, looks=looks, look=look_number, estimate=estimate, se=se, worthwhile=worthwhile, alpha=alpha,
        futility=futility,
    )


def crossing_probabilities(upper: Sequence[float], fractions: Sequence[float], *, drift: float = 0.0) -> np.ndarray:
    """Chance of first crossing ``upper`` at each look when the expected z at fraction 1 is ``drift``."""
    _require(len(upper) == len(fractions), "Give one boundary per look.")
    crossings, state = [], None
    for k, t in enumerate(fractions):
        crossings.append(_upper_mass(state, upper[k], t, drift))
        if k + 1 < len(fractions):
            state = _advance(state, -math.inf, upper[k], t, drift)
    return np.array(crossings)


# --- the recursion -----------------------------------------------------------------------------------
# The state after look k is (t_k, grid points z_i, Simpson weight x density at z_i) on the continuation region.


@dataclass(frozen=True)
class _State:
    t: float
    z: np.ndarray
    mass: np.ndarray  # Simpson weight times the (sub-)density of Z_k at z, for paths not yet stopped


def _grid(mean: float, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Jennison & Turnbull's points around the mean, trimmed to (lo, hi), with Simpson's-rule weights."""
    r = GRID_R
    i = np.arange(1, 6 * r)
    x = np.where(
        i < r,
        -3 - 4 * np.log(r / i),
        np.where(i <= 5 * r, -3 + 3 * (i - r) / (2 * r), 3 + 4 * np.log(r / np.maximum(6 * r - i, 1))),
    )
    x = x + mean
    inside = x[(x > lo) & (x < hi)]
    points = np.concatenate([[lo] if lo > x[0] else [], inside, [hi] if hi < x[-1] else []])
    if points.size < 2:
        return np.array([]), np.array([])
    z = np.empty(2 * points.size - 1)
    z[0::2] = points
    z[1::2] = (points[:-1] + points[1:]) / 2
    w = np.zeros_like(z)
    gaps = np.diff(points)
    w[1::2] = 4 * gaps / 6
    w[0:-1:2] += gaps / 6
    w[2::2] += gaps / 6
    return z, w


def _upper_mass(state: _State | None, b: float, t: float, drift: float) -> float:
    """P(not stopped before, and Z at fraction t is at or above b)."""
    if math.isinf(b):
        return 0.0
    if state is None:
        return float(norm.sf(b - drift * math.sqrt(t)))
    step = t - state.t
    shift = state.z * math.sqrt(state.t) + drift * step
    return float(np.sum(state.mass * norm.sf((b * math.sqrt(t) - shift) / math.sqrt(step))))


def _advance(state: _State | None, lo: float, hi: float, t: float, drift: float) -> _State:
    """The sub-density of Z at fraction t on (lo, hi), for paths that have not stopped."""
    z, w = _grid(drift * math.sqrt(t), lo, hi)
    if state is None:
        density = norm.pdf(z - drift * math.sqrt(t))
    else:
        step = t - state.t
        scaled = (z[:, None] * math.sqrt(t) - state.z[None, :] * math.sqrt(state.t) - drift * step) / math.sqrt(step)
        density = math.sqrt(t / step) * (norm.pdf(scaled) @ state.mass)
    return _State(t, z, w * density)


def _efficacy_bound(state: _State | None, target: float, t: float) -> float:
    """The z at which the chance of first crossing at this look, under no effect, equals ``target``."""
    if target <= 0:
        return math.inf
    ceiling = float(norm.isf(target))  # crossing now is never likelier than Z alone passing it, so b <= ceiling
    if state is None:
        return ceiling
    return float(brentq(lambda b: _upper_mass(state, b, t, 0.0) - target, -_FAR, ceiling, xtol=1e-10))


# --- helpers -----------------------------------------------------------------------------------------


def _action(rule: StoppingRule, boundary: Boundary, z: float, cp: float, futility: float) -> tuple[Action, str]:
    b = boundary.efficacy_z
    if rule is StoppingRule.NONE:
        return Action.CONTINUE, (
            "no stopping rule was registered, so an interim look cannot stop the pilot. Carry on to the final "
            "analysis; this interim result is for information only."
        )
    if z >= b:
        return Action.STOP_BENEFIT, f"this reached the benefit boundary of {b:.2f}. You may stop: the change worked."
    if z <= -b:
        return Action.STOP_FUTILITY, (
            f"this reached the harm boundary of {-b:.2f}: the change is making things worse. Stop the pilot."
        )
    if cp < futility:
        return Action.STOP_FUTILITY, (
            f"even if the change truly had the smallest worthwhile effect, the chance of showing it by the end is "
            f"only {cp:.0%}. You may stop for futility (or carry on: this rule does not affect the error rate)."
        )
    return Action.CONTINUE, (
        f"no boundary was crossed (benefit at {b:.2f}) and the chance of showing the smallest worthwhile effect by "
        f"the end, if it is real, is {cp:.0%}. Carry on to the next look."
    )


def _rule(rule: StoppingRule | str) -> StoppingRule:
    try:
        return StoppingRule(rule)
    except ValueError:
        raise InterimError("The stopping rule must be 'none', 'obrien_fleming' or 'pocock'.") from None


def _check_looks(looks: int) -> None:
    _require(
        isinstance(looks, int) and not isinstance(looks, bool) and 1 <= looks <= MAX_LOOKS,
        f"The number of looks must be a whole number from 1 to {MAX_LOOKS}.",
    )


def _is_inf(value: object) -> bool:
    return isinstance(value, float) and math.isinf(value)


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InterimError(message)
