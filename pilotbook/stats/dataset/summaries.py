"""Datasets from figures typed in per group (n, events, means, SDs, exposure), and swapping the comparison group."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pilotbook.stats.dataset.columns import _list
from pilotbook.stats.dataset.sums import KINDS, Cell, Dataset, Stats
from pilotbook.stats.errors import DataError

SUMMARY_FIELDS = {
    "binary": ("n", "events"),
    "continuous": ("n", "mean", "sd"),
    "count": ("events", "exposure"),
}


def dataset_from_summaries(kind: str, groups: Sequence[dict[str, Any]], *, control: str) -> Dataset:
    """A dataset from figures per group: binary n and events; continuous n, mean and SD; count events and
    exposure (n optional)."""
    if kind == "time-to-event":
        raise DataError("Time-to-event results need one row per person (time and whether the event happened).")
    if kind not in SUMMARY_FIELDS:
        raise DataError(f"'{kind}' is not an outcome kind; use one of {', '.join(KINDS)}.")
    labels = [str(g.get("label", "")).strip() for g in groups]
    for number, label in enumerate(labels, start=1):
        if not label:
            raise DataError(f"Group {number} has no name.")
    if len(set(labels)) != len(labels):
        raise DataError("Two groups have the same name; give each group its own name.")
    if len(labels) < 2:
        raise DataError("A comparison needs figures for at least two groups.")
    control = str(control).strip()
    if control not in labels:
        raise DataError(f"The comparison group '{control}' is not one of the groups ({_list(labels)}).")
    figures = [_summary_figures(kind, g, label) for g, label in zip(groups, labels, strict=True)]
    n_known = all(f["n"] is not None for f in figures)
    shift = 0.0
    if kind == "continuous":
        shift = sum(f["n"] * f["mean"] for f in figures) / sum(f["n"] for f in figures)
    cells = tuple(Cell(i, None, None, _summary_stats(kind, f, shift)) for i, f in enumerate(figures))
    rows = int(sum(f["n"] for f in figures)) if n_known else 0
    return Dataset(kind=kind, labels=tuple(labels), control=control, cells=cells, n_known=n_known,
                   y_shift=shift, row_count=rows, from_summaries=True)


def _figure(group: dict[str, Any], name: str, label: str, *, required: bool = True) -> float | None:
    value = group.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DataError(f"Group '{label}': {name} is missing.")
        return None
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise DataError(f"Group '{label}': {name} '{value}' is not a number.") from None
    if not math.isfinite(number):
        raise DataError(f"Group '{label}': {name} must be a finite number.")
    return number


def _whole(value: float, name: str, label: str, minimum: int) -> None:
    if value != math.floor(value) or value < minimum:
        raise DataError(f"Group '{label}': {name} must be a whole number of at least {minimum}, not {value:g}.")


def _summary_figures(kind: str, group: dict[str, Any], label: str) -> dict[str, Any]:
    f: dict[str, Any] = {"n": _figure(group, "n", label, required=kind != "count")}
    if f["n"] is not None:
        _whole(f["n"], "n", label, 2 if kind == "continuous" else 1)
    if kind == "binary":
        f["events"] = _figure(group, "events", label)
        _whole(f["events"], "events", label, 0)
        if f["events"] > f["n"]:
            raise DataError(f"Group '{label}': events ({f['events']:g}) cannot be more than n ({f['n']:g}).")
    elif kind == "continuous":
        f["mean"] = _figure(group, "mean", label)
        f["sd"] = _figure(group, "sd", label)
        if f["sd"] < 0:
            raise DataError(f"Group '{label}': the SD cannot be negative ({f['sd']:g}).")
    else:
        f["events"] = _figure(group, "events", label)
        _whole(f["events"], "events", label, 0)
        f["exposure"] = _figure(group, "exposure", label)
        if f["exposure"] <= 0:
            raise DataError(f"Group '{label}': exposure must be greater than 0, not {f['exposure']:g}.")
    return f


def _summary_stats(kind: str, f: dict[str, Any], shift: float) -> Stats:
    if kind == "binary":
        return Stats(n=f["n"], sum=f["events"], sum_sq=f["events"], exposure=f["n"])
    if kind == "continuous":
        n, centred = f["n"], f["mean"] - shift
        return Stats(n=n, sum=n * centred, sum_sq=(n - 1) * f["sd"] ** 2 + n * centred**2, exposure=n)
    n = f["n"] if f["n"] is not None else 0.0
    return Stats(n=n, sum=f["events"], exposure=f["exposure"])


def with_control(dataset: Dataset, control: str) -> Dataset:
    """The same data with another comparison group (used by tests that swap the groups)."""
    if control not in dataset.labels:
        raise DataError(f"The comparison group '{control}' is not one of the groups ({_list(dataset.labels)}).")
    return replace(dataset, control=control)
