"""What every reading step shares: the limits, the checks on headings, and how a cell is shown in a message."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pilotbook.stats.errors import DataError

if TYPE_CHECKING:
    import pandas as pd


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



def _keep_headings(table: pd.DataFrame, headings: Sequence[str]) -> pd.DataFrame:
    """When only some columns were read, the table remembers all the headings, to name them if one is missing."""
    if len(headings) != len(table.columns):  # pandas copies attrs with every column taken: only when needed
        table.attrs["headings"] = tuple(headings)
    return table


def _too_many_rows(found: int, limit: int) -> str:
    return (f"The file has {found:,} rows of data, more than the {limit:,} Pilotbook reads from an upload. Upload "
            "a smaller file, or analyse it with `pilotbook analyse` or your own software and enter the effect.")


def _too_many_columns(found: int, limit: int) -> str:
    from pilotbook.stats.reading.xlsx import _too_many_columns as message

    return message(found, limit)


def _as_bytes_or_path(source: Any) -> bytes | str:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    if hasattr(source, "read"):
        content: bytes = source.read()
        return content
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



def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(value: Any, limit: int = 60) -> str:
    """A cell as a message shows it: long text is cut (a 9 MB cell must not become a 9 MB message)."""
    text = _cell_text(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"




def _code_type(distinct: int) -> type[np.signedinteger]:
    """The smallest integer type for codes 0 to ``distinct`` - 1 and -1 (blank), as pandas' categoricals use."""
    for dtype in (np.int8, np.int16, np.int32):
        if distinct < np.iinfo(dtype).max:
            return dtype
    return np.int64
