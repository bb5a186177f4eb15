"""Time-to-event outcomes for power: Schoenfeld's or Freedman's events needed, and the people who give them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from scipy.stats import norm

from pilotbook.stats.power.base import (
    _TINY,
    LOG2,
    PowerInputError,
    TimeEffect,
    _check_better,
    _finite,
    _require,
    _signs,
)
from pilotbook.stats.verdicts import Better


@dataclass(frozen=True)
class TimeToEvent:
    """Time until something happens (days until a tenant makes contact), possibly cut off by follow-up.

    ``effect`` says what ``worthwhile`` means: a difference in median days (needs ``control_median``) or a
    hazard ratio. ``better`` "lower" means sooner is better (contact); "higher" means later is better (days
    until arrears recur). How many people have the event decides how many people are needed for the events:

    - ``event_probability``: the share of everyone in the pilot expected to have the event during follow-up;
    - or ``follow_up`` with ``control_median``: that share from exponential survival in each group;
    - neither: everyone is followed until the event, so people = events.

    ``formula`` is "schoenfeld" (log hazard ratio, the default) or "freedman" (hazard ratio, a little more
    cautious for hazard ratios far from 1).
    """

    control_median: float | None = None
    follow_up: float | None = None
    effect: TimeEffect = TimeEffect.MEDIAN_DAYS
    better: Better | None = None
    event_probability: float | None = None
    formula: str = "schoenfeld"
    kind: ClassVar[str] = "time_to_event"

    def __post_init__(self) -> None:
        median, follow_up, share = self.control_median, self.follow_up, self.event_probability
        _check_better(self.better)
        _require(self.effect in {"median_days", "hazard_ratio"}, "The effect must be 'median_days' or 'hazard_ratio'.")
        _require(self.formula in {"schoenfeld", "freedman"}, "The formula must be 'schoenfeld' or 'freedman'.")
        _require(median is None or (_finite(median) and median > 0), "The control median must be greater than 0.")
        _require(follow_up is None or (_finite(follow_up) and follow_up > 0), "The follow-up must be greater than 0.")
        _require(share is None or (_finite(share) and 0 < share <= 1), "The event probability must be in (0, 1].")
        _require(share is None or follow_up is None, "Give the event probability or the follow-up time, not both.")
        _require(
            TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO or median is not None,
            "A worthwhile difference in median days needs the control median too.",
        )
        _require(
            follow_up is None or median is not None,
            "With a follow-up limit we need the control median, to know how many people will have the event.",
        )

    @property
    def method(self) -> str:
        if self.event_probability is not None:
            people = f"people = events / {self.event_probability:g} (the expected share having the event)"
        elif self.follow_up:
            people = "people from the chance of the event in follow-up (exponential survival)"
        else:
            people = "everyone followed until the event, so people = events"
        events = (
            "Freedman's number of events for the hazard ratio"
            if self.formula == "freedman"
            else "Schoenfeld's number of events for the log hazard ratio"
        )
        return f"Log-rank test, {events}; {people}"

    @property
    def _median(self) -> float:
        """The control median, for a worthwhile difference in median days or a follow-up limit (``__post_init__``
        refuses either without it)."""
        if self.control_median is None:
            raise PowerInputError("This needs the control median.")
        return self.control_median

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def hazard_ratio(self, effect: float, sign: int) -> float:
        """Change group's hazard over the comparison group's; sign +1 means longer times (HR below 1)."""
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return effect
        return self._median / (self._median + sign * effect)  # exponential: hazard ∝ 1/median

    def feasible(self, effect: float, sign: int) -> bool:
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return effect > 0 and effect != 1
        return self._median + sign * effect > 0

    def effect_range(self, sign: int) -> tuple[float, float]:
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return (1 - _TINY, 1e-6) if sign > 0 else (1 + _TINY, 1e6)  # (weakest, strongest)
        return _TINY * self._median, (1e6 if sign > 0 else 1 - _TINY) * self._median

    def _signal(self, hr: float, ratio: float) -> float:
        """Expected log-rank z per square root of an event (Schoenfeld 1983; Freedman 1982)."""
        if self.formula == "freedman":
            return abs(1 - hr) * math.sqrt(ratio) / (1 + ratio * hr)
        return abs(math.log(hr)) * math.sqrt(ratio) / (1 + ratio)

    def events_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        z = norm.isf(alpha / 2) + norm.ppf(power)
        return float(z**2 / self._signal(self.hazard_ratio(effect, sign), ratio) ** 2)

    def _events_per_control_person(self, hr: float, ratio: float) -> float:
        """Expected events per comparison-group person, counting the change group's `ratio` people too."""
        if self.event_probability is not None:
            return (1 + ratio) * self.event_probability
        if self.follow_up is None:
            return 1 + ratio
        rate0 = LOG2 / self._median
        p0 = -math.expm1(-rate0 * self.follow_up)
        p1 = -math.expm1(-rate0 * hr * self.follow_up)
        return p0 + ratio * p1

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        events = self.events_exact(effect, sign, alpha, power, ratio)
        return float(events / self._events_per_control_person(self.hazard_ratio(effect, sign), ratio))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        hr = self.hazard_ratio(effect, sign)
        events = n * self._events_per_control_person(hr, ratio)
        return float(norm.cdf(self._signal(hr, ratio) * math.sqrt(events) - norm.isf(alpha / 2)))

    def describe(self, effect: float, sign: int) -> str:
        hr = self.hazard_ratio(effect, sign)
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return f"a hazard ratio of {hr:.3g}"
        new = self._median + sign * effect
        return f"a change in the median time from {self._median:.4g} to {new:.4g} (hazard ratio {hr:.3g})"
