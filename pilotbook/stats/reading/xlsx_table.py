"""The first worksheet of an XLSX file as a table of columns (the streaming reader is pilotbook.stats.reading.xlsx)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pilotbook.stats.errors import DataError
from pilotbook.stats.reading.table import (
    ReadLimits,
    _check_headers,
    _keep_headings,
)

if TYPE_CHECKING:
    import pandas as pd


def _read_xlsx(data: bytes | str, limits: ReadLimits, wanted: set[str] | None) -> pd.DataFrame:
    import pandas as pd

    from pilotbook.stats.reading import xlsx, xlsx_sheet  # openpyxl's rules load only for a workbook

    try:
        names, values, rows = xlsx_sheet.read_rows(
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
