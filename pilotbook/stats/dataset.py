"""Outcome data for the evaluation engine, reduced to sufficient statistics.

An upload is personal data, so :func:`build_dataset` keeps only what the analyses need: for each cell
(group x period x cluster) the number of rows and the sums ``n``, ``Σy``, ``Σy²``, ``Σx``, ``Σx²``, ``Σxy``
(``x`` the baseline), the exposure and ``Σy²/exposure`` (for the Poisson dispersion). Individual rows are
never kept, except for time-to-event outcomes, where the Kaplan-Meier curve needs each (time, event) pair;
even then nothing else about the person is kept.

Continuous sums are taken about a shift (the column's mean), so that ``Σy² - (Σy)²/n`` does not lose
precision when the mean is large next to the spread; every statistic the engine reports is unchanged by it.

Every cell used is checked; a problem raises :class:`DataError` naming the spreadsheet row (the header is
row 1) and the column, so an officer can find and fix it.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

KINDS = ("binary", "continuous", "count", "time-to-event")
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "t"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f"})
JSON_VERSION = 1


class DataError(Exception):
    """A problem with the data that the person who supplied it can fix; the message says where and what."""


# --- sufficient statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Sums over a set of rows. ``y`` and ``x`` are shifted by the dataset's ``y_shift``/``x_shift``."""

    n: float = 0.0
    sum: float = 0.0
    sum_sq: float = 0.0
    sum_x: float = 0.0
    sum_xx: float = 0.0
    sum_xy: float = 0.0
    exposure: float = 0.0
    sum_sq_per_exposure: float = 0.0  # Σ y²/exposure, for counts only

    def __add__(self, other: Stats) -> Stats:
        return Stats(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[float, ...]:
        return (self.n, self.sum, self.sum_sq, self.sum_x, self.sum_xx, self.sum_xy, self.exposure,
                self.sum_sq_per_exposure)

    @property
    def variance(self) -> float:
        """Sample variance of y (n - 1 denominator); shift-free."""
        if self.n < 2:
            return math.nan
        return max(self.sum_sq - self.sum**2 / self.n, 0.0) / (self.n - 1)

    @property
    def variance_x(self) -> float:
        if self.n < 2:
            return math.nan
        return max(self.sum_xx - self.sum_x**2 / self.n, 0.0) / (self.n - 1)


@dataclass(frozen=True)
class Cell:
    arm: int
    period: int | None  # 0 before, 1 after
    cluster: int | None
    stats: Stats


@dataclass(frozen=True)
class Dataset:
    kind: str
    labels: tuple[str, ...]  # groups in order of first appearance
    control: str
    cells: tuple[Cell, ...] = ()
    periods: tuple[str, str] | None = None  # (before label, after label)
    clusters: tuple[str, ...] | None = None
    has_baseline: bool = False
    n_known: bool = True  # False for count summaries typed in without n
    y_shift: float = 0.0
    x_shift: float = 0.0
    row_count: int = 0
    from_summaries: bool = False
    survival: dict[str, tuple[np.ndarray, np.ndarray]] | None = field(default=None, compare=False)

    def arm_stats(self, arm: int | str, period: int | None = None) -> Stats:
        index = self.labels.index(arm) if isinstance(arm, str) else arm
        total = Stats()
        for cell in self.cells:
            if cell.arm == index and (period is None or cell.period == period):
                total = total + cell.stats
        return total

    def mean(self, stats: Stats) -> float:
        return self.y_shift + stats.sum / stats.n

    def mean_x(self, stats: Stats) -> float:
        return self.x_shift + stats.sum_x / stats.n

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only; :meth:`from_json` rebuilds an equal dataset."""
        return {
            "version": JSON_VERSION,
            "kind": self.kind,
            "labels": list(self.labels),
            "control": self.control,
            "periods": list(self.periods) if self.periods else None,
            "clusters": list(self.clusters) if self.clusters is not None else None,
            "has_baseline": self.has_baseline,
            "n_known": self.n_known,
            "y_shift": self.y_shift,
            "x_shift": self.x_shift,
            "row_count": self.row_count,
            "from_summaries": self.from_summaries,
            "cells": [[c.arm, c.period, c.cluster, *map(float, c.stats.as_tuple())] for c in self.cells],
            "survival": None if self.survival is None else {
                label: {"time": [float(t) for t in time], "event": [bool(e) for e in event]}
                for label, (time, event) in self.survival.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Dataset:
        if data.get("version") != JSON_VERSION:
            raise DataError("These stored figures come from an unknown version of Pilotbook.")
        survival = data.get("survival")
        return cls(
            kind=data["kind"],
            labels=tuple(data["labels"]),
            control=data["control"],
            periods=tuple(data["periods"]) if data.get("periods") else None,
            clusters=tuple(data["clusters"]) if data.get("clusters") is not None else None,
            has_baseline=data["has_baseline"],
            n_known=data["n_known"],
            y_shift=data["y_shift"],
            x_shift=data["x_shift"],
            row_count=data["row_count"],
            from_summaries=data.get("from_summaries", False),
            cells=tuple(Cell(c[0], c[1], c[2], Stats(*c[3:])) for c in data["cells"]),
            survival=None if survival is None else {
                label: (np.asarray(v["time"], dtype=float), np.asarray(v["event"], dtype=bool))
                for label, v in survival.items()
            },
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]


# --- reading files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file :func:`read_table` takes on; past any limit it refuses with a DataError that says so.

    The defaults suit ``pilotbook analyse`` on an analyst's own files (any number of CSV rows, Excel's 16,384
    columns); the web app passes tighter ones from its settings, so a worker stays fast and small.
    """

    max_columns: int = 16_384
    max_rows: int | None = None  # data rows, not counting the heading row; None: no limit (XLSX: Excel's)
    max_inflated_bytes: int = 1024 * 1024 * 1024  # XLSX: what all the parts of the zip may inflate to
    max_compression_ratio: float = 200.0  # XLSX: real sheets compress 5-50 times; zip bombs 300-1,000


MAX_HEADING_CHARS = 1_000
MAX_LABEL_CHARS = 200


def read_table(source: str | os.PathLike | bytes | BinaryIO, *, filename: str, limits: ReadLimits | None = None,
               columns: Sequence[str] | None = None, numbers: Sequence[str] = (),
               labels: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV or XLSX file (chosen by ``filename``'s extension) into a DataFrame of its cells.

    Text columns of a CSV come back as pandas categoricals (cheap for group labels over millions of rows).
    ``columns``, if given, keeps only the named columns (the headings are still all checked, and all of them are in
    the table's ``attrs["headings"]`` when some were left out); ``limits`` caps what is read.

    Hints, for speed on a CSV of millions of rows (guessing a column's type costs Arrow time and memory): ``numbers``
    names columns expected to hold numbers, read as numbers straight away; ``labels`` names columns expected to hold
    a few different values (groups, clusters, periods, yes/no outcomes), read as text and then typed as a guess from
    their different values alone. A hint that does not fit (a cell that is not a number, too many different values)
    is dropped and the column guessed as usual, so the cells read are the same with or without hints.

    Any problem with the file is a DataError saying what is wrong and how to fix it.
    """
    limits = limits or ReadLimits()
    extension = Path(filename).suffix.lower()
    if extension not in {".csv", ".xlsx"}:
        raise DataError(f"'{filename}' is not a CSV or XLSX file; save it as .csv or .xlsx and upload it again.")
    data = _as_bytes_or_path(source)
    if _is_empty(data):
        raise DataError("The file is empty.")
    wanted = None if columns is None else set(columns)
    if extension == ".csv":
        table = _read_csv(data, limits, wanted, set(numbers), set(labels) - set(numbers))
    else:
        table = _read_xlsx(data, limits, wanted)
    if limits.max_rows is not None and len(table) > limits.max_rows:
        raise DataError(_too_many_rows(len(table), limits.max_rows))
    if len(table) == 0:
        raise DataError("The file has a header row but no data rows.")
    return table


def _keep_headings(table: pd.DataFrame, headings: Sequence[str]) -> pd.DataFrame:
    """When only some columns were read, the table remembers all the headings, to name them if one is missing."""
    if len(headings) != len(table.columns):  # pandas copies attrs with every column taken: only when needed
        table.attrs["headings"] = tuple(headings)
    return table


def _too_many_rows(found: int, limit: int) -> str:
    return (f"The file has {found:,} rows of data, more than the {limit:,} Pilotbook reads from an upload. Upload "
            "a smaller file, or analyse it with `pilotbook analyse` or your own software and enter the effect.")


def _too_many_columns(found: int, limit: int) -> str:
    from .xlsx import _too_many_columns as message

    return message(found, limit)


def _as_bytes_or_path(source: Any) -> bytes | str:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    if hasattr(source, "read"):
        return source.read()
    raise DataError("The file could not be read.")


def _is_empty(data: bytes | str) -> bool:
    if isinstance(data, bytes):
        return not data.strip()
    try:
        if os.path.getsize(data) == 0:
            return True
        with open(data, "rb") as handle:
            return not handle.read(4096).strip()
    except OSError as error:
        raise DataError(f"The file could not be read ({error.strerror}).") from None


def _check_headers(headers: Sequence[Any]) -> list[str]:
    names = ["" if h is None else str(h).strip() for h in headers]
    while names and names[-1] == "":
        names.pop()  # trailing empty columns are common in spreadsheets
    if not names:
        raise DataError("Row 1 has no headings; put a heading for each column in row 1 and upload it again.")
    for number, name in enumerate(names, start=1):
        if name == "":
            raise DataError(f"Row 1, column {number} has no heading; every column needs a heading in row 1.")
        if len(name) > MAX_HEADING_CHARS:
            raise DataError(f"Row 1, column {number}: the heading is {len(name):,} characters long; a heading can "
                            f"be at most {MAX_HEADING_CHARS:,}. Shorten it and upload the file again.")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"Row 1: the heading '{_shown(name)}' is used for more than one column; headings must "
                            "differ.")
        seen.add(name)
    return names


# --- CSV -------------------------------------------------------------------------------------------------------


def _read_csv(data: bytes | str, limits: ReadLimits, wanted: set[str] | None, numbers: set[str],
              labels: set[str]) -> pd.DataFrame:
    """Parse the CSV with pyarrow, then keep one numpy array per column (text as integer codes)."""
    import pyarrow as pa

    data = _csv_bytes(data)
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")  # fast for ASCII; finds the line to name before Arrow reads anything
        except UnicodeDecodeError:
            raise DataError(_not_utf8(data)) from None
    header_line = _csv_header(data)
    if len(header_line) > limits.max_columns:
        raise DataError(_too_many_columns(len(header_line), limits.max_columns))
    names = _check_headers(header_line)
    if len(header_line) == 1:
        for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if separator in names[0]:
                raise DataError(f"The file's columns seem to be separated by {name}, not commas; save it as "
                                "'CSV (comma delimited)' or as XLSX and upload it again.")
    column_names = names + [f"_blank_{i}" for i in range(len(names), len(header_line))]
    include = names if wanted is None else [name for name in names if name in wanted]
    types: dict[str, Any] = {name: pa.float64() for name in include if name in numbers}
    types |= {name: pa.dictionary(pa.int32(), pa.string()) for name in include if name in labels}
    hinted = set(types)  # read without guessing; a hint that does not fit is dropped and the column guessed as usual
    for _ in range(2 * len(include) + 1):
        try:
            return _keep_headings(_parse_csv(data, column_names, include, types, hinted & labels), names)
        except _HintMisfit as misfit:
            hinted.discard(misfit.column)
            del types[misfit.column]
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            column = _unconvertible_column(str(error), column_names)
            if column in hinted:
                hinted.discard(column)
                del types[column]
                continue
            if column is None or column in types:
                raise DataError(_csv_problem(str(error), data, len(column_names))) from None
            types[column] = pa.string()  # a cell further down is not a number: read the column as text
    raise DataError("The file could not be read as CSV.")


def _csv_bytes(data: bytes | str) -> bytes | str:
    """The CSV as UTF-8 (a UTF-16 file with a byte order mark is converted), or a DataError for what is not text."""
    head = data[:8] if isinstance(data, bytes) else _head(data)[:8]
    if head.startswith(b"PK\x03\x04"):
        raise DataError("The file is an Excel workbook (or another zip file) but its name ends .csv. If it is a "
                        "workbook, rename it to end .xlsx, or save it from Excel as 'CSV UTF-8', and upload it again.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError("The file is an old-format Excel workbook (.xls) but its name ends .csv. In Excel choose "
                        "Save As > 'CSV UTF-8 (Comma delimited)' and upload that.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode Text" saves
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()
        try:
            data = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise DataError("The file says it is UTF-16 text but is not; in Excel choose Save As > 'CSV UTF-8' "
                            "and upload it again.") from None
    position = _find_nul(data)
    if position is not None:
        line = _line_of(data, position)
        raise DataError(f"Line {line:,} of the file contains a NUL character (byte 0), so the file is not plain "
                        "text: it may be UTF-16 without a byte order mark, a spreadsheet or a damaged file. In "
                        "Excel choose Save As > 'CSV UTF-8 (Comma delimited)' and upload that.")
    return data


def _find_nul(data: bytes | str) -> int | None:
    if isinstance(data, bytes):
        position = data.find(b"\x00")
        return None if position < 0 else position
    offset, chunk = 0, bytearray(1 << 24)  # one buffer, filled again and again: no fresh memory per block
    with open(data, "rb") as handle:
        while size := handle.readinto(chunk):
            position = chunk.find(b"\x00", 0, size)
            if position >= 0:
                return offset + position
            offset += size
    return None


def _line_of(data: bytes | str, position: int) -> int:
    if isinstance(data, bytes):
        return data.count(b"\n", 0, position) + 1
    with open(data, "rb") as handle:
        return handle.read(position).count(b"\n") + 1


def _csv_stream(data: bytes | str) -> io.TextIOWrapper:
    raw = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115 - closed by the wrapper
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _csv_header(data: bytes | str) -> list[str]:
    """Row 1, however long (a quoted heading may hold a line break)."""
    with _csv_stream(data) as stream:
        try:
            return next(csv.reader(stream), [])
        except csv.Error:
            raise DataError("Row 1 (the headings) could not be read as CSV: a heading is too long or a quote is "
                            "not closed. Check the first row and upload the file again.") from None


def _parse_csv(data: bytes | str, column_names: list[str], names: list[str], types: dict,
               labels: set[str]) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pacsv.read_csv(  # parsed in parallel blocks
        pa.BufferReader(data) if isinstance(data, bytes) else data,
        read_options=pacsv.ReadOptions(column_names=column_names, skip_rows=1, block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            include_columns=names, column_types=types, auto_dict_encode=True, auto_dict_max_cardinality=1 << 20,
            strings_can_be_null=True, quoted_strings_can_be_null=True,
        ),
    )
    rows = table.num_rows
    parsed = dict(zip(table.column_names, table.columns, strict=True))
    del table
    for name in labels:
        parsed[name] = _as_guessed(parsed[name], name)
    columns = {}
    for name in names:  # one column at a time, releasing Arrow's copy as we go (linear in the columns)
        words: dict[str, int] = {}
        chunks = [_batch_column(chunk, words) for chunk in parsed.pop(name).chunks]
        if words:  # text: codes in as few bytes as the labels allow, so the categorical takes them as they are
            values = np.concatenate(chunks, dtype=_code_type(len(words)), casting="unsafe")
        else:
            values = np.concatenate(chunks) if chunks else np.empty(0)
        del chunks
        columns[name] = pd.Categorical.from_codes(values, categories=list(words)) if words else values
    pa.default_memory_pool().release_unused()  # hand Arrow's parse buffers back before the sums need memory
    return pd.DataFrame(columns, index=pd.RangeIndex(rows), copy=False)


class _HintMisfit(Exception):
    """A hinted column is not what the hint said; read it again without the hint."""

    def __init__(self, column: str):
        super().__init__(column)
        self.column = column


MAX_GUESSED_LABELS = 1 << 16


def _as_guessed(column, name: str):
    """A column read as text labels, typed as Arrow guesses a column's type, from its different values alone.

    The values convert as they would have, had the whole column been guessed (Arrow guesses from values, not from
    how many times each appears): text stays text, codes 0/1 become integers, true/false booleans and so on. Too many
    different values, or none, and the hint does not fit (_HintMisfit).
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    distinct = list(dict.fromkeys(value for chunk in column.chunks for value in chunk.dictionary.to_pylist()))
    if not distinct or len(distinct) > MAX_GUESSED_LABELS:
        raise _HintMisfit(name)
    lines = io.StringIO()
    csv.writer(lines, lineterminator="\n").writerows([value] for value in distinct)
    guessed = pacsv.read_csv(
        pa.BufferReader(lines.getvalue().encode()),
        read_options=pacsv.ReadOptions(column_names=["value"]),
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=True),
    ).column(0).combine_chunks()
    if pa.types.is_string(guessed.type) or pa.types.is_large_string(guessed.type):
        return column  # text: the labels as read
    position = {value: i for i, value in enumerate(distinct)}
    chunks = [guessed.take(pa.array([position[v] for v in chunk.dictionary.to_pylist()], type=pa.int32()))
              .take(chunk.indices) for chunk in column.chunks]
    return pa.chunked_array(chunks, type=guessed.type)


def _batch_column(column, words: dict[str, int]) -> np.ndarray:
    """One block of one column as numpy: numbers as they are, text as codes into ``words`` (-1 when blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    values_type = kind.value_type if pa.types.is_dictionary(kind) else kind
    if pa.types.is_binary(values_type) or pa.types.is_large_binary(values_type):  # Arrow's name for non-UTF-8 text
        raise DataError(_csv_problem("invalid UTF8"))
    if pa.types.is_temporal(kind) or pa.types.is_null(kind) and words:
        column, kind = pc.cast(column, pa.string()), pa.string()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        column = pc.dictionary_encode(column)
        kind = column.type
    if pa.types.is_dictionary(kind):
        lookup = np.array([words.setdefault(v, len(words)) for v in column.dictionary.to_pylist()] + [-1],
                          dtype=np.int32)
        indices = pc.fill_null(column.indices, len(lookup) - 1).to_numpy(zero_copy_only=False)
        return lookup[indices]
    if pa.types.is_null(kind):
        return np.full(len(column), np.nan)
    if column.null_count:
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    return column.to_numpy(zero_copy_only=False)


def _unconvertible_column(message: str, column_names: list[str]) -> str | None:
    # Arrow says e.g. "In CSV column #2: Row #7: CSV conversion error to int64: invalid value 'yes please'".
    marker = "In CSV column #"
    if "conversion error" not in message or marker not in message:
        return None
    digits = "".join(ch for ch in message.split(marker, 1)[1][:8] if ch.isdigit())
    return column_names[int(digits)] if digits and int(digits) < len(column_names) else None


def _head(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(65536)


def _csv_problem(message: str, data: bytes | str | None = None, width: int = 0) -> str:
    if "UTF8" in message or "utf-8" in message.lower():
        return _not_utf8(data)
    if "Expected" in message and "columns" in message:
        found = _ragged_row(data, width) if data is not None and width else None
        if found:
            row, cells = found
            return (f"Row {row:,} has {cells:,} cell{'s' if cells != 1 else ''} but the header row has {width:,}; "
                    "check that row for stray commas or quotes (a quote that is not closed runs on into the "
                    "rows after it).")
        row = _row_from_arrow(message)
        where = f"Row {row} has" if row else "A row has"
        return f"{where} a different number of cells from the header row; check for stray commas or quotes."
    return "The file could not be read as CSV; save it as CSV (comma-separated) and upload it again."


def _not_utf8(data: bytes | str | None) -> str:
    fix = "in Excel choose Save As > 'CSV UTF-8 (Comma delimited)' and upload it again."
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = data[error.start]
            guess = bytes([byte]).decode("cp1252", errors="replace")
            return (f"Line {_line_of(data, error.start):,} is not UTF-8 text (it has the byte 0x{byte:02X}, which "
                    f"in Windows' Western European encoding is '{guess}'); {fix}")
    return f"The file is not UTF-8 text; {fix}"


def _ragged_row(data: bytes | str, width: int) -> tuple[int, int] | None:
    """The first row (1 is the header) whose number of cells differs from the header's, read as Python's csv does."""
    with _csv_stream(data) as stream:
        try:
            for number, record in enumerate(csv.reader(stream), start=1):
                if len(record) != width and record:
                    return number, len(record)
        except csv.Error:
            return None
    return None


def _row_from_arrow(message: str) -> int | None:
    # Arrow says e.g. "CSV parse error: Row #7: Expected 3 columns, got 4"; its row count includes the header.
    marker = "Row #"
    if marker not in message:
        return None
    digits = "".join(ch for ch in message.split(marker, 1)[1][:12] if ch.isdigit())
    return int(digits) if digits else None


# --- XLSX ------------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes | str, limits: ReadLimits, wanted: set[str] | None) -> pd.DataFrame:
    from . import xlsx

    try:
        names, values, rows = xlsx.read_rows(
            data, max_inflated_bytes=limits.max_inflated_bytes, max_ratio=limits.max_compression_ratio,
            max_rows=limits.max_rows, max_columns=limits.max_columns, check_headers=_check_headers, columns=wanted)
    except xlsx.XlsxError as error:
        raise DataError(str(error)) from None
    index = pd.RangeIndex(rows)
    columns = {}
    for name in [name for name in names if name in values]:
        column = _xlsx_column(values.pop(name))  # each list is let go once it is an array
        columns[name] = pd.Series(column, index=index, dtype=column.dtype, copy=False)  # no date inference
    return _keep_headings(pd.DataFrame(columns, index=index, copy=False), names)


_NUMBER_TYPES = frozenset({int, float, type(None)})


def _xlsx_column(values: list[Any]) -> np.ndarray:
    """A column of cell values: float64 if every cell is a number or blank (NaN), otherwise the values as they are."""
    if set(map(type, values)) <= _NUMBER_TYPES:
        try:
            return np.array(values, dtype=float)
        except OverflowError:  # an integer too large for a float: keep it as it is
            pass
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


# --- validating columns ------------------------------------------------------------------------------


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


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(value: Any, limit: int = 60) -> str:
    """A cell as a message shows it: long text is cut (a 9 MB cell must not become a 9 MB message)."""
    text = _cell_text(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _numbers(series: pd.Series, name: str, *, words: dict[str, float] | None = None, hint: str = "") -> np.ndarray:
    """The column as float64 (NaN where blank); a cell that is neither a number nor blank is a DataError."""
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float)
    if pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype):
        return series.to_numpy(dtype=float, na_value=np.nan)  # the table's own array when it is float64: not changed
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


def _code_type(distinct: int) -> type[np.signedinteger]:
    """The smallest integer type for codes 0 to ``distinct`` - 1 and -1 (blank), as pandas' categoricals use."""
    for dtype in (np.int8, np.int16, np.int32):
        if distinct < np.iinfo(dtype).max:
            return dtype
    return np.int64


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


# --- building datasets -------------------------------------------------------------------------------


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


def _list(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:12])
    return shown + (f" and {len(labels) - 12} more" if len(labels) > 12 else "")


def _periods(table: pd.DataFrame, period: str | None, before_label: str | None):
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


def _outcome_columns(table, kind, outcome, baseline, exposure):
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


def _check_nested(arms, clusters, labels, cluster_labels) -> None:
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


def _cells(arms, periods, clusters, values: _Values, kind, n_arms, n_clusters) -> tuple[Cell, ...]:
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
    for k in np.flatnonzero(count):
        a, rest = divmod(int(k), n_periods * n_cl)
        p, c = divmod(rest, n_cl)
        stats = Stats(**{name: float(v[k]) for name, v in sums.items()})
        cells.append(Cell(a, None if periods is None else p, None if clusters is None else c, stats))
    return tuple(cells)


def _survival_dataset(table, arms, labels, control, time, event) -> Dataset:
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


# --- figures typed in --------------------------------------------------------------------------------


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


def _summary_figures(kind: str, group: dict[str, Any], label: str) -> dict[str, float | None]:
    f: dict[str, float | None] = {"n": _figure(group, "n", label, required=kind != "count")}
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


def _summary_stats(kind: str, f: dict[str, float | None], shift: float) -> Stats:
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
