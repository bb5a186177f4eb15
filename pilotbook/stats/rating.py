"""Evidence-strength rating, 0 to 5, for one pilot or a pooled group, with the reasons in plain English.

GRADE-like: start from the design, then take points off for each weakness; nothing adds points, so a
rating never exceeds its design level, and it never goes below 0. Every effect and interval is on the
analysis scale, where 0 means no effect (log scale for risk and odds ratios), and ``worthwhile`` is the
smallest worthwhile effect on that scale (a positive number; it applies in either direction).

Rules for a single pilot (:func:`rate_pilot`):

1. **Design** sets the starting score: its Maryland Scientific Methods Scale level, 5 randomised,
   4 quasi-random, 3 before/after with a comparison group, 2 comparison only, 1 before/after only.
2. **Pre-registration** (risk of bias): -1 if the plan was not registered on or before the day the pilot started
   (``preregistered``, decided by the caller: Pilotbook's rule is pilotbook.pilots.models.Pilot.preregistered), or
   if it was amended after results were seen (the outcome or analysis could then have been chosen to fit). A plan
   registered only after the pilot started is named as such, with both days.
3. **Sample size**: -1 if the pilot reached less than the sample its planned power calculation needed;
   with no planned sample, -1 if it had fewer than ``SMALL_SAMPLE`` (100) people or units in total.
4. **Imprecision**: -1 if the confidence interval includes both no effect (0) and a worthwhile effect
   (±worthwhile), so the result could go either way; -2 if it includes a worthwhile effect in *both*
   directions as well as no effect. An interval that crosses 0 but stays within ±worthwhile is precise
   enough to say there is no worthwhile effect, and loses nothing.

Rules for a pooled group (:func:`rate_group`):

1. **Design** starts from the pilots' design levels averaged with their pooling weights, rounded to the
   nearest level (halves round down), so a small weak pilot does not sink a strong body of evidence.
2. **Pre-registration**: -1 if less than half of the weight comes from pilots registered before they
   started and not amended after results were seen. The reason says how many were registered after they started.
3. **Sample size**: as for a pilot, on the totals (people across pilots against the total planned).
4. **Number of councils**: -1 if fewer than ``MIN_COUNCILS`` (3) councils contributed: too few to know
   whether the result carries over to another council.
5. **Consistency**: -1 if I² is at least 50% (substantial differences between councils) or the prediction
   interval crosses 0 while the confidence interval does not (the effect could reverse in some councils);
   -2 if both I² is at least 75% and the prediction interval crosses 0. When the confidence interval itself
   crosses 0, that uncertainty is counted under imprecision, not again here.
6. **Imprecision**: as for a pilot, on the pooled confidence interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pilotbook.stats.meta import PooledResult

SMALL_SAMPLE = 100
MIN_COUNCILS = 3
SUBSTANTIAL_I2 = 50.0
CONSIDERABLE_I2 = 75.0
MIN_REGISTERED_SHARE = 0.5

DESIGN_NAMES = {
    5: "a randomised design",
    4: "a quasi-random design",
    3: "a before/after design with a comparison group",
    2: "a comparison with a group that did not get the change",
    1: "a before/after design with no comparison group",
}

LABELS = {5: "strong", 4: "good", 3: "moderate", 2: "limited", 1: "weak", 0: "very weak"}


@dataclass(frozen=True)
class Rating:
    """A 0-5 score, its label and one plain-English sentence per rule saying what it did to the score."""

    score: int
    label: str
    reasons: list[str]


@dataclass(frozen=True)
class PilotEvidence:
    """What the rating needs to know about one pilot (effects on the analysis scale, 0 = no effect)."""

    design_level: int
    preregistered: bool
    amended_after_results: bool = False
    sample_size: int | None = None
    planned_sample_size: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    worthwhile: float | None = None
    # The day the plan was registered (None: never registered, as for an imported case study) and the day the
    # pilot started; with them a late registration is named as one in the reasons.
    registered_on: dt.date | None = None
    started_on: dt.date | None = None

    @property
    def registered_late(self) -> bool:
        """Registered, but not before it started."""
        return not self.preregistered and self.registered_on is not None


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class _Step:
    """One rule's effect on the score (0 or negative) and the sentence that explains it."""

    change: int
    reason: str


def _check_design(level: int) -> None:
    if level not in DESIGN_NAMES:
        raise ValueError(
            "The design level must be a whole number from 1 to 5 on the Maryland Scientific Methods Scale."
        )


def _design_step(level: int) -> _Step:
    return _Step(0, f"Starts at {level}: {DESIGN_NAMES[level]} (Maryland Scientific Methods Scale level {level}).")


