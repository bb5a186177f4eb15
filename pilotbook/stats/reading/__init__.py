"""Reading an uploaded CSV or XLSX file into a table of its cells (a pandas DataFrame), with a plain message for
every way a mistaken or hostile file can go wrong.

``table`` holds the limits and the checks every format shares; ``csv_checks`` what makes a file readable CSV text
and the messages when it is not; ``csv_table`` the parsing (pyarrow) into columns; ``xlsx`` and ``xlsx_sheet`` a
streaming reader for workbooks that may be hostile; ``xlsx_table`` its rows as columns.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pilotbook.stats.errors import DataError
from pilotbook.stats.reading.csv_table import _read_csv
from pilotbook.stats.reading.table import ReadLimits, _as_bytes_or_path, _is_empty, _too_many_rows
from pilotbook.stats.reading.xlsx_table import _read_xlsx

if TYPE_CHECKING:  # pandas is loaded when a table is built, so a caller can load it meanwhile (pilotbook analyse)
    import pandas as pd


def read_table(source: str | os.PathLike[str] | bytes | BinaryIO, *, filename: str, limits: ReadLimits | None = None,
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


__all__ = ["DataError", "ReadLimits", "read_table"]
