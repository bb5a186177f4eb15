"""The front door: check the settings, choose the design and run it, then adjust the p-values and judge."""

from __future__ import annotations

import math

from pilotbook.stats.dataset import Dataset
from pilotbook.stats.verdicts import Better

from .before_after import _before_after, _did
from .cluster import _cluster
from .individual import _individual
from .results import (
    DESIGNS,
    Analysis,
    AnalysisError,
    AnalysisSpec,
)
from .summaries import _adjust_and_judge, _size_warnings
from .time_to_event import _time_to_event


def analyse(dataset: Dataset, spec: AnalysisSpec) -> Analysis:
    """Compare every group with ``spec.control`` and judge each effect against the smallest worthwhile one."""
    _check_spec(dataset, spec)
    design = _resolve_design(dataset, spec)
    if dataset.kind == "time-to-event":
        result = _time_to_event(dataset, spec)
    elif design == "individual":
        result = _individual(dataset, spec)
    elif design == "cluster":
        result = _cluster(dataset, spec)
    elif design == "did":
        result = _did(dataset, spec)
    else:
        result = _before_after(dataset, spec)
    result.warnings = _size_warnings(dataset, design, result) + result.warnings
    _adjust_and_judge(result.comparisons, spec)
    return result


def _check_spec(dataset: Dataset, spec: AnalysisSpec) -> None:
    if spec.kind != dataset.kind:
        raise AnalysisError(f"The data were prepared as a {dataset.kind} outcome, not {spec.kind}.")
    if spec.design not in DESIGNS:
        raise AnalysisError(f"'{spec.design}' is not a design; use one of {', '.join(DESIGNS)}.")
    if spec.control not in dataset.labels:
        raise AnalysisError(f"The comparison group '{spec.control}' is not in the data.")
    if not (0 < spec.alpha < 1):
        raise AnalysisError("The significance level must be between 0 and 1, such as 0.05.")
    if spec.worthwhile is not None and not (math.isfinite(spec.worthwhile) and spec.worthwhile > 0):
        raise AnalysisError("The smallest worthwhile effect must be a number greater than 0.")
    Better(spec.better)


def _resolve_design(ds: Dataset, spec: AnalysisSpec) -> str:
    design = spec.design
    if design == "auto":
        if ds.periods:
            return "did" if len(ds.labels) >= 2 else "before_after"
        return "cluster" if ds.clusters else "individual"
    if design in {"did", "before_after"} and not ds.periods:
        raise AnalysisError("A before-and-after design needs a period column saying which rows are 'before'.")
    if design == "did" and len(ds.labels) < 2:
        raise AnalysisError("Difference in differences needs a comparison group as well as the group that changed.")
    if design in {"individual", "cluster"} and ds.periods:
        raise AnalysisError("These data have before and after periods; choose a before-and-after design.")
    if design == "cluster" and not ds.clusters:
        raise AnalysisError("A cluster-randomised analysis needs a column saying which cluster each row is in.")
    if ds.kind == "time-to-event" and design != "individual":
        raise AnalysisError("Time-to-event outcomes can be analysed only for pilots randomised person by person.")
    return design