def _registration_step(pilot: PilotEvidence) -> _Step:
    """Risk of bias from choosing the outcome or analysis after seeing the data."""
    if pilot.registered_on is not None and not pilot.preregistered:  # pilot.registered_late, with the day known
        when = (f" (registered {_day(pilot.registered_on)}; it started {_day(pilot.started_on)})"
                if pilot.started_on else "")
        also = ", and was changed after results were seen" if pilot.amended_after_results else ""
        return _Step(-1, f"Down 1: the plan was registered after the pilot started{when}{also}.")
    if not pilot.preregistered:
        return _Step(-1, "Down 1: the plan was not registered before the pilot started.")
    if pilot.amended_after_results:
        return _Step(-1, "Down 1: the registered plan was changed after results were seen.")
    return _Step(0, "No change: the plan was registered before the pilot started and not changed after results.")


def _sample_step(sample_size: int | None, planned: int | None) -> _Step:
    """Against the planned sample when there is one, otherwise against an absolute floor."""
    if sample_size is None:
        return _Step(0, "No change for sample size: it was not recorded.")
    if sample_size < 0 or (planned is not None and planned <= 0):
        raise ValueError("Sample sizes must be positive whole numbers.")
    if planned is not None:
        if sample_size < planned:
            share = math.floor(100 * sample_size / planned)  # 7,990 of 8,000 is 99%, not a rounded-up 100%
            return _Step(
                -1, f"Down 1: it reached {sample_size:,} of the {planned:,} its power calculation needed ({share}%)."
            )
        return _Step(0, f"No change: it reached its planned sample ({sample_size:,} of {planned:,}).")
    if sample_size < SMALL_SAMPLE:
        return _Step(-1, f"Down 1: only {sample_size:,} people or units took part, and no planned sample was set.")
    return _Step(0, f"No change: {sample_size:,} people or units took part.")


def _imprecision_step(ci_low: float | None, ci_high: float | None, worthwhile: float | None) -> _Step:
    """GRADE imprecision: does the interval include both no effect and an effect that would matter?"""
    if ci_low is None or ci_high is None:
        return _Step(0, "No change for precision: there is no confidence interval yet.")
    if worthwhile is None:
        return _Step(0, "No change for precision: there is no smallest worthwhile effect on this scale to judge the "
                        "confidence interval against.")
    if worthwhile <= 0 or not all(math.isfinite(x) for x in (ci_low, ci_high, worthwhile)) or ci_low > ci_high:
        raise ValueError("Give a confidence interval (low <= high) and a smallest worthwhile effect greater than 0.")
    if not ci_low <= 0 <= ci_high:
        return _Step(0, "No change: the confidence interval is clear of zero, so the direction of effect is settled.")
    benefit, harm = ci_high >= worthwhile, ci_low <= -worthwhile
    if benefit and harm:
        return _Step(-2, "Down 2: the confidence interval includes no effect and worthwhile effects both ways.")
    if benefit or harm:
        return _Step(-1, "Down 1: the confidence interval includes both no effect and a worthwhile effect.")
    return _Step(0, "No change: the confidence interval rules out any worthwhile effect either way.")


def _total(start: int, steps: Sequence[_Step]) -> Rating:
    """Add the steps to the starting score, never below 0."""
    score = max(0, start + sum(step.change for step in steps))
    return Rating(score=score, label=LABELS[score], reasons=[step.reason for step in steps])


def rate_pilot(pilot: PilotEvidence) -> Rating:
    """The evidence-strength rating of one pilot (rules in the module docstring)."""
    _check_design(pilot.design_level)
    steps = [
        _design_step(pilot.design_level),
        _registration_step(pilot),
        _sample_step(pilot.sample_size, pilot.planned_sample_size),
        _imprecision_step(pilot.ci_low, pilot.ci_high, pilot.worthwhile),
    ]
    return _total(pilot.design_level, steps)


@dataclass(frozen=True)
class GroupEvidence:
    """What the rating needs about a pooled group; ``weights`` are the pilots' pooling weights (any scale)."""

    pilots: Sequence[PilotEvidence]
    councils: int
    ci_low: float
    ci_high: float
    i2: float  # percent, as pilotbook.stats.meta reports it
    pi_low: float | None = None
    pi_high: float | None = None
    worthwhile: float | None = None
    weights: Sequence[float] | None = None
    # True when some pilots' councils are withheld from the reader, so ``councils`` is only the fewest there
    # can be (each withheld pilot may come from a council already counted).
    councils_at_least: bool = False


def _shares(group: GroupEvidence) -> list[float]:
    """Each pilot's share of the weight (equal shares when no weights are given)."""
    weights = list(group.weights) if group.weights is not None else [1.0] * len(group.pilots)
    if len(weights) != len(group.pilots) or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("Give one non-negative weight per pilot, not all zero.")
    return [w / sum(weights) for w in weights]


