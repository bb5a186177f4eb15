"""What every power calculation shares: the designs (individual, cluster), the input error, and small helpers."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pilotbook.stats.verdicts import Better

LOG2 = math.log(2.0)
_TINY = 1e-9  # keeps searches strictly inside open intervals (a rate of exactly 0 or 1 has no variance)
_FEW_CLUSTERS = 10  # below this many clusters per group the normal approximation flatters the design


class PowerInputError(ValueError):
    """Input a council officer can fix; the message says what is wrong in plain English."""


class TimeEffect(StrEnum):
    """How a time-to-event pilot states its smallest worthwhile effect."""

    MEDIAN_DAYS = "median_days"  # a difference in median time, in the outcome's units (days)
    HAZARD_RATIO = "hazard_ratio"  # a hazard ratio (change group's event rate / comparison group's)


# --- designs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Individual:
    """Randomised person by person: no design effect."""

    design_effect: ClassVar[float] = 1.0
    cluster_size: ClassVar[float | None] = None


@dataclass(frozen=True)
class Cluster:
    """Randomised by cluster (ward, round, school, household) of mean size ``cluster_size``.

    ``cv`` is the coefficient of variation of cluster sizes (0 when all are the same size); unequal
    clusters carry less information, which the design effect accounts for.
    """

    icc: float
    cluster_size: float
    cv: float = 0.0

    def __post_init__(self) -> None:
        _require(_finite(self.icc) and 0 <= self.icc < 1, "The ICC must be at least 0 and less than 1.")
        _require(_finite(self.cluster_size) and self.cluster_size >= 1, "The mean cluster size must be 1 or more.")
        _require(_finite(self.cv) and self.cv >= 0, "The coefficient of variation of cluster size cannot be negative.")

    @property
    def design_effect(self) -> float:
        return 1 + ((1 + self.cv**2) * self.cluster_size - 1) * self.icc


Design = Individual | Cluster



def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PowerInputError(message)


def _finite(value: float) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_better(better: Better | str | None) -> None:
    _require(better is None or better in {"higher", "lower"}, "Better must be 'higher' or 'lower'.")


def _signs(better: Better | str | None) -> tuple[int, ...]:
    if better is None:
        return (1, -1)
    return (1,) if Better(better) is Better.HIGHER else (-1,)




def _ceil(x: float) -> int:
    """Round a sample up, forgiving floating-point noise (1376.0000000001 people is 1376)."""
    return math.ceil(x - 1e-9 * max(1.0, x))


def _clusters(design: Design, people: float) -> int | None:
    return None if design.cluster_size is None else _ceil(people / design.cluster_size)


def _people(per_group: float, ratio: float) -> str:
    if ratio == 1:
        return f"{per_group:,.0f} people in each group"
    return f"{per_group:,.0f} people in the comparison group and {per_group * ratio:,.0f} getting the change"


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _a(word: str) -> str:
    """'a 90%' but 'an 80%' (and 'an 11%', 'an 18%'), as it is read aloud."""
    return f"an {word}" if word.startswith(("8", "11", "18")) else f"a {word}"
