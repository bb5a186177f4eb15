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
import posixpath
import zipfile
from collections.abc import Callable
from pyexpat import ExpatError, ParserCreate, XMLParserType
from typing import Any, BinaryIO, NoReturn

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


def _parser(start: Callable[..., None] | None = None, end: Callable[..., None] | None = None,
            text: Callable[..., None] | None = None) -> XMLParserType:
    """An expat parser that refuses document type declarations (and so every entity definition)."""
    parser = ParserCreate()

    def refuse(*_args: Any) -> NoReturn:
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

    def _parse(self, name: str, parser: XMLParserType, *, what: str) -> None:
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

        def start(tag: str, attrs: dict[str, str]) -> None:
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

        def start(tag: str, attrs: dict[str, str]) -> None:
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

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "rPh":
                state["skip"] += 1
            elif local == "t" and not state["skip"]:
                state["in_t"] = True
            elif local == "si":
                pieces.clear()

        def end(tag: str) -> None:
            local = _local(tag)
            if local == "rPh":
                state["skip"] -= 1
            elif local == "t":
                state["in_t"] = False
            elif local == "si":
                strings.append("".join(pieces).replace("x005F_", ""))  # as openpyxl does

        def text(data: str) -> None:
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

        def start(tag: str, attrs: dict[str, str]) -> None:
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

        def end(tag: str) -> None:
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
        head: bytes = source.read(8)
        return head
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



def _too_many_columns(found: int, limit: int) -> str:
    return (f"The file has {found:,} columns, more than the {limit:,} Pilotbook reads. Keep the columns the analysis "
            "needs (the group, the outcome and any baseline, cluster, period, time or event columns), remove the "
            "rest and upload it again.")

