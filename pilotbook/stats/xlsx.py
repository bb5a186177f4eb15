"""A streaming reader for the first worksheet of an XLSX file that may be hostile.

An XLSX file is a zip of XML parts. A few megabytes can inflate to gigabytes (a zip bomb), and XML can declare
entities that expand without bound or fetch other files. This reader:

- checks the zip's directory before inflating anything: how many parts, what they declare they inflate to in
  total, and each large part's compression ratio;
- counts the bytes actually inflated while streaming, across every part it reads, and stops at the limit
  (``zipfile`` also never inflates a part beyond its declared size);
- parses with expat directly and refuses any document type declaration, so no entity is ever defined or
  expanded and nothing outside the file is fetched;
- streams the sheet row by row into one list per column, refusing a sheet with more rows or headed columns
  than the limits as soon as it meets the first one too many.

Cell values follow openpyxl's read-only, values-only reading (which Pilotbook used before): shared and inline
strings as text, numbers as int or float, booleans, error codes such as ``#N/A`` as text, and numbers in a date
or time format as ``datetime`` or ``timedelta`` (openpyxl's own format rules and conversions are used for those).
A problem raises :class:`XlsxError`, whose message says what is wrong and how to fix it.
"""

from __future__ import annotations

import io
import math
import posixpath
import zipfile
from collections.abc import Callable
from pyexpat import ExpatError, ParserCreate
from typing import Any, BinaryIO

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_PARTS = 10_000
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts (styles, themes) may compress very well; they cannot bomb
CHUNK = 64 * 1024
MB = 1024 * 1024


class XlsxError(Exception):
    """The workbook cannot be read; the message says why and what to do."""


def _mb(n: int, limit: int | None = None) -> str:
    """Megabytes, with as many decimals as it takes to tell ``n`` from ``limit`` (32.02 MB is more than 32 MB)."""
    for places in (0, 1, 2, 3):
        if (n >= 10 * MB or places) and (limit is None or f"{n / MB:,.{places}f}" != f"{limit / MB:,.{places}f}"):
            return f"{n / MB:,.{places}f} MB"
    return f"{n:,} bytes"


class _Budget:
    """Bytes inflated so far, across every part read, against the limit."""

    def __init__(self, limit: int) -> None:
        self.limit, self.used = limit, 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise XlsxError(
                f"The workbook expands to more than {_mb(self.limit)} when opened, the most Pilotbook reads. "
                "Save the sheet as CSV (comma-separated) and upload that, or remove the sheets, columns and "
                "formatting the analysis does not need."
            )


