"""Writing records as CSV, ODS, XLSX and JSON that tools read as they are, with formula injection neutralised.

- **CSV**: the first line names the columns, so `pandas.read_csv`, `pilotbook import` and every other CSV reader
  take it as it is; the licence travels beside it (the `Link: rel="license"` header, the CSV on the Web metadata
  at `<name>.csv-metadata.json` that a `Link: rel="describedby"` header points to, and the download page). A text
  cell a spreadsheet could run as a formula (OWASP "CSV injection") gets a leading single quote by the site's one
  guard, `pilotbook.web.spreadsheets.neutralise`, and `unneutralise` gives back exactly the text. Numbers stay
  numbers.
- **XLSX and ODS**: every cell is typed: text is a string cell, which a spreadsheet shows and never runs as a
  formula, so it needs no quote (in XLSX a text beginning with = also carries Excel's "quote prefix" flag, so
  editing the cell keeps it text); dates are date cells and date-times are date-time cells in UTC (Excel and ODS
  have no time zones; the "Licence" sheet says so).

Which cells are dates, numbers or yes/no comes from the column's place in the record (`columns()`) and the record's
JSON Schema, so a field added to `records.COLUMNS` is written with its right type without touching this module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pilotbook.web.spreadsheets import DANGEROUS_FIRST, neutralise

from .records import COLUMNS, LICENCE_LINE, LICENCE_NAME, LICENCE_URL, READ_BACK_BY_NAME
from .schema import pilot_schema

LIST_SEPARATOR = "; "  # a list in a record (several values of one field) in one spreadsheet cell
TIMES_NOTE = "Date-times are in UTC (Coordinated Universal Time); the JSON export gives each with its offset."


# Columns: where each comes from in the record, and so what kind of value it holds.

@dataclass(frozen=True)
class Column:
    name: str
    path: tuple[str, ...] | None  # the value's place in the record; None for a column computed from several
    kind: str  # "integer", "number", "boolean", "date", "date-time", "list" or "text"
    nullable: bool


_MARK = "\x00"


def _probe(schema: dict, path: tuple[str, ...] = ()):
    """A record shaped like the schema whose every value is a marker naming its own place in the record."""
    if "properties" in schema:
        return {name: _probe(part, (*path, name)) for name, part in schema["properties"].items()}
    marker = _MARK + "/".join(path)
    return [marker] if "array" in _types(schema) else marker


def _types(schema: dict) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _leaf(schema: dict, path: tuple[str, ...]) -> dict:
    for name in path:
        schema = schema["properties"][name]
    return schema


def _kind(schema: dict) -> str:
    types = _types(schema)
    if "array" in types:
        return "list"
    for kind in ("boolean", "integer", "number"):
        if kind in types:
            return kind
    return {"date": "date", "date-time": "date-time"}.get(schema.get("format"), "text")


@cache
def columns() -> tuple[Column, ...]:
    """Each of records.COLUMNS with its place in the record (found by reading a marked record through it)."""
    schema, probe = pilot_schema(), _probe(pilot_schema())
    found = []
    for name, value_of in COLUMNS:
        try:
            value = value_of(probe)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            value = None
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if isinstance(value, str) and value.startswith(_MARK):
            path = tuple(value[1:].split("/"))
            leaf = _leaf(schema, path)
            found.append(Column(name, path, _kind(leaf), "null" in _types(leaf)))
        else:  # computed from several values: read back by its own name if it is an import field (records.py)
            found.append(Column(name, None, READ_BACK_BY_NAME.get(name, "text"), True))
    return tuple(found)


def _flat(records: list[dict]) -> list[list]:
    """Each record as its row of values, in records.COLUMNS order (a list joined into one text)."""
    rows = []
    for record in records:
        row = []
        for _name, value_of in COLUMNS:
            value = value_of(record)
            row.append(LIST_SEPARATOR.join(str(v) for v in value) if isinstance(value, list | tuple) else value)
        rows.append(row)
    return rows


def _utc(value: str) -> dt.datetime:
    """A date-time in UTC to the second, without a zone (a spreadsheet has none and shows seconds at most)."""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _typed(value, column: Column):
    """A value as a spreadsheet cell holds it: dates and date-times as such (UTC, without a zone)."""
    if isinstance(value, str) and column.kind == "date":
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and column.kind == "date-time":
        return _utc(value)
    return value


def _about(source: str, generated: str) -> list[tuple[str, str]]:
    return [("Licence", LICENCE_LINE), ("Source", source), ("Generated", generated), ("Times", TIMES_NOTE)]


# CSV.

STREAM_ROWS = 200  # records written between the pieces of a streamed export


def csv_chunks(records: Iterable[dict]) -> Iterator[bytes]:
    """to_csv's bytes a few rows at a time (an export that streams holds one piece, not the file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow([name for name, _ in COLUMNS])
    for n, record in enumerate(records, start=1):
        writer.writerow(["" if v is None else neutralise(v) for v in _flat([record])[0]])
        if n % STREAM_ROWS == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def to_csv(records: list[dict], source: str, generated: str) -> bytes:
    """The headings, then one row per pilot (UTF-8 with a byte-order mark, so Excel reads it as UTF-8)."""
    return b"".join(csv_chunks(records))


