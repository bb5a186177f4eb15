"""What a power calculation gives back: sample sizes, power, the smallest detectable effect, councils needed."""

from __future__ import annotations

from dataclasses import dataclass

from pilotbook.stats.power.outcomes import Binary, Continuous, Count
from pilotbook.stats.power.time_to_event import TimeToEvent

Outcome = Binary | Continuous | Count | TimeToEvent


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """The sample a pilot needs; ``per_group`` is the comparison group, ``change_group`` the other one."""

    kind: str
    alpha: float
    power: float
    worthwhile: float
    per_group: int
    change_group: int
    total: int
    per_group_exact: float  # before rounding up, after the design effect
    clusters_per_group: int | None
    clusters_change_group: int | None
    design_effect: float
    events_needed: int | None  # time-to-event only
    method: str
    explanation: str


@dataclass(frozen=True)
class PowerResult:
    """The chance that a pilot of a given size shows the smallest worthwhile effect, if that is the truth."""

    kind: str
    alpha: float
    worthwhile: float
    per_group: float  # comparison-group people (not clusters)
    change_group: float
    design_effect: float
    power: float
    method: str
    explanation: str


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest true effect a pilot of a given size has ``power`` to show (minimum detectable effect)."""

    kind: str
    alpha: float
    power: float
    per_group: float
    change_group: float
    design_effect: float
    effect: float  # in the units of ``worthwhile``: a difference, or a hazard ratio
    unit: str
    method: str
    explanation: str


@dataclass(frozen=True)
class CouncilsNeeded:
    """How many councils, each putting ``people_per_council`` people into the pilot, must run it together."""

    councils: int  # in all
    people_per_council: int
    icc: float  # between councils; 0 means the councils' samples simply add up
    design_effect: float
    people_needed: int  # in all, after the design effect
    councils_per_group: int | None  # whole councils randomised (icc > 0): councils in the comparison group
    councils_change_group: int | None
    method: str
    explanation: str