def check_archive(archive: zipfile.ZipFile, *, max_inflated_bytes: int, max_ratio: float) -> None:
    """Refuse, before inflating anything, a zip whose directory declares too much."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise XlsxError(f"The workbook holds {len(infos):,} parts; a spreadsheet of data has a few dozen. "
                        "Save the sheet as CSV and upload that.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise XlsxError("The workbook is password-protected. Remove the password in Excel and upload it again.")
    declared = sum(info.file_size for info in infos)
    if declared > max_inflated_bytes:
        raise XlsxError(
            f"The workbook expands to {_mb(declared, max_inflated_bytes)} when opened, more than the "
            f"{_mb(max_inflated_bytes)} Pilotbook reads. Save the sheet as CSV (comma-separated) and upload that, "
            "or remove the sheets, columns and formatting the analysis does not need."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_ABOVE and ratio > max_ratio:
            raise XlsxError(
                f"Part '{info.filename[:80]}' of the workbook is compressed {ratio:,.0f} times, more than the "
                f"{max_ratio:,.0f} times a real spreadsheet reaches; the file looks built to "
                "exhaust the server (a zip bomb). Save the sheet as CSV and upload that."
            )


def _parser(start: Callable | None = None, end: Callable | None = None, text: Callable | None = None):
    """An expat parser that refuses document type declarations (and so every entity definition)."""
    parser = ParserCreate()

    def refuse(*_args: Any) -> None:
        raise XlsxError("The workbook contains a document type declaration (DTD), which real spreadsheets never "
                        "do; it may be an attempt to expand entities or read other files. Open it in Excel, save "
                        "it as a new .xlsx file and upload that.")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


_LOCAL: dict[str, str] = {}


def _local(name: str) -> str:
    """A tag or attribute name without its namespace prefix ('x:row' -> 'row'); cached, as tags repeat."""
    local = _LOCAL.get(name)
    if local is None:
        local = name.rpartition(":")[2]
        if len(_LOCAL) < 1000:
            _LOCAL[name] = local
    return local


class Reader:
    def __init__(self, source: bytes | str | BinaryIO, *, max_inflated_bytes: int, max_ratio: float) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise XlsxError(_not_a_workbook(source)) from None
        self.names = set(self.archive.namelist())
        check_archive(self.archive, max_inflated_bytes=max_inflated_bytes, max_ratio=max_ratio)
        self.budget = _Budget(max_inflated_bytes)

    def close(self) -> None:
        self.archive.close()

    def _parse(self, name: str, parser, *, what: str) -> None:
        """Stream one part through an expat parser, counting every byte inflated."""
        try:
            with self.archive.open(name) as part:
                while True:
                    chunk = part.read(CHUNK)
                    self.budget.take(len(chunk))
                    if not chunk:
                        break
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except ExpatError as error:
            raise XlsxError(f"The workbook is damaged: its {what} is not valid XML ({_expat_where(error)}). "
                            "Open it in Excel, save it again and upload it.") from None
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            raise XlsxError(f"The workbook is damaged: its {what} cannot be unpacked. Open it in Excel, save "
                            "it again and upload it.") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id -> (type, target path inside the zip) for a part's relationships."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return found

        def start(tag, attrs):
            if _local(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
                target = attrs["Target"]
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attrs["Id"]] = (attrs.get("Type", ""), posixpath.normpath(path))

        self._parse(rels, _parser(start), what="list of parts")
        return found

    def first_sheet(self) -> tuple[str, dict[str, tuple[str, str]], bool]:
        """The first worksheet's part name, the workbook's relationships and whether it uses the 1904 calendar."""
        package = self._relationships("")
        workbook = next((target for kind, target in package.values() if kind.endswith("/officeDocument")),
                        "xl/workbook.xml")
        if workbook not in self.names:
            raise XlsxError("The file is a zip archive but not an Excel workbook: it has no workbook inside. "
                            "Open it in Excel, save it as .xlsx and upload that.")
        sheet_ids: list[str] = []
        flags = {"1904": False}

        def start(tag, attrs):
            local = _local(tag)
            if local == "sheet":
                sheet_ids.append(next((v for k, v in attrs.items() if _local(k) == "id" and k != "sheetId"), ""))
            elif local == "workbookPr":
                flags["1904"] = attrs.get("date1904", "").lower() in ("1", "true")

        self._parse(workbook, _parser(start), what="workbook part")
        relationships = self._relationships(workbook)
        for sheet_id in sheet_ids:
            kind, target = relationships.get(sheet_id, ("", ""))
            if kind.endswith("/worksheet") and target in self.names:
                return target, relationships, flags["1904"]
        raise XlsxError("The workbook has no worksheet. Put the data on the first sheet and upload it again.")

    def shared_strings(self, relationships: dict[str, tuple[str, str]]) -> list[str]:
        part = next((t for kind, t in relationships.values() if kind.endswith("/sharedStrings")), None)
        strings: list[str] = []
        if part is None or part not in self.names:
            return strings
        state = {"skip": 0, "in_t": False}
        pieces: list[str] = []

        def start(tag, attrs):
            local = _local(tag)
            if local == "rPh":
                state["skip"] += 1
            elif local == "t" and not state["skip"]:
                state["in_t"] = True
            elif local == "si":
                pieces.clear()

        def end(tag):
            local = _local(tag)
            if local == "rPh":
                state["skip"] -= 1
            elif local == "t":
                state["in_t"] = False
            elif local == "si":
                strings.append("".join(pieces).replace("x005F_", ""))  # as openpyxl does

        def text(data):
            if state["in_t"]:
                pieces.append(data)

        self._parse(part, _parser(start, end, text), what="shared text")
        return strings

    def date_styles(self, relationships: dict[str, tuple[str, str]]) -> tuple[set[int], set[int]]:
        """The cell style indexes whose number format is a date or a duration (openpyxl's rules)."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        part = next((t for kind, t in relationships.values() if kind.endswith("/styles")), None)
        if part is None or part not in self.names:
            return set(), set()
        custom: dict[int, str] = {}
        style_formats: list[int] = []
        state = {"in_xfs": False}

        def start(tag, attrs):
            local = _local(tag)
            if local == "numFmt":
                number = attrs.get("numFmtId", "")
                if number.isdigit():
                    custom[int(number)] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["in_xfs"] = True
            elif local == "xf" and state["in_xfs"]:
                try:
                    style_formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    style_formats.append(0)

        def end(tag):
            if _local(tag) == "cellXfs":
                state["in_xfs"] = False

        self._parse(part, _parser(start, end), what="styles")
        dates, durations = set(), set()
        for index, format_id in enumerate(style_formats):
            code = custom.get(format_id, BUILTIN_FORMATS.get(format_id, "General"))
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations


def _expat_where(error: ExpatError) -> str:
    return f"line {error.lineno}, column {error.offset}"


def _not_a_workbook(source: Any) -> str:
    head = source[:8] if isinstance(source, bytes) else _head(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("The file is in the old Excel 97-2003 format (.xls), or is password-protected. In Excel choose "
                "Save As > 'Excel Workbook (.xlsx)', without a password, and upload that.")
    if head[:1] in (b"", None):
        return "The file is empty."
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
    if printable == len(head):
        return ("The file is named .xlsx but holds text, not an Excel workbook. If it is a CSV file, rename it to "
                "end .csv and upload it again; otherwise open it in Excel and save it as .xlsx.")
    return ("The file could not be read as an Excel workbook (.xlsx): it is not a workbook inside, or it is "
            "damaged. Open it in Excel, save it as .xlsx and upload it again.")


def _head(source: Any) -> bytes:
    try:
        if isinstance(source, str):
            with open(source, "rb") as handle:
                return handle.read(8)
        source.seek(0)
        return source.read(8)
    except (OSError, AttributeError):
        return b""


def _column_number(reference: str) -> int:
    """1 for 'A12', 28 for 'AB3'; 0 if the reference has no letters."""
    number = 0
    for ch in reference:
        code = ord(ch) - 64
        if 1 <= code <= 26:
            number = number * 26 + code
        elif 33 <= code <= 58:  # lower case
            number = number * 26 + code - 32
        else:
            break
    return number


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


def _read_sheet(reader, sheet, strings, dates, durations, mac_1904, *, max_rows, max_columns, check_headers,
                columns):
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

    def start(tag, attrs):
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

    def end(tag):
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

    def characters(data):
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


def _too_many_columns(found: int, limit: int) -> str:
    return (f"The file has {found:,} columns, more than the {limit:,} Pilotbook reads. Keep the columns the analysis "
            "needs (the group, the outcome and any baseline, cluster, period, time or event columns), remove the "
            "rest and upload it again.")


def _too_many_rows(limit: int, excel: bool) -> str:
    if excel:
        return f"The sheet has more than {limit:,} rows of data, more than Excel allows; the file is damaged."
    return (f"The file has more than {limit:,} rows of data, the most Pilotbook reads from an upload. Upload a "
            "smaller file, or analyse it with `pilotbook analyse` or your own software and enter the effect.")