_CSVW_DATATYPES = {"integer": "integer", "number": "number", "date": "date", "date-time": "datetime",
                   "text": "string", "list": "string", "boolean": {"base": "boolean", "format": "True|False"}}


def csv_metadata(csv_url: str, title: str) -> dict:
    """CSV on the Web (W3C) metadata describing an export: its licence, and each column's name and type."""
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": title,
        "dc:license": {"@id": LICENCE_URL},
        "dc:rights": LICENCE_LINE,
        "dc:description": (
            "One row per pilot; the first line names the columns. A text cell that begins with = + - @, a tab or a "
            "carriage return (or with a quote followed by one of those) carries one extra leading quote, so that "
            "spreadsheets do not run it as a formula: remove it to get the text. Several values in one cell are "
            f"separated by '{LIST_SEPARATOR}'. The JSON export holds the same records with their JSON Schema."),
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {"columns": [
            {"name": column.name, "titles": column.name, "datatype": _CSVW_DATATYPES[column.kind],
             **({"separator": LIST_SEPARATOR.strip()} if column.kind == "list" else {})}
            for column in columns()
        ]},
    }


# XLSX.

def _xlsx_cell(sheet, value, column: Column | None):
    value = _typed(value, column) if column else value
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # openpyxl would make text beginning with = a formula
        if value.startswith(DANGEROUS_FIRST):
            cell.quotePrefix = True  # Excel's own mark for "text, even if it looks like a formula"
        return cell
    return WriteOnlyCell(sheet, value=value)


