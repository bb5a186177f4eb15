"""Each design refuses, in plain English, data without what it needs (periods, clusters, times per person).

``analyse`` chooses a design only for data that has what the design needs, so these checks are reached only by
calling a design directly; they replace a TypeError from indexing None with the engine's own AnalysisError.
"""

from __future__ import annotations

import pytest

from pilotbook.stats.analysis import AnalysisError, AnalysisSpec
from pilotbook.stats.analysis.before_after import _before_after, _did
from pilotbook.stats.analysis.cluster import _cluster
from pilotbook.stats.analysis.time_to_event import _time_to_event
from pilotbook.stats.dataset import Cell, Dataset, Stats, dataset_from_summaries

GROUPS = [{"label": "old", "n": 40, "events": 10}, {"label": "new", "n": 40, "events": 16}]


@pytest.mark.parametrize("design", [_did, _before_after])
def test_before_and_after_designs_need_periods(design) -> None:
    ds = dataset_from_summaries("binary", GROUPS, control="old")
    with pytest.raises(AnalysisError, match="needs a period column"):
        design(ds, AnalysisSpec(kind="binary", control="old"))


def test_cluster_design_needs_clusters() -> None:
    ds = dataset_from_summaries("binary", GROUPS, control="old")
    with pytest.raises(AnalysisError, match="which cluster each row is in"):
        _cluster(ds, AnalysisSpec(kind="binary", control="old"))


def test_time_to_event_needs_times_per_person() -> None:
    cells = tuple(Cell(i, None, None, Stats(n=10.0, sum=4.0)) for i in range(2))
    ds = Dataset(kind="time-to-event", labels=("old", "new"), control="old", cells=cells)
    with pytest.raises(AnalysisError, match="one row per person"):
        _time_to_event(ds, AnalysisSpec(kind="time-to-event", control="old"))
