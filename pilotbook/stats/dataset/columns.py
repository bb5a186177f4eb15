"""Checking the columns an analysis uses: numbers, yes/no values, group labels; each problem names its row."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pilotbook.stats.dataset.sums import FALSE_WORDS, TRUE_WORDS
from pilotbook.stats.errors import DataError
from pilotbook.stats.reading.table import (
    MAX_LABEL_CHARS,
    _cell_text,
    _code_type,
    _shown,
)


def _column(table: pd.DataFrame, name: str) -> pd.Series:
    if name not in table.columns:
        columns = ", ".join(f"'{c}'" for c in table.attrs.get("headings", table.columns))
        raise DataError(f"There is no column '{name}' in the file (its columns are {columns}).")
    return table[name]


def _rows(indexes: np.ndarray) -> str:
    rows = [str(int(i) + 2) for i in indexes[:10]]
    more = len(indexes) - len(rows)
    if more:
        return ", ".join(rows) + f" and {more:,} more"
    return rows[0] if len(rows) == 1 else ", ".join(rows[:-1]) + " and " + rows[-1]




def _numbers(series: pd.Series, name: str, *, words: dict[str, float] | None = None, hint: str = "") -> np.ndarray:
    """The column as float64 (NaN where blank); a cell that is neither a number nor blank is a DataError."""
    values: np.ndarray
    if pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float)
        return values
    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)  # the table's own array when it is float64: unchanged
        return values
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories.to_numpy(dtype=object)
        converted = np.append(_convert_values(pd.Series(categories), words), np.nan)  # code -1 -> NaN
        blank = np.append(_blank(categories), True)
        codes = series.cat.codes.to_numpy()
        values = converted[codes]
        bad = np.flatnonzero(np.isnan(values) & ~blank[codes])
        if len(bad):
            i = bad[0]
            text = _shown(categories[codes[i]])
            raise DataError(f"Row {i + 2}, column '{name}': '{text}' is not a number{hint}.")
        return values
    raw = series.to_numpy(dtype=object)
    values = _convert_values(pd.Series(raw), words)
    bad = np.flatnonzero(np.isnan(values) & ~_blank(raw))
    if len(bad):
        i = bad[0]
        raise DataError(f"Row {i + 2}, column '{name}': '{_shown(raw[i])}' is not a number{hint}.")
    return values


def _blank(raw: np.ndarray) -> np.ndarray:
    return np.fromiter(
        (v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())
         or v is pd.NA or v is pd.NaT for v in raw),
        dtype=bool, count=len(raw),
    )


def _convert_values(values: pd.Series, words: dict[str, float] | None) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if value is None or value is pd.NA:
            continue
        if isinstance(value, (bool | np.bool_, int | float | np.integer | np.floating)):
            out[i] = float(value)
        elif isinstance(value, str):
            text = value.strip().replace(",", "") if words is None else value.strip()
            if words is not None and text.lower() in words:
                out[i] = words[text.lower()]
                continue
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                continue
            out[i] = number if math.isfinite(number) else np.nan
    return out


def _require_filled(values: np.ndarray, name: str) -> None:
    missing = np.flatnonzero(np.isnan(values))
    if len(missing):
        raise DataError(_blank_message(name, missing))


def _labels_of(series: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes (order of first appearance) and the labels as text; blanks are a DataError."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    texts = [_cell_text(u) for u in uniques]
    missing_mask = codes < 0
    blank_codes = [i for i, t in enumerate(texts) if t == ""]
    if blank_codes:
        missing_mask = missing_mask | np.isin(codes, blank_codes)
    missing = np.flatnonzero(missing_mask)
    if len(missing):
        raise DataError(_blank_message(name, missing))
    long = [i for i, t in enumerate(texts) if len(t) > MAX_LABEL_CHARS]
    if long:
        row = int(np.flatnonzero(np.isin(codes, long))[0])
        raise DataError(f"Row {row + 2}, column '{name}': the value is {len(texts[codes[row]]):,} characters long; a "
                        f"group, cluster or period name can be at most {MAX_LABEL_CHARS} characters.")
    order = pd.unique(codes)  # first appearance
    dtype = _code_type(len(texts))  # codes for millions of rows in as few bytes as the labels allow
    remap = np.zeros(len(texts), dtype=dtype)
    remap[order] = np.arange(len(order))
    labels = [texts[i] for i in order]
    if len(set(labels)) != len(labels):  # e.g. 1 and "1" in an XLSX column
        merged = {label: i for i, label in enumerate(dict.fromkeys(labels))}
        remap = np.array([merged[texts[i]] if i in set(order) else 0 for i in range(len(texts))], dtype=dtype)
        labels = list(merged)
    return remap[codes], labels




def _blank_message(name: str, missing: np.ndarray) -> str:
    if len(missing) == 1:
        return f"Column '{name}' is blank in row {_rows(missing)}; fill it in or remove that row."
    return f"Column '{name}' is blank in rows {_rows(missing)}; fill them in or remove those rows."


def _binary(values: np.ndarray, name: str) -> np.ndarray:
    bad = np.flatnonzero(~np.isnan(values) & (values != 0) & (values != 1))
    if len(bad):
        i = bad[0]
        raise DataError(
            f"Row {i + 2}, column '{name}': {_cell_text(float(values[i]))} is not 0 or 1; a yes/no outcome "
            "needs 1/0, yes/no or true/false."
        )
    return values


def _binary_column(table: pd.DataFrame, name: str) -> np.ndarray:
    words = dict.fromkeys(TRUE_WORDS, 1.0) | dict.fromkeys(FALSE_WORDS, 0.0)
    values = _numbers(_column(table, name), name, words=words, hint="; use 1/0, yes/no or true/false")
    _require_filled(values, name)
    return _binary(values, name)


def _number_column(table: pd.DataFrame, name: str) -> np.ndarray:
    values = _numbers(_column(table, name), name)
    _require_filled(values, name)
    return values


def _check(values: np.ndarray, bad: np.ndarray, name: str, what: str) -> None:
    rows = np.flatnonzero(bad)
    if len(rows):
        i = rows[0]
        raise DataError(f"Row {i + 2}, column '{name}': {_cell_text(float(values[i]))} {what}.")




def _list(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:12])
    return shown + (f" and {len(labels) - 12} more" if len(labels) > 12 else "")




def group_counts(table: pd.DataFrame, column: str) -> list[tuple[str, int]]:
    """The groups in ``column`` as build_dataset will label them, with their row counts (first appearance order).

    Lets a person choose the comparison group by the same label the analysis will use; blanks are a DataError.
    """
    if column not in table.columns:
        raise DataError(f"There is no column called '{column}'.")
    codes, labels = _labels_of(table[column], column)
    counts = np.bincount(codes, minlength=len(labels))
    return [(label, int(count)) for label, count in zip(labels, counts, strict=True)]


MAX_GROUPS = 50


def column_facts(table: pd.DataFrame, *, max_groups: int = MAX_GROUPS) -> dict[str, dict[str, Any]]:
    """What the pages after an upload need to know about each column, so they need not read the file again.

    For each column either ``{"groups": [[label, rows], ...]}`` (as :func:`group_counts` gives them, when it has at
    most ``max_groups`` different values), ``{"distinct": n}`` (more than that: it cannot be the group column) or
    ``{"problem": message}`` (for example blank cells). Linear in the cells: one hash of each column.
    """
    facts: dict[str, dict[str, Any]] = {}
    for name in table.columns:
        series = table[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            distinct = len(series.cat.categories)
        else:
            distinct = len(pd.unique(series.to_numpy()))
        if distinct > max_groups * 2:  # blanks and 1-and-"1" pairs can only bring the count down by half
            facts[name] = {"distinct": int(distinct)}
            continue
        try:
            groups = group_counts(table, name)
        except DataError as error:
            facts[name] = {"problem": str(error)}
            continue
        if len(groups) > max_groups:
            facts[name] = {"distinct": len(groups)}
        else:
            facts[name] = {"groups": [[label, count] for label, count in groups]}
    return facts