def to_xlsx(records: list[dict], source: str, generated: str) -> bytes:
    """Sheet "Pilots": headings then rows; sheet "Licence": the licence, source, date and the time zone."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pilots")
    sheet.append([name for name, _ in COLUMNS])
    described = columns()
    for row in _flat(records):
        sheet.append([_xlsx_cell(sheet, value, column) for value, column in zip(row, described, strict=True)])
    about = workbook.create_sheet("Licence")
    for key, value in _about(source, generated):
        about.append([key, _xlsx_cell(about, value, None)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ODS.

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
)
# Dates shown as 2026-01-31 and date-times as 2026-01-31 14:05:00, whatever the reader's locale.
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="Ndate"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
    '<number:date-style style:name="Ndatetime"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    '<number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/>'
    "</number:date-style>"
    '<style:style style:name="date" style:family="table-cell" style:data-style-name="Ndate"/>'
    '<style:style style:name="datetime" style:family="table-cell" style:data-style-name="Ndatetime"/>'
    "</office:automatic-styles>"
)
def _ods_paragraph(line: str) -> str:
    """One line of text as text:p, keeping tabs and runs of spaces (which ODF readers would otherwise collapse)."""
    pieces = re.split(r"( +|\t)", line)
    filled = [n for n, piece in enumerate(pieces) if piece]
    first, last = (filled[0], filled[-1]) if filled else (0, 0)
    out = []
    for n, piece in enumerate(pieces):
        if piece == "\t":
            out.append("<text:tab/>")
        elif piece.startswith(" "):
            interior = first < n < last
            out.append(" " if piece == " " and interior else f'<text:s text:c="{len(piece)}"/>')
        else:
            out.append(escape(piece))
    return "<text:p>" + "".join(out) + "</text:p>"


def _ods_cell(value, column: Column | None) -> str:
    value = _typed(value, column) if column else value
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                f"<text:p>{'TRUE' if value else 'FALSE'}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value={quoteattr(repr(value))}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, dt.datetime):
        return (f'<table:table-cell table:style-name="datetime" office:value-type="date" '
                f'office:date-value="{value.isoformat(timespec="seconds")}">'
                f'<text:p>{value.isoformat(sep=" ", timespec="seconds")}</text:p></table:table-cell>')
    if isinstance(value, dt.date):
        return (f'<table:table-cell table:style-name="date" office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value.isoformat()}</text:p></table:table-cell>')
    # Text is a string cell: shown as it is and never run as a formula, so it needs no leading quote.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = "".join(_ods_paragraph(line) for line in text.split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def _ods_table(name: str, headings: list[str], rows: list[list], described) -> str:
    """A sheet: its column definitions (ODF requires them), the headings, then the rows."""
    body = "".join("<table:table-row>" + "".join(_ods_cell(v, c) for v, c in zip(row, described, strict=True))
                   + "</table:table-row>" for row in rows)
    head = ("<table:table-row>" + "".join(_ods_cell(h, None) for h in headings) + "</table:table-row>"
            if headings else "")
    width = f'<table:table-column table:number-columns-repeated="{len(described)}"/>'
    return f"<table:table table:name={quoteattr(name)}>{width}{head}{body}</table:table>"


def to_ods(records: list[dict], source: str, generated: str) -> bytes:
    """An OpenDocument spreadsheet (ISO/IEC 26300) written directly: the same two sheets as the XLSX."""
    pilots = _ods_table("Pilots", [name for name, _ in COLUMNS], _flat(records), columns())
    about = _ods_table("Licence", [], [list(pair) for pair in _about(source, generated)], (None, None))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {_ODS_NS} office:version="1.2">{_ODS_STYLES}<office:body><office:spreadsheet>'
        f"{pilots}{about}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # The mimetype comes first and uncompressed, so tools can recognise the file by its first bytes.
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def json_chunks(records: Iterable[dict], count: int, source: str, generated: str, schema_url: str
                ) -> Iterator[bytes]:
    """to_json's bytes a few records at a time; `count` is how many `records` holds (it comes first)."""
    document = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "source": source,
        "generated": generated,
        "schema": schema_url,
        "count": count,
        "pilots": [],
    }
    head = json.dumps(document, ensure_ascii=False, indent=1)
    piece = [head[:head.rindex("[]") + 1]]  # up to the list's "[": the records follow, as indent=1 lays them out
    n = 0
    for n, record in enumerate(records, start=1):
        piece.append(("," if n > 1 else "") + "\n  "
                     + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n  "))
        if n % STREAM_ROWS == 0:
            yield "".join(piece).encode("utf-8")
            piece = []
    piece.append(("\n ]" if n else "]") + "\n}")
    yield "".join(piece).encode("utf-8")


def to_json(records: list[dict], source: str, generated: str, schema_url: str) -> bytes:
    return b"".join(json_chunks(records, len(records), source, generated, schema_url))


FORMATS = {
    "csv": ("text/csv; charset=utf-8; header=present", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", to_ods),
}
