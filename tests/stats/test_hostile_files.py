"""Hostile and damaged files (issue 15): each is refused early with a message naming what is wrong, or read right."""

import datetime as dt
import time

import pytest

from pilotbook.stats.dataset import DataError, ReadLimits, build_dataset, column_facts, read_table
from pilotbook.stats.reading import xlsx
from tests.hostile_files import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    GOOD_CSV,
    SHEET,
    entity_xlsx,
    inline_rows,
    sheet_xml,
    wide_csv,
    with_parts,
    xlsx_bytes,
    zip_bomb,
)

WEB = ReadLimits(max_columns=1_000, max_rows=1_000_000, max_inflated_bytes=32 * 1024 * 1024)


def error_of(data: bytes, filename: str, limits: ReadLimits = WEB) -> str:
    with pytest.raises(DataError) as caught:
        read_table(data, filename=filename, limits=limits)
    return str(caught.value)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_inflated(monkeypatch):
    def inflate(*args, **kwargs):
        raise AssertionError("nothing may be inflated")

    monkeypatch.setattr(xlsx.Reader, "_parse", inflate)
    started = time.perf_counter()
    message = error_of(zip_bomb(40), "data.xlsx")
    assert time.perf_counter() - started < 1
    assert "expands to 40 MB when opened, more than the 32 MB Pilotbook reads" in message
    assert "Save the sheet as CSV" in message


def test_a_part_compressed_more_than_real_sheets_ever_are_is_refused_as_a_zip_bomb():
    message = error_of(zip_bomb(20), "data.xlsx")  # under the size limit, but deflated ~300 times
    assert "compressed 29" in message and "more than the 200 times a real spreadsheet reaches" in message


def test_the_bytes_actually_inflated_are_counted_and_capped_even_if_the_directory_understates_them(monkeypatch):
    monkeypatch.setattr(xlsx, "check_archive", lambda *args, **kwargs: None)  # a directory that lies
    message = error_of(zip_bomb(40), "data.xlsx")
    assert "expands to more than 32 MB when opened, the most Pilotbook reads" in message


@pytest.mark.parametrize(("prolog", "entity"), [(BILLION_LAUGHS, "&lol9;"), (EXTERNAL_ENTITY, "&x;")])
def test_entity_expansion_and_external_entities_are_refused_without_expanding_anything(prolog, entity):
    message = error_of(entity_xlsx(prolog, entity), "data.xlsx")
    assert message.startswith("The workbook contains a document type declaration (DTD)")


def test_a_dtd_in_the_shared_strings_is_refused_too():
    strings = f'<?xml version="1.0"?>{BILLION_LAUGHS}<sst xmlns="x"><si><t>&lol9;</t></si></sst>'.encode()
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            b'Target="/xl/worksheets/sheet1.xml" Id="rId1"/><Relationship Id="rId9" Target="sharedStrings.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>")
    workbook = with_parts(xlsx_bytes([["x"]]), {
        "xl/sharedStrings.xml": strings, "xl/_rels/workbook.xml.rels": rels,
        SHEET: sheet_xml('<row><c t="s"><v>0</v></c></row>')})
    assert "document type declaration" in error_of(workbook, "data.xlsx")


def test_an_xlsx_with_more_rows_than_the_limit_is_refused_naming_the_limit():
    rows = [["group", "paid"]] + [["old" if i % 2 else "new", i % 2] for i in range(30)]
    message = error_of(xlsx_bytes(rows), "data.xlsx", ReadLimits(max_rows=20))
    assert message.startswith("The file has more than 20 rows of data, the most Pilotbook reads from an upload.")
    assert len(read_table(xlsx_bytes(rows), filename="data.xlsx", limits=ReadLimits(max_rows=30))) == 30


def test_a_csv_with_more_rows_than_the_limit_is_refused_naming_the_limit():
    message = error_of(GOOD_CSV, "data.csv", ReadLimits(max_rows=5))
    assert message.startswith("The file has 6 rows of data, more than the 5 Pilotbook reads from an upload.")


@pytest.mark.parametrize("filename", ["data.csv", "data.xlsx"])
def test_a_file_with_more_columns_than_the_limit_is_refused_naming_both(filename):
    content = wide_csv(1_200) if filename == "data.csv" else xlsx_bytes(
        [["group", "paid"] + [f"q{i}" for i in range(1_198)], ["old", 1] + [1] * 1_198])
    message = error_of(content, filename)
    assert message.startswith("The file has 1,200 columns, more than the 1,000 Pilotbook reads.")


def test_reading_a_csv_of_twenty_thousand_columns_takes_linear_time():
    def cpu_seconds(columns: int) -> float:
        content = wide_csv(columns)
        started = time.process_time()
        table = read_table(content, filename="wide.csv", limits=ReadLimits(max_columns=columns))
        facts = column_facts(table)
        assert table.shape == (4, columns) and facts["group"] == {"groups": [["new", 2], ["old", 2]]}
        return time.process_time() - started

    # Dropping Arrow's columns one at a time made this quadratic: four times the columns took about sixteen times
    # the CPU. Linear, it takes about four times; the bound leaves room for noise, not for a square. (A ratio, not a
    # number of seconds, so the test means the same on a slower or a busier machine.)
    small, large = cpu_seconds(5_000), cpu_seconds(20_000)
    assert large < 8 * small, f"5,000 columns took {small:.1f} s of CPU, 20,000 took {large:.1f} s"


