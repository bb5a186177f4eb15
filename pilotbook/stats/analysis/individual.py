"""Pilots randomised person by person: each group against the comparison group, by outcome kind."""

from __future__ import annotations

from collections.abc import Callable

from pilotbook.stats.analysis.results import Comparison
from pilotbook.stats.dataset import Dataset

from .binary import _binary_two
from .continuous import _continuous_two
from .counts import _count_two
from .results import (
    Analysis,
    AnalysisSpec,
    _others,
)
from .summaries import ASSUMPTIONS, _arm_summary


def _individual(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    control = ds.arm_stats(spec.control)
    result = Analysis(ds.kind, "individual", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    for label in _others(ds, spec):
        compare = TWO_GROUP[ds.kind]
        comparison, notes = compare(ds, control, ds.arm_stats(label), label, spec)
        result.comparisons.append(comparison)
        result.warnings += notes
    result.assumptions += ASSUMPTIONS[ds.kind]
    if ds.kind == "continuous" and ds.has_baseline:
        result.assumptions += ASSUMPTIONS["ancova"]
    if ds.has_baseline and ds.kind != "continuous":
        result.warnings.append("A baseline measure is used only for continuous outcomes; it was not used here.")
    return result



TWO_GROUP: dict[str, Callable[..., tuple[Comparison, list[str]]]] = {
    "binary": _binary_two, "continuous": _continuous_two, "count": _count_two,
}
