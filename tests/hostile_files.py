"""Small hostile outcome-data files for the tests (issue 15): each is the shape of a real attack or accident.

``SEEDS`` maps a name to (filename, content); bench/hostile_uploads.py builds the full-size zip bomb and wide CSV.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(workbook: bytes, parts: dict[str, bytes], *, level: int = 6) -> bytes:
    """The workbook with some parts replaced (or added), deflated again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for name in source.namelist():
            target.writestr(name, parts.get(name, source.read(name)))
        for name, data in parts.items():
            if name not in source.namelist():
                target.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}"><sheetData>{body}'
            "</sheetData></worksheet>").encode()


def inline_rows(rows: list[list[str]]) -> str:
    return "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row) + "</row>"
                   for row in rows)


def zip_bomb(inflated_mb: int = 40) -> bytes:
    """A workbook whose sheet inflates to ``inflated_mb`` MB of identical rows (about 120 KB compressed at 40)."""
    base = xlsx_bytes([["group", "paid"], ["old", 1]])
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>old</t></is></c><c><v>1</v></c></row>'
    block = row * (1024 * 1024 // len(row))
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            if name != SHEET:
                target.writestr(name, source.read(name))
        with target.open(SHEET, "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet.write(b'<row><c t="inlineStr"><is><t>group</t></is></c><c t="inlineStr"><is><t>paid</t></is></c>'
                        b"</row>")
            for _ in range(inflated_mb):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>'
EXTERNAL_ENTITY = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def entity_xlsx(prolog: str, entity: str) -> bytes:
    rows = f'<row><c t="inlineStr"><is><t>group</t></is></c><c t="inlineStr"><is><t>{entity}</t></is></c></row>'
    return with_parts(xlsx_bytes([["x"]]), {SHEET: sheet_xml(rows, prolog)})


def wide_csv(columns: int, rows: int = 4) -> bytes:
    header = ",".join(["group", "paid"] + [f"q{i}" for i in range(columns - 2)])
    lines = [",".join(["old" if r % 2 else "new", str(r % 2)] + ["1"] * (columns - 2)) for r in range(rows)]
    return (header + "\n" + "\n".join(lines) + "\n").encode()


GOOD_CSV = b"group,paid\nold,1\nnew,0\nold,0\nnew,1\nold,1\nnew,1\n"

SEEDS: dict[str, tuple[str, bytes]] = {
    "good csv": ("data.csv", GOOD_CSV),
    "good xlsx": ("data.xlsx", xlsx_bytes([["group", "paid"], ["old", 1], ["new", 0], ["old", 0], ["new", 1]])),
    "zip bomb": ("data.xlsx", zip_bomb()),
    "billion laughs": ("data.xlsx", entity_xlsx(BILLION_LAUGHS, "&lol9;")),
    "external entity": ("data.xlsx", entity_xlsx(EXTERNAL_ENTITY, "&x;")),
    "xlsx renamed csv": ("data.csv", xlsx_bytes([["group", "paid"], ["old", 1]])),
    "csv renamed xlsx": ("data.xlsx", GOOD_CSV),
    "binary junk": ("data.csv", bytes(range(256)) * 8),
    "binary junk xlsx": ("data.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8),
    "nul byte": ("data.csv", b"group,paid\nold,1\nne\x00w,0\n"),
    "utf-16": ("data.csv", GOOD_CSV.decode().encode("utf-16")),
    "latin-1": ("data.csv", "group,paid\nold,1\ncaf\xe9,0\n".encode("latin-1")),
    "empty": ("data.csv", b""),
    "only a header": ("data.csv", b"group,paid\n"),
    "huge single field": ("data.csv", b"group,paid\n" + b"o" * 2_000_000 + b",1\nnew,0\n"),
    "ragged rows": ("data.csv", b"group,paid\nold,1,9\nnew\n"),
    "unclosed quote": ("data.csv", b'group,paid\n"old,1\nnew,0\n'),
    "wide csv": ("data.csv", wide_csv(1_200)),
    "extreme numbers": ("data.csv", b"group,paid\nold,1e308\nnew,-1e308\nold,1e308\nnew,-1e308\nold,-1e308\n"),
    "damaged shared string": ("data.xlsx", with_parts(xlsx_bytes([["x"]]), {SHEET: sheet_xml(
        '<row><c t="s"><v>99</v></c></row>')})),
}
