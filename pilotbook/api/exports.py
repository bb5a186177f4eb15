"""Writing records as CSV, ODS, XLSX and JSON, with spreadsheet formula injection neutralised.

A text cell that begins with = + - @, a tab or a carriage return could be run as a formula by a spreadsheet
(OWASP "CSV injection"), so it is written with a leading single quote. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .records import COLUMNS, LICENCE_LINE, LICENCE_NAME, LICENCE_URL, flat_row

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def _cells(records: list[dict]) -> list[list]:
    return [[neutralise(v) for v in flat_row(record)] for record in records]


def _about(source: str, generated: str) -> list[tuple[str, str]]:
    return [("Licence", LICENCE_LINE), ("Source", source), ("Generated", generated)]


def to_csv(records: list[dict], source: str, generated: str) -> bytes:
    """First line: the licence; second line: the headings; then one row per pilot (UTF-8 with BOM for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(f"{LICENCE_LINE} Source: {source} (generated {generated})")])
    writer.writerow([name for name, _ in COLUMNS])
    for row in _cells(records):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(records: list[dict], source: str, generated: str) -> bytes:
    """Sheet "Pilots": headings then rows; sheet "Licence": the licence, source and date."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pilots")
    sheet.append([name for name, _ in COLUMNS])
    for row in _cells(records):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    about = workbook.create_sheet("Licence")
    for key, value in _about(source, generated):
        about.append([key, neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                f"<text:p>{'TRUE' if value else 'FALSE'}</text:p></table:table-cell>")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value={quoteattr(repr(value))}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'


def _ods_table(name: str, rows: list[list]) -> str:
    body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    return f"<table:table table:name={quoteattr(name)}>{body}</table:table>"


def to_ods(records: list[dict], source: str, generated: str) -> bytes:
    """An OpenDocument spreadsheet (ISO/IEC 26300) written directly: the same two sheets as the XLSX."""
    pilots = [[name for name, _ in COLUMNS], *_cells(records)]
    about = [[key, neutralise(value)] for key, value in _about(source, generated)]
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {_ODS_NS} office:version="1.2"><office:body><office:spreadsheet>'
        f"{_ods_table('Pilots', pilots)}{_ods_table('Licence', about)}"
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


def to_json(records: list[dict], source: str, generated: str, schema_url: str) -> bytes:
    document = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "source": source,
        "generated": generated,
        "schema": schema_url,
        "count": len(records),
        "pilots": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", to_ods),
}