def test_an_xlsx_renamed_csv_says_so():
    message = error_of(xlsx_bytes([["group", "paid"], ["old", 1]]), "data.csv")
    assert message.startswith("The file is an Excel workbook (or another zip file) but its name ends .csv.")


def test_a_csv_renamed_xlsx_says_so():
    assert error_of(GOOD_CSV, "data.xlsx").startswith("The file is named .xlsx but holds text")


def test_a_nul_byte_names_its_line():
    assert error_of(b"group,paid\nold,1\nne\x00w,0\n", "data.csv").startswith(
        "Line 3 of the file contains a NUL character (byte 0), so the file is not plain text")


def test_utf16_text_with_a_byte_order_mark_is_read_as_the_same_data():
    utf16 = read_table(GOOD_CSV.decode().encode("utf-16"), filename="data.csv")
    plain = read_table(GOOD_CSV, filename="data.csv")
    assert list(utf16.columns) == ["group", "paid"] and list(utf16["group"]) == list(plain["group"])


def test_windows_western_european_text_names_the_line_and_the_character():
    message = error_of("group,paid\nold,1\ncaf\xe9,0\n".encode("latin-1"), "data.csv")
    assert message.startswith("Line 3 is not UTF-8 text (it has the byte 0xE9, which in Windows' Western European "
                              "encoding is 'é')")


def test_a_huge_single_field_gives_a_short_message():
    content = b"group,paid\nold," + b"9x" * 1_000_000 + b"\nnew,0\n"
    table = read_table(content, filename="data.csv")
    with pytest.raises(DataError) as caught:
        build_dataset(table, kind="binary", arm="group", control="old", outcome="paid")
    assert "Row 2, column 'paid': '9x9x" in str(caught.value) and len(str(caught.value)) < 200
    label = read_table(b"group,paid\n" + b"o" * 500 + b",1\nnew,0\n", filename="data.csv")
    assert column_facts(label)["group"] == {
        "problem": "Row 2, column 'group': the value is 500 characters long; a group, cluster or period name can be "
                   "at most 200 characters."}


def test_a_ragged_row_is_named():
    assert error_of(b"group,paid\nold,1\nnew,0,7\n", "data.csv").startswith(
        "Row 3 has 3 cells but the header row has 2; check that row for stray commas or quotes")


def test_a_heading_row_longer_than_the_old_64_kb_read_is_read_whole():
    table = read_table(wide_csv(15_000), filename="wide.csv", limits=ReadLimits(max_columns=15_000))
    assert table.shape[1] == 15_000


def test_xlsx_cells_read_as_openpyxl_reads_them():
    rows = [["group", "paid", "when", "score", "flag", "took"],
            ["old", 1, dt.datetime(2025, 1, 2), 1.5, True, dt.timedelta(hours=5)],
            ["new", "1", dt.date(2025, 2, 3), -3e5, False, None],
            [None] * 6,
            ["new", 0, None, None, None, None]]
    table = read_table(xlsx_bytes(rows + [[None] * 6] * 3), filename="data.xlsx")
    assert len(table) == 4  # blank rows at the end are dropped; the blank row before a filled one is kept
    assert list(table["group"]) == ["old", "new", None, "new"]
    assert list(table["paid"]) == [1, "1", None, 0]
    assert list(table["when"])[:2] == [dt.datetime(2025, 1, 2), dt.datetime(2025, 2, 3)]
    assert list(table["score"])[:2] == [1.5, -300000.0] and list(table["flag"])[:2] == [True, False]
    assert table["took"][0] == dt.timedelta(hours=5)
    only = read_table(xlsx_bytes(rows), filename="data.xlsx", columns=["paid"])
    assert list(only.columns) == ["paid"] and len(only) == 4


def test_inline_and_rich_text_strings_and_rows_without_references_are_read():
    body = inline_rows([["group", "paid"], ["old", "1"]]) + (
        '<row r="4"><c r="A4" t="inlineStr"><is><r><t>ne</t></r><r><t>w</t></r><rPh><t>x</t></rPh></is></c>'
        '<c r="B4"><v>0</v></c></row>')
    table = read_table(with_parts(xlsx_bytes([["x"]]), {SHEET: sheet_xml(body)}), filename="data.xlsx")
    assert list(table["group"]) == ["old", None, "new"] and list(table["paid"]) == ["1", None, 0]


@pytest.mark.parametrize(("body", "message"), [
    ('<row><c t="s"><v>99</v></c></row>', "refers to text that is not in the file"),
    ('<row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>', "Row 1 has no headings"),
    ('<row><c t="inlineStr"><is><t>a</t></is></c></row><row r="3"/><row r="2"><c><v>1</v></c></row>',
     "row 2 comes after row 3"),
    ("<row><c><v>1</v></c>", "is not valid XML"),
])
def test_a_damaged_sheet_is_a_message(body, message):
    workbook = with_parts(xlsx_bytes([["x"]]), {SHEET: sheet_xml(body)})
    assert message in error_of(workbook, "data.xlsx")
