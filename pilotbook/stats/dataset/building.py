"""Reducing checked columns to sufficient statistics per cell (group x period x cluster)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pilotbook.stats.dataset.columns import (
    _binary_column,
    _check,
    _column,
    _labels_of,
    _list,
    _number_column,
)
from pilotbook.stats.dataset.sums import KINDS, Cell, Dataset, Stats
from pilotbook.stats.errors import DataError


def build_dataset(
    table: pd.DataFrame,
    *,
    kind: str,
    arm: str,
    control: str,
    outcome: str | None = None,
    baseline: str | None = None,
    cluster: str | None = None,
    period: str | None = None,
    before_label: str | None = None,
    time: str | None = None,
    event: str | None = None,
    exposure: str | None = None,
) -> Dataset:
    """Check the columns an analysis uses and reduce them to sufficient statistics."""
    if kind not in KINDS:
        raise DataError(f"'{kind}' is not an outcome kind; use one of {', '.join(KINDS)}.")
    if len(table) == 0:
        raise DataError("The file has a header row but no data rows.")
    arms, labels = _labels_of(_column(table, arm), arm)
    control = str(control).strip()
    if control not in labels:
        raise DataError(f"The comparison group '{control}' is not in column '{arm}' (its values: {_list(labels)}).")
    periods, period_labels = _periods(table, period, before_label)
    if len(labels) < 2 and periods is None:
        raise DataError(f"Column '{arm}' has only one group ('{labels[0]}'); a comparison needs at least two.")
    if kind == "time-to-event":
        if cluster or period:
            raise DataError("Time-to-event outcomes can be analysed only for pilots randomised person by person.")
        return _survival_dataset(table, arms, labels, control, time, event)
    if outcome is None:
        raise DataError("Choose the column that holds the outcome.")
    y, x, exp = _outcome_columns(table, kind, outcome, baseline, exposure)
    clusters, cluster_labels = (None, None)
    if cluster:
        clusters, cluster_labels = _labels_of(_column(table, cluster), cluster)
        _check_nested(arms, clusters, labels, cluster_labels)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked for below, not printed as a warning
        y_shift = float(np.mean(y)) if kind == "continuous" else 0.0
        x_shift = float(np.mean(x)) if x is not None else 0.0
        cells = _cells(arms, periods, clusters, _Values(y, x, exp, y_shift, x_shift), kind, len(labels),
                       len(cluster_labels or ()))
    if not (math.isfinite(y_shift) and math.isfinite(x_shift)
            and all(math.isfinite(v) for cell in cells for v in cell.stats.as_tuple())):
        used = " and ".join(f"'{c}'" for c in (outcome, baseline, exposure) if c)
        raise DataError(f"The figures in {'columns' if ' and ' in used else 'column'} {used} are too large or too "
                        "extreme to analyse. Check they are in the outcome's unit (for example days, not seconds) "
                        "and that no cell holds a typing error.")
    return Dataset(
        kind=kind, labels=tuple(labels), control=control, cells=cells,
        periods=period_labels, clusters=None if cluster_labels is None else tuple(cluster_labels),
        has_baseline=x is not None, y_shift=y_shift, x_shift=x_shift, row_count=len(table),
    )




def _periods(table: pd.DataFrame, period: str | None,
             before_label: str | None) -> tuple[np.ndarray | None, tuple[str, str] | None]:
    if period is None:
        if before_label is not None:
            raise DataError("Say which column holds the period as well as which value means 'before'.")
        return None, None
    codes, labels = _labels_of(_column(table, period), period)
    if before_label is None:
        raise DataError(f"Say which value of column '{period}' means 'before' (its values: {_list(labels)}).")
    before_label = str(before_label).strip()
    if before_label not in labels:
        raise DataError(f"'{before_label}' is not a value of column '{period}' (its values: {_list(labels)}).")
    after = [label for label in labels if label != before_label]
    if not after:
        raise DataError(f"Column '{period}' has only the 'before' period; it needs an 'after' period too.")
    before_code = labels.index(before_label)
    return (codes != before_code).astype(np.int8), (before_label, after[0] if len(after) == 1 else "after")


def _outcome_columns(table: pd.DataFrame, kind: str, outcome: str, baseline: str | None,
                     exposure: str | None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    y = _binary_column(table, outcome) if kind == "binary" else _number_column(table, outcome)
    if kind == "count":
        _check(y, (y < 0) | (y != np.floor(y)), outcome, "is not a count (a whole number, 0 or more)")
    x = _number_column(table, baseline) if baseline else None
    exp = None
    if exposure:
        if kind != "count":
            raise DataError("Exposure applies only to count outcomes (events per person-year, for example).")
        exp = _number_column(table, exposure)
        _check(exp, exp <= 0, exposure, "is not a valid exposure; it must be greater than 0")
    return y, x, exp


def _check_nested(arms: np.ndarray, clusters: np.ndarray, labels: list[str], cluster_labels: list[str]) -> None:
    """In a cluster-randomised pilot every cluster is in one group."""
    n_arms = len(labels)
    pairs = np.bincount(clusters.astype(np.int64) * n_arms + arms, minlength=len(cluster_labels) * n_arms)
    pairs = pairs.reshape(len(cluster_labels), n_arms)
    crossed = np.flatnonzero((pairs > 0).sum(axis=1) > 1)
    if len(crossed):
        c = crossed[0]
        groups = [labels[a] for a in np.flatnonzero(pairs[c])]
        raise DataError(
            f"Cluster '{cluster_labels[c]}' has rows in more than one group ('{groups[0]}' and '{groups[1]}'); "
            "in a cluster-randomised pilot each cluster is in one group."
        )


SLICE_ROWS = 1 << 16  # rows summed per pass: a few small buffers, used again for every slice


@dataclass(frozen=True)
class _Values:
    """The columns summed: the outcome ``y``, the baseline ``x`` and the exposure, with the shifts taken off y and x."""

    y: np.ndarray
    x: np.ndarray | None
    exposure: np.ndarray | None
    y_shift: float
    x_shift: float


def _cells(arms: np.ndarray, periods: np.ndarray | None, clusters: np.ndarray | None, values: _Values, kind: str,
           n_arms: int, n_clusters: int) -> tuple[Cell, ...]:
    """Sums per cell, a slice of rows at a time into small reused buffers (no copy of a whole column).

    ``np.add.at`` adds each row in order into its cell, as ``np.bincount`` does, so the sums are the same to the
    last bit; taking the slices in order keeps that order.
    """
    n_periods = 1 if periods is None else 2
    n_cl = max(n_clusters, 1)
    size = n_arms * n_periods * n_cl
    count = np.zeros(size, dtype=np.int64)
    names = ("sum", "sum_sq", "sum_x", "sum_xx", "sum_xy", "exposure", "sum_sq_per_exposure")
    sums = {name: np.zeros(size) for name in names}
    y, x, exp = values.y, values.x, values.exposure
    rows = min(len(arms), SLICE_ROWS)
    key, ys, xs, product = (np.empty(rows, dtype=np.intp), np.empty(rows), np.empty(rows), np.empty(rows))
    for start in range(0, len(arms), SLICE_ROWS):
        part = slice(start, start + SLICE_ROWS)
        m = len(arms[part])
        k, yk, xk, pk = key[:m], ys[:m], xs[:m], product[:m]
        k[:] = arms[part]
        if periods is not None or clusters is not None:
            k *= n_periods * n_cl
            if periods is not None:
                k += periods[part].astype(np.intp) * n_cl
            if clusters is not None:
                k += clusters[part]
        np.add.at(count, k, 1)
        yk = np.subtract(y[part], values.y_shift, out=yk) if values.y_shift else y[part]
        np.add.at(sums["sum"], k, yk)
        if kind != "binary":
            np.add.at(sums["sum_sq"], k, np.multiply(yk, yk, out=pk))
        if x is not None:
            np.subtract(x[part], values.x_shift, out=xk)
            np.add.at(sums["sum_x"], k, xk)
            np.add.at(sums["sum_xx"], k, np.multiply(xk, xk, out=pk))
            np.add.at(sums["sum_xy"], k, np.multiply(xk, yk, out=pk))
        if exp is not None:
            np.add.at(sums["exposure"], k, exp[part])
            if kind == "count":
                np.add.at(sums["sum_sq_per_exposure"], k, np.divide(np.multiply(yk, yk, out=pk), exp[part], out=pk))
    sums = {"n": count.astype(float)} | sums
    if kind == "binary":
        sums["sum_sq"] = sums["sum"]
    if exp is None:
        sums["exposure"] = sums["n"]
        if kind == "count":
            sums["sum_sq_per_exposure"] = sums["sum_sq"]
    cells = []
    for index in np.flatnonzero(count):
        cell_key = int(index)
        a, rest = divmod(cell_key, n_periods * n_cl)
        p, c = divmod(rest, n_cl)
        stats = Stats(**{name: float(v[cell_key]) for name, v in sums.items()})
        cells.append(Cell(a, None if periods is None else p, None if clusters is None else c, stats))
    return tuple(cells)


def _survival_dataset(table: pd.DataFrame, arms: np.ndarray, labels: list[str], control: str, time: str | None,
                      event: str | None) -> Dataset:
    if not time or not event:
        raise DataError("A time-to-event outcome needs a time column and an event column.")
    t = _number_column(table, time)
    _check(t, t < 0, time, "is not a valid time; times cannot be negative")
    e = _binary_column(table, event).astype(bool)
    survival = {label: (t[arms == i].copy(), e[arms == i].copy()) for i, label in enumerate(labels)}
    cells = tuple(
        Cell(i, None, None, Stats(n=float(len(survival[label][0])), sum=float(survival[label][1].sum())))
        for i, label in enumerate(labels)
    )
    return Dataset(kind="time-to-event", labels=tuple(labels), control=control, cells=cells,
                   row_count=len(table), survival=survival)
