"""What a pilot's effect costs and what it saves, with confidence intervals.

Inputs are plain numbers in pounds: the set-up cost, the running cost for the whole pilot, the number of
people who got the change, the effect per person with its CI (oriented so that positive is better: +0.05
means 5 more tenants in every 100 paid), and optionally the value of one successful outcome (one unit of
improvement). Costs are treated as known; all the uncertainty is in the effect.

Method (named in every result): the effect's CI is carried through each quantity, which is exact because
each is a monotone function of the effect.

- **Extra successful outcomes** = effect x people treated; its CI is the effect's CI times people treated.
- **Net saving** = value x extra outcomes - cost. It is linear in the effect, so its CI is the effect's CI
  put through the same line.
- **Cost per extra successful outcome** = cost / extra outcomes. For a positive effect this is decreasing in
  the effect, so its CI is the effect's CI inverted, ``cost / (n·hi)`` to ``cost / (n·lo)`` (the same as
  Fieller's interval for a ratio whose numerator is known). When the effect's CI reaches zero, the upper end
  is infinite: the change may have made no difference, so each extra success could have cost any amount.
  We say so, and give only the best case; we never print a negative or infinite "cost per success".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

METHOD = (
    "Costs treated as known; the effect's confidence interval carried through: extra outcomes and net saving "
    "are linear in the effect, cost per extra outcome is the effect's interval inverted (Fieller, known numerator)"
)


class CostInputError(ValueError):
    """Cost figures that cannot be used; the message says what to fix."""


class CostPerOutcome(StrEnum):
    """Whether a cost per extra successful outcome can be given, and if not, why."""

    DEFINED = "defined"  # the effect's CI is above zero and the change cost money
    SAVES_MONEY = "saves_money"  # the effect's CI is above zero and the change cost less than before
    UNBOUNDED = "unbounded"  # the effect's CI reaches zero: the upper end is infinite
    FEWER_OUTCOMES = "fewer_outcomes"  # the effect's CI is below zero: the change lost successes


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class CostResult:
    incremental_cost: float  # set-up plus running cost, pounds
    extra_outcomes: Interval
    status: CostPerOutcome
    cost_per_extra_outcome: Interval | None  # only when the status is DEFINED
    best_case_cost_per_outcome: float | None  # the lower end when the status is UNBOUNDED (upper end infinite)
    net_saving: Interval | None  # None when no value per outcome was given
    break_even_effect: float | None  # effect per person at which the value pays the cost; None without a value
    method: str
    explanation: str


def cost_effectiveness(
    *,
    setup_cost: float,
    running_cost: float,
    treated: int,
    effect: float,
    ci_low: float,
    ci_high: float,
    value_per_outcome: float | None = None,
) -> CostResult:
    """Cost per extra successful outcome and net saving, each with the 95% CI that follows from the effect's.

    Money may be given as int, float or Decimal (as the Pilot model stores it).
    """
    numbers = (setup_cost, running_cost, effect, ci_low, ci_high)
    setup_cost, running_cost, effect, ci_low, ci_high = (_number(x) for x in numbers)
    value_per_outcome = None if value_per_outcome is None else _number(value_per_outcome)
    _check(setup_cost, running_cost, treated, effect, ci_low, ci_high, value_per_outcome)
    cost = float(setup_cost + running_cost)
    extra = Interval(effect * treated, ci_low * treated, ci_high * treated)
    status = _status(cost, extra)
    per_outcome = None
    if status is CostPerOutcome.DEFINED:
        per_outcome = Interval(cost / extra.estimate, cost / extra.high, cost / extra.low)
    best_case = cost / extra.high if status is CostPerOutcome.UNBOUNDED and extra.high > 0 and cost > 0 else None
    parts = [_opening(cost, extra, treated), _status_text(status, per_outcome, best_case)]
    saving, break_even = None, None
    if value_per_outcome is not None:
        saving = Interval(*(value_per_outcome * x - cost for x in (extra.estimate, extra.low, extra.high)))
        break_even = cost / (value_per_outcome * treated) if value_per_outcome > 0 else None
        parts.append(_saving_text(saving, value_per_outcome, break_even))
    return CostResult(cost, extra, status, per_outcome, best_case, saving, break_even, METHOD, " ".join(parts))


def _opening(cost: float, extra: Interval, treated: int) -> str:
    spent = f"cost {_money(cost)}" if cost >= 0 else f"cost {_money(-cost)} less than the old way"
    outcomes = (
        f"about {_count(extra.estimate)} extra successful outcomes"
        if extra.estimate >= 0
        else f"about {_count(-extra.estimate)} fewer successful outcomes"
    )
    ci = f"95% CI {_count(extra.low)} to {_count(extra.high)} extra"
    return f"The pilot {spent} for {treated:,} people and gave {outcomes} ({ci})."


def _status(cost: float, extra: Interval) -> CostPerOutcome:
    if extra.high < 0:
        return CostPerOutcome.FEWER_OUTCOMES
    if extra.low <= 0:
        return CostPerOutcome.UNBOUNDED
    return CostPerOutcome.DEFINED if cost >= 0 else CostPerOutcome.SAVES_MONEY


def _status_text(status: CostPerOutcome, per_outcome: Interval | None, best_case: float | None) -> str:
    if per_outcome is not None:  # there is a cost per extra outcome exactly when the status is DEFINED
        return (
            f"Each extra successful outcome cost about {_money(per_outcome.estimate)} "
            f"(95% CI {_money(per_outcome.low)} to {_money(per_outcome.high)})."
        )
    if status is CostPerOutcome.SAVES_MONEY:
        return "It cost less than the old way and gave more successful outcomes, so it pays for itself."
    if status is CostPerOutcome.FEWER_OUTCOMES:
        return "There is no cost per extra successful outcome: the change led to fewer successful outcomes."
    text = (
        "The cost per extra successful outcome has no upper limit: the effect's confidence interval includes "
        "zero, so the change may have made no difference and each extra success could have cost any amount."
    )
    if best_case is not None:
        text += f" At best, each extra success cost {_money(best_case)}."
    return text


def _saving_text(saving: Interval, value: float, break_even: float | None) -> str:
    text = (
        f"Valuing each successful outcome at {_money(value)}, the net saving is {_money(saving.estimate)} "
        f"(95% CI {_money(saving.low)} to {_money(saving.high)})"
    )
    text += "; a negative saving is a net cost." if saving.low < 0 else "."
    if break_even is not None and break_even > 0:
        text += f" It pays for itself if the effect is at least {break_even:.3g} per person."
    return text


def _money(x: float) -> str:
    """Pounds, with pence only for small sums (£12.50 per outcome, but £26,000 saved)."""
    sign = "-" if x < 0 else ""
    return f"{sign}£{abs(x):,.2f}" if abs(x) < 100 else f"{sign}£{abs(x):,.0f}"


def _count(x: float) -> str:
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def _number(value: object) -> float:
    """A float from an int, float or Decimal; anything else (text, None, True) is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise CostInputError(f"Costs, the effect and its CI must be numbers, not {value!r}.")
    return float(value)


def _finite(value: float | None) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CostInputError(message)


def _check(setup: float, running: float, treated: int, effect: float, low: float, high: float,
           value: float | None) -> None:
    _require(_finite(setup) and setup >= 0, "The set-up cost must be a number of 0 or more.")
    _require(_finite(running), "The running cost must be a number (negative if the change is cheaper to run).")
    _require(
        isinstance(treated, int) and not isinstance(treated, bool) and treated >= 1,
        "The number of people treated must be a whole number of 1 or more.",
    )
    _require(all(_finite(v) for v in (effect, low, high)), "The effect and its CI must be numbers.")
    _require(low <= effect <= high, "The effect must lie inside its confidence interval.")
    _require(value is None or (_finite(value) and value >= 0), "The value of one outcome must be 0 or more.")
