"""What an analysis gives back (estimates, comparisons, the whole analysis) and the settings it runs on."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pilotbook.stats.dataset import Dataset
from pilotbook.stats.errors import AnalysisError as AnalysisError  # defined there, exported here as it always was

KINDS = ("binary", "continuous", "count", "time-to-event")
DESIGNS = ("auto", "individual", "cluster", "did", "before_after")
DESIGN_LABELS = {
    "individual": "Randomised person by person",
    "cluster": "Randomised by cluster",
    "did": "Before and after, with a comparison group (difference in differences)",
    "before_after": "Before and after only, no comparison group",
}
MSMS_LEVELS = {"individual": 5, "cluster": 5, "did": 3, "before_after": 1}
SMALL_GROUP = 30
FEW_CLUSTERS = 10
OVERDISPERSED = 1.5
UNEQUAL_SIZES = 1.5
BASELINE_IMBALANCE = 0.1  # standardised difference in baseline means


@dataclass(frozen=True)
class AnalysisSpec:
    kind: str
    control: str
    design: str = "auto"
    better: str = "higher"
    worthwhile: float | None = None
    alpha: float = 0.05


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": _num(self.estimate), "ci_low": _num(self.ci_low), "ci_high": _num(self.ci_high),
                "method": self.method}


@dataclass
class Comparison:
    arm: str
    control: str
    difference: Estimate | None
    ratio: Estimate | None
    p_value: float
    test: str
    n_arm: float | None
    n_control: float | None
    other_measures: dict[str, Estimate] = field(default_factory=dict)
    p_value_adjusted: float = math.nan
    verdict: str | None = None
    reaches_worthwhile: bool | None = None
    oriented: dict[str, float] | None = None
    settling_sample: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "arm": self.arm,
            "control": self.control,
            "difference": self.difference.to_dict() if self.difference else None,
            "ratio": self.ratio.to_dict() if self.ratio else None,
            "other_measures": {name: e.to_dict() for name, e in self.other_measures.items()},
            "p_value": _num(self.p_value),
            "p_value_adjusted": _num(self.p_value_adjusted),
            "test": self.test,
            "verdict": self.verdict,
            "reaches_worthwhile": self.reaches_worthwhile,
            "oriented": self.oriented,
            "settling_sample": self.settling_sample,
        }


@dataclass
class Analysis:
    kind: str
    design: str
    alpha: float
    arms: list[dict[str, Any]]
    comparisons: list[Comparison]
    icc: float | None = None
    design_effect: float | None = None
    clusters: int | None = None
    survival: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def design_label(self) -> str:
        return DESIGN_LABELS[self.design]

    @property
    def msms_level(self) -> int:
        return MSMS_LEVELS[self.design]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "design": self.design,
            "design_label": self.design_label,
            "msms_level": self.msms_level,
            "alpha": self.alpha,
            "arms": self.arms,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "icc": _num(self.icc),
            "design_effect": _num(self.design_effect),
            "clusters": self.clusters,
            "survival": self.survival,
            "warnings": list(dict.fromkeys(self.warnings)),
            "assumptions": list(dict.fromkeys(self.assumptions)),
        }


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None



def _others(ds: Dataset, spec: AnalysisSpec) -> list[str]:
    return [label for label in ds.labels if label != spec.control]



def _estimate(value: float, lo: float, hi: float, method: str) -> Estimate:
    return Estimate(float(value), float(lo), float(hi), method)


class _quiet:
    """statsmodels warns (RuntimeWarning) at the edges of its root-finding; the results are still right."""

    def __enter__(self) -> None:
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")  # RuntimeWarning and numpy's ComplexWarning
        self._err = np.errstate(all="ignore")
        self._err.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._err.__exit__(*exc)
        self._warnings.__exit__(*exc)
