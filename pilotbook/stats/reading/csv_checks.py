"""Whether a CSV file is text Arrow can read (not a workbook, UTF-8 or UTF-16, no NUL), its heading row, and the
messages that name the line or row at fault."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pilotbook.stats.errors import DataError


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
        arrow_row = _row_from_arrow(message)
        where = f"Row {arrow_row} has" if arrow_row else "A row has"
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
