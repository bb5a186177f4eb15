"""The rows of an XLSX file's first worksheet, streamed into one list per column (the workbook's parts are read
by :class:`pilotbook.stats.reading.xlsx.Reader`, which guards against hostile files)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, BinaryIO

from pilotbook.stats.reading.xlsx import (
    EXCEL_MAX_COLUMNS,
    EXCEL_MAX_ROWS,
    Reader,
    XlsxError,
    _column_number,
    _local,
    _parser,
    _too_many_columns,
)


def read_rows(source: bytes | str | BinaryIO, *, max_inflated_bytes: int, max_ratio: float, max_rows: int | None,
              max_columns: int, check_headers: Callable[[list[Any]], list[str]],
              columns: set[str] | None = None) -> tuple[list[str], dict[str, list[Any]], int]:
    """The first sheet as (headings, one list of values per kept column, number of data rows).

    Row 1 holds the headings (checked by ``check_headers``); cells to the right of the last heading are ignored;
    ``columns``, if given, keeps only those columns (the others are still read past, not stored). Blank rows at the
    end of the sheet are dropped; blank rows before the last filled row are kept as rows of blanks (so the
    analysis names them). A data row past ``max_rows`` or a heading past ``max_columns`` stops the reading.
    """
    reader = Reader(source, max_inflated_bytes=max_inflated_bytes, max_ratio=max_ratio)
    try:
        sheet, relationships, mac_1904 = reader.first_sheet()
        strings = reader.shared_strings(relationships)
        dates, durations = reader.date_styles(relationships)
        return _read_sheet(reader, sheet, strings, dates, durations, mac_1904, max_rows=max_rows,
                           max_columns=max_columns, check_headers=check_headers, columns=columns)
    finally:
        reader.close()


_C, _V, _ROW, _IS, _T, _RPH, _OTHER = range(7)
_CODES = {"c": _C, "v": _V, "row": _ROW, "is": _IS, "t": _T, "rPh": _RPH}


def _read_sheet(reader: Reader, sheet: str, strings: list[str], dates: set[int], durations: set[int], mac_1904: bool,
                *, max_rows: int | None, max_columns: int, check_headers: Callable[[list[Any]], list[str]],
                columns: set[str] | None) -> tuple[list[str], dict[str, list[Any]], int]:
    """Stream the sheet: expat calls ``start``/``end``/``characters`` per element; the per-cell work is kept to a
    few local-variable operations (this loop is the reader's cost)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

    epoch = CALENDAR_MAC_1904 if mac_1904 else CALENDAR_WINDOWS_1900
    row_limit = min(max_rows if max_rows is not None else EXCEL_MAX_ROWS, EXCEL_MAX_ROWS)
    codes: dict[str, int] = {}
    names: list[str] = []
    keep: list[int] = []  # 1-based column numbers of the kept columns
    store: list[list[Any]] = []  # one list per kept column
    text: list[str] = []
    cells: dict[int, Any] = {}
    row = col = style = skip = filled = 0
    kind, ref = "n", ""
    width: int | None = None
    capture = in_is = False

    def code_of(tag: str) -> int:
        code = _CODES.get(_local(tag), _OTHER)
        if len(codes) < 1000:
            codes[tag] = code
        return code

    def cell_value(kind: str, raw: str, style: int) -> Any:
        if kind == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                raise XlsxError(f"The workbook is damaged: cell {ref or 'in row ' + str(row)} refers to text that "
                                "is not in the file. Open it in Excel, save it again and upload it.") from None
        if kind == "n":
            try:
                number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
            except ValueError:
                return raw  # not a number: kept as text, so the analysis names the cell if it uses it
            if number != number or number in (math.inf, -math.inf):
                return raw
            if style in dates:
                try:
                    return from_excel(number, epoch, timedelta=style in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return raw.strip() not in ("0", "")
        if kind == "d":
            try:
                return from_ISO8601(raw)
            except (ValueError, TypeError):
                return raw
        return raw  # "str" (a formula's text), "e" (an error such as #N/A), "inlineStr"

    def finish_header() -> None:
        nonlocal width
        last = max(cells, default=0)
        header = [cells.get(i) for i in range(1, last + 1)]
        while header and (header[-1] is None or (isinstance(header[-1], str) and not header[-1].strip())):
            header.pop()
        if len(header) > max_columns:
            raise XlsxError(_too_many_columns(len(header), max_columns))
        names.extend(check_headers(header))
        for position, name in enumerate(names, start=1):
            if columns is None or name in columns:
                keep.append(position)
                store.append([])
        width = len(names)

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, style, kind, ref, capture, in_is, skip
        code = codes.get(tag)
        if code is None:
            code = code_of(tag)
        if code == _C:
            ref = attrs.get("r", "")
            col = (_column_number(ref) or col + 1) if ref else col + 1
            kind = attrs.get("t", "n")
            number = attrs.get("s")
            style = int(number) if number and number.isdigit() else 0
            text.clear()
        elif code == _V:
            capture = True
            text.clear()
        elif code == _ROW:
            number = attrs.get("r")
            at = int(number) if number and number.isdigit() else row + 1
            if at <= row:
                raise XlsxError(f"The workbook is damaged: row {at} comes after row {row}. Open it in Excel, save "
                                "it again and upload it.")
            if width is None and at > 1:
                finish_header()  # row 1 is missing: no headings
            row, col = at, 0
            cells.clear()
        elif code == _IS:
            in_is = True
            text.clear()
        elif code == _RPH:
            skip += 1
        elif code == _T and in_is and not skip:
            capture = True

    def end(tag: str) -> None:
        nonlocal capture, in_is, skip
        code = codes.get(tag)
        if code is None:
            code = code_of(tag)
        if code in (_V, _T):
            capture = False
        elif code == _C:
            if col > EXCEL_MAX_COLUMNS:
                raise XlsxError(f"The workbook is damaged: a cell in row {row} is beyond Excel's last column. "
                                "Open it in Excel, save it again and upload it.")
            if text and (width is None or col <= width):
                cells[col] = cell_value(kind, "".join(text), style)
            text.clear()
        elif code == _ROW:
            end_row()
        elif code == _IS:
            in_is = False
        elif code == _RPH:
            skip -= 1

    def end_row() -> None:
        nonlocal filled
        if width is None:
            if row == 1:
                finish_header()
            return
        if not cells or all(_blank(v) for v in cells.values()):
            return  # a blank row counts only if a filled row follows it
        if row - 1 > row_limit:
            raise XlsxError(_too_many_rows(row_limit, max_rows is None))
        gap = row - 2 - filled
        get = cells.get
        for values, column in zip(store, keep, strict=True):
            if gap:
                values.extend([None] * gap)
            values.append(get(column))
        filled = row - 1

    def characters(data: str) -> None:
        if capture:
            text.append(data)

    reader._parse(sheet, _parser(start, end, characters), what="first sheet")
    if width is None:
        finish_header()
    for values in store:
        values.extend([None] * (filled - len(values)))
    return names, {names[column - 1]: values for values, column in zip(store, keep, strict=True)}, filled


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())



def _too_many_rows(limit: int, excel: bool) -> str:
    if excel:
        return f"The sheet has more than {limit:,} rows of data, more than Excel allows; the file is damaged."
    return (f"The file has more than {limit:,} rows of data, the most Pilotbook reads from an upload. Upload a "
            "smaller file, or analyse it with `pilotbook analyse` or your own software and enter the effect.")
