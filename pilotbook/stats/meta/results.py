"""What pooling gives back: each study's effect, the pooled result, the methods, and the pooling error."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from scipy import stats

from pilotbook.stats.effect_sizes import RATIO_MEASURES, Measure

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

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: the fields, tau, and for RR/OR the back-transformed values."""
        data = asdict(self)
        data.update(measure=str(self.measure), method=str(self.method), tau=self.tau)
        for key in ("yi", "vi", "weights", "labels", "notes"):
            data[key] = list(data[key])
        if self.is_ratio:
            data["exp"] = {key: getattr(self, f"{key}_exp") for key in EXP_KEYS}
        return data


def _critical(level: float, df: int | None) -> float:
    tail = 1 - (1 - level) / 2
    return float(stats.norm.ppf(tail) if df is None else stats.t.ppf(tail, df))