def _group_design(group: GroupEvidence, shares: list[float]) -> tuple[int, _Step]:
    """The weighted average design level, rounded to the nearest level with halves rounded down."""
    for pilot in group.pilots:
        _check_design(pilot.design_level)
    mean = sum(s * p.design_level for s, p in zip(shares, group.pilots, strict=True))
    level = math.ceil(mean - 0.5)
    reason = (
        f"Starts at {level}: the pilots' designs average {mean:.1f} on the Maryland Scientific Methods Scale, "
        "weighted by how much each counts in the pooling."
    )
    return level, _Step(0, reason)


def _group_registration(group: GroupEvidence, shares: list[float]) -> _Step:
    clean = sum(s for s, p in zip(shares, group.pilots, strict=True) if p.preregistered and not p.amended_after_results)
    what = f"{100 * clean:.0f}% of the pooled evidence is from pilots registered in advance and unchanged after results"
    late = sum(p.registered_late for p in group.pilots)
    if late:
        what += (f"; {late} of the {len(group.pilots)} pilots "
                 f"{'was registered after it' if late == 1 else 'were registered after they'} started")
    if clean < MIN_REGISTERED_SHARE:
        return _Step(-1, f"Down 1: only {what}.")
    return _Step(0, f"No change: {what}.")


def _group_sample(group: GroupEvidence) -> _Step:
    """Totals across pilots; the planned total is used only when every pilot has a planned sample."""
    sizes = [p.sample_size for p in group.pilots if p.sample_size is not None]
    if len(sizes) < len(group.pilots):
        return _Step(0, "No change for sample size: not every pilot recorded it.")
    planned = [p.planned_sample_size for p in group.pilots if p.planned_sample_size is not None]
    planned_total = sum(planned) if len(planned) == len(group.pilots) else None
    return _sample_step(sum(sizes), planned_total)


def _councils_step(councils: int, at_least: bool = False) -> _Step:
    if councils < 1:
        raise ValueError("A pooled group needs at least one council.")
    who = "1 council" if councils == 1 else f"{councils} councils"
    if at_least and councils < MIN_COUNCILS:
        return _Step(-1, f"Down 1: at least {who} contributed, but some withheld their name, so it may be too few "
                         "to know whether the result carries over to others.")
    if councils < MIN_COUNCILS:
        return _Step(-1, f"Down 1: only {who} contributed, too few to know whether the result carries over to others.")
    return _Step(0, f"No change: {'at least ' if at_least else ''}{councils} councils contributed.")


def _consistency_step(group: GroupEvidence) -> _Step:
    """Inconsistency from I² and from a prediction interval that crosses 0 when the CI does not."""
    ci_crosses = group.ci_low <= 0 <= group.ci_high
    pi_low, pi_high = group.pi_low, group.pi_high
    pi_crosses = pi_low is not None and pi_high is not None and not ci_crosses and pi_low <= 0 <= pi_high
    i2 = f"I² is {group.i2:.0f}%"
    if pi_crosses and group.i2 >= CONSIDERABLE_I2:
        return _Step(
            -2, f"Down 2: councils' results differ a great deal ({i2}) and could be reversed in a new council."
        )
    if pi_crosses:
        return _Step(
            -1,
            f"Down 1: the prediction interval crosses no effect, so it could be reversed in a new council ({i2}).",
        )
    if group.i2 >= SUBSTANTIAL_I2:
        return _Step(-1, f"Down 1: councils' results differ substantially ({i2}).")
    return _Step(0, f"No change: councils' results are reasonably consistent ({i2}).")


def rate_group(group: GroupEvidence) -> Rating:
    """The evidence-strength rating of a pooled group (rules in the module docstring)."""
    if not group.pilots:
        raise ValueError("A pooled group needs at least one pilot.")
    shares = _shares(group)
    start, design = _group_design(group, shares)
    steps = [
        design,
        _group_registration(group, shares),
        _group_sample(group),
        _councils_step(group.councils, group.councils_at_least),
        _consistency_step(group),
        _imprecision_step(group.ci_low, group.ci_high, group.worthwhile),
    ]
    return _total(start, steps)


def rate_pooled(
    pooled: PooledResult, pilots: Sequence[PilotEvidence], *, councils: int, worthwhile: float | None = None,
    councils_at_least: bool = False,
) -> Rating:
    """Rate a pooled analysis; ``pilots`` must be in the same order as the pooled studies."""
    if len(pilots) != pooled.k:
        raise ValueError(f"There are {len(pilots)} pilots for {pooled.k} pooled studies.")
    group = GroupEvidence(
        pilots=pilots,
        councils=councils,
        ci_low=pooled.ci_low,
        ci_high=pooled.ci_high,
        i2=pooled.i2,
        pi_low=pooled.pi_low,
        pi_high=pooled.pi_high,
        worthwhile=worthwhile,
        weights=pooled.weights,
        councils_at_least=councils_at_least,
    )
    return rate_group(group)
