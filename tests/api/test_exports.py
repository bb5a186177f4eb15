"""Exports of a browse or search as CSV, ODS, XLSX and JSON: what the viewer may see, formulas neutralised, in
files that tools read as they are (column names first, real date cells, typed text without a stray quote)."""

import csv
import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

import openpyxl
import pandas
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilotbook.api.exports import columns
from pilotbook.api.records import COLUMNS, FOR_READERS_ONLY, LICENCE_NAME, LICENCE_URL, READ_BACK_BY_NAME
from pilotbook.pilots.models import Pilot
from pilotbook.web.spreadsheets import neutralise, unneutralise

from .helpers import HOSTILE, every_kind, published

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODS_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
ODS_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def xlsx_sheet(response, name="Pilots"):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook[name].iter_rows())
    header = [c.value for c in rows[0]]
    return workbook, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def ods_root(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    return ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - our own output


def ods_text(cell) -> str:
    """A cell's text as an ODF reader shows it: each text:p a line, in which runs of white space in the text are one
    space and white space at either end goes; text:s is that many spaces and text:tab a tab (ODF 1.2, 6.1.2)."""

    def plain(text):
        return re.sub(r"[ \t\r\n]+", " ", text or "")

    lines = []
    for paragraph in cell.iter(f"{ODS_TEXT}p"):
        pieces = [plain(paragraph.text).lstrip()]
        for child in paragraph:
            if child.tag == f"{ODS_TEXT}s":
                pieces.append("\0" * int(child.get(f"{ODS_TEXT}c", "1")))
            elif child.tag == f"{ODS_TEXT}tab":
                pieces.append("\1")
            pieces.append(plain(child.tail))
        lines.append("".join(pieces).rstrip(" ").replace("\0", " ").replace("\1", "\t"))
    return "\n".join(lines)


def ods_sheets(response, *, elements=False):
    """Each sheet's rows of (value type, text), or with elements=True of the cell elements themselves."""
    sheets = {}
    for table in ods_root(response).iter(f"{ODS_TABLE}table"):
        rows = []
        for row in table.iter(f"{ODS_TABLE}table-row"):
            cells = list(row.iter(f"{ODS_TABLE}table-cell"))
            rows.append(cells if elements else [
                (cell.get(f"{ODS_OFFICE}value-type"), ods_text(cell) if len(cell) else None) for cell in cells])
        sheets[table.get(f"{ODS_TABLE}name")] = rows
    return sheets


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+44 1234", "'+44 1234"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("A letter", "A letter"), (-20, -20), (None, None), ("", ""),
    ("'=1", "''=1"), ("''", "'''"), ("'Tis", "'Tis"), ("'", "'"),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@given(st.text())
def test_unneutralise_gives_back_exactly_the_text_that_was_neutralised(text):
    assert unneutralise(neutralise(text)) == text


@pytest.fixture
def hostile(home_council, officer):
    return published(home_council, officer, title=HOSTILE, problem="-1+2 people pay late",
                     change="@import a new letter")


def test_csv_neutralises_formulas_and_carries_the_licence_beside_it(client, hostile):
    response = client.get("/export/pilots.csv?service_area=housing")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    [row] = csv_rows(response)
    assert row["title"] == "'" + HOSTILE
    assert row["problem"] == "'-1+2 people pay late" and row["change"] == "'@import a new letter"
    assert row["estimate"] == "-20" and row["verdict"] == "worked"  # numbers are not text, so not quoted


def test_the_csv_starts_with_the_column_names_so_pandas_reads_it_as_it_is(client, hostile):
    response = client.get("/export/pilots.csv")
    table = pandas.read_csv(io.BytesIO(response.content))
    assert list(table.columns) == [name for name, _ in COLUMNS]
    assert len(table) == 1 and table["title"][0] == "'" + HOSTILE and table["estimate"][0] == -20
    assert LICENCE_NAME.encode() not in response.content  # the licence is beside the data, not in a row of it


def test_the_csv_metadata_beside_it_gives_the_licence_and_every_columns_type(client, hostile):
    response = client.get("/export/pilots.csv?service_area=housing")
    link = next(part for part in response["Link"].split(", ") if 'rel="describedby"' in part)
    address = link[link.index("<") + 1:link.index(">")]
    assert address.endswith("/export/pilots.csv-metadata.json?service_area=housing")
    metadata = client.get(address)
    assert metadata.status_code == 200 and metadata["Content-Type"] == "application/csvm+json"
    data = metadata.json()
    assert data["@context"] == "http://www.w3.org/ns/csvw" and data["dc:license"] == {"@id": LICENCE_URL}
    assert data["url"].endswith("/export/pilots.csv?service_area=housing")
    types = {c["name"]: c["datatype"] for c in data["tableSchema"]["columns"]}
    assert list(types) == [name for name, _ in COLUMNS]
    assert types["start_date"] == "date" and types["published_at"] == "datetime" and types["estimate"] == "number"
    assert types["planned_sample"] == "integer" and types["is_demo"] == {"base": "boolean", "format": "True|False"}
    assert client.get("/export/evidence.csv-metadata.json").json()["url"].endswith("/export/evidence.csv")


def test_the_download_pages_say_the_licence_and_link_the_csv_description(client, hostile):
    for page in ("/pilots/", "/evidence/"):
        html = client.get(page).content.decode()
        assert f'href="{LICENCE_URL}">{LICENCE_NAME}</a>' in html, page
        assert ".csv-metadata.json?" in html, page


def test_xlsx_text_cells_are_text_without_a_stray_quote(client, hostile):
    response = client.get("/export/pilots.xlsx")
    assert response.status_code == 200
    workbook, [row] = xlsx_sheet(response)
    assert row["title"].value == HOSTILE and row["title"].data_type == "s"
    assert row["title"].quotePrefix  # Excel's mark: text even when edited, shown without a quote
    assert row["problem"].value == "-1+2 people pay late" and row["problem"].data_type == "s"
    assert row["estimate"].value == -20 and row["estimate"].data_type == "n"
    assert not any(cell.data_type == "f" for r in workbook["Pilots"].iter_rows() for cell in r)
    licence = {r[0].value: r[1].value for r in workbook["Licence"].iter_rows()}
    assert LICENCE_NAME in licence["Licence"] and "UTC" in licence["Times"]


def test_xlsx_dates_are_date_cells_and_date_times_are_in_utc(client, hostile):
    Pilot.objects.filter(pk=hostile.pk).update(
        start_date=dt.date(2026, 1, 5), end_date=dt.date(2026, 3, 31),
        published_at=dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=dt.UTC))  # 10:30:15 in London (BST)
    _, [row] = xlsx_sheet(client.get("/export/pilots.xlsx"))
    assert row["start_date"].is_date and row["start_date"].value == dt.datetime(2026, 1, 5)
    assert row["start_date"].number_format == "yyyy-mm-dd"
    assert row["end_date"].is_date and row["end_date"].value.date() == dt.date(2026, 3, 31)
    assert row["published_at"].is_date and row["published_at"].value == dt.datetime(2026, 7, 1, 9, 30, 15)
    assert row["published_at"].number_format == "yyyy-mm-dd h:mm:ss"


def test_ods_text_cells_are_typed_strings_without_a_stray_quote(client, hostile):
    response = client.get("/export/pilots.ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    sheets = ods_sheets(response)
    header, row = [text for _, text in sheets["Pilots"][0]], sheets["Pilots"][1]
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == ("string", HOSTILE)
    assert cells["change"] == ("string", "@import a new letter")
    assert cells["estimate"] == ("float", "-20")
    assert LICENCE_NAME in sheets["Licence"][0][1][1]


def test_ods_tables_declare_their_columns(client, hostile):
    root = ods_root(client.get("/export/pilots.ods"))
    for table in root.iter(f"{ODS_TABLE}table"):
        first = next(iter(table))
        assert first.tag == f"{ODS_TABLE}table-column"  # ODF requires the columns before the rows
        declared = sum(int(c.get(f"{ODS_TABLE}number-columns-repeated", "1"))
                       for c in table.iter(f"{ODS_TABLE}table-column"))
        widest = max(len(list(row.iter(f"{ODS_TABLE}table-cell"))) for row in table.iter(f"{ODS_TABLE}table-row"))
        assert declared == widest


def test_ods_dates_are_date_cells_with_a_date_style(client, hostile):
    Pilot.objects.filter(pk=hostile.pk).update(
        start_date=dt.date(2026, 1, 5), published_at=dt.datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=dt.UTC))
    response = client.get("/export/pilots.ods")
    sheets = ods_sheets(response, elements=True)
    header = [ods_text(cell) for cell in sheets["Pilots"][0]]
    cells = dict(zip(header, sheets["Pilots"][1], strict=True))
    start, published = cells["start_date"], cells["published_at"]
    assert start.get(f"{ODS_OFFICE}value-type") == "date" and start.get(f"{ODS_OFFICE}date-value") == "2026-01-05"
    assert published.get(f"{ODS_OFFICE}value-type") == "date"
    assert published.get(f"{ODS_OFFICE}date-value") == "2026-07-01T09:30:15"  # UTC, whole seconds
    styles = {s.get(f"{ODS_STYLE}name"): s.get(f"{ODS_STYLE}data-style-name")
              for s in ods_root(response).iter(f"{ODS_STYLE}style")}
    date_styles = {s.get(f"{ODS_STYLE}name") for s in ods_root(response).iter(f"{ODS_NUMBER}date-style")}
    assert styles[start.get(f"{ODS_TABLE}style-name")] in date_styles
    assert styles[published.get(f"{ODS_TABLE}style-name")] in date_styles


def test_ods_text_keeps_its_lines_tabs_and_spaces(client, home_council, officer):
    problem = "  Two lines:\nfirst\tsecond   with spaces "
    published(home_council, officer, problem=problem)
    sheets = ods_sheets(client.get("/export/pilots.ods"))
    header = [text for _, text in sheets["Pilots"][0]]
    assert dict(zip(header, sheets["Pilots"][1], strict=True))["problem"] == ("string", problem)


def test_every_column_knows_its_place_in_the_record():
    described = {column.name: column for column in columns()}
    assert described["council_code"].path == ("council", "code")
    assert described["estimate"].path == ("result", "estimate") and described["estimate"].kind == "number"
    assert described["published_at"].kind == "date-time" and described["start_date"].kind == "date"
    # Every column is a value of the record, or an import field computed from several (read back by its name), or
    # there only for people reading the file.
    computed = {c.name for c in columns() if c.path is None}
    assert computed == set(READ_BACK_BY_NAME) | FOR_READERS_ONLY
    assert described["council_codes"].kind == described["further_sources"].kind == "list"


def test_json_export_holds_schema_records_and_the_licence(client, hostile):
    data = client.get("/export/pilots.json").json()
    assert data["licence"]["name"] == LICENCE_NAME and data["schema"].endswith("/schema/pilot.json")
    assert data["count"] == 1 and data["pilots"][0]["title"] == HOSTILE  # JSON is data, not a spreadsheet


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_public_export_holds_only_public_pilots_and_withholds_names(fmt, client, home_council, officer):
    every_kind(home_council, officer)
    response = client.get(f"/export/pilots.{fmt}")
    if fmt == "csv":
        rows = csv_rows(response)
        titles = {r["title"] for r in rows}
        withheld = next(r for r in rows if r["title"] == "Withheld arrears letter")
        assert withheld["council_code"] == "" and withheld["council_withheld"] == "True"
    else:
        rows = response.json()["pilots"]
        titles = {r["title"] for r in rows}
    # Public pilots past draft, as on the pages: no draft, nothing shared with councils only.
    assert titles == {"Public arrears letter", "Withheld arrears letter", "Embargoed arrears letter",
                      "Running arrears letter"}
    assert b"Homeshire" in response.content  # the public pilot's council is named...
    # ...the withheld one is not: each other one names it twice (its council, and every council that ran it).
    assert response.content.count(b"Homeshire") == 3 * 2


def test_a_signed_in_export_follows_the_pages(client, home_council, officer, other_officer):
    every_kind(home_council, officer)
    client.force_login(other_officer)
    rows = {r["title"]: r for r in client.get("/export/pilots.json").json()["pilots"]}
    assert set(rows) == {"Public arrears letter", "Withheld arrears letter", "Councils-only arrears letter",
                         "Embargoed arrears letter", "Running arrears letter"}  # no draft of another council
    assert rows["Embargoed arrears letter"]["result"] is None
    assert rows["Withheld arrears letter"]["council"] is None
    client.force_login(officer)
    rows = {r["title"]: r for r in client.get("/export/pilots.json").json()["pilots"]}
    assert "Draft arrears letter" in rows and rows["Embargoed arrears letter"]["result"]["verdict"] == "worked"
    assert rows["Withheld arrears letter"]["council"]["code"] == "HOM"


def test_export_uses_the_browse_filters(client, home_council, officer):
    every_kind(home_council, officer)
    published(home_council, officer, title="Bin day texts", service_area="waste")
    rows = client.get("/export/pilots.json?service_area=waste").json()["pilots"]
    assert [r["title"] for r in rows] == ["Bin day texts"]
    # Filtering by council leaves out pilots whose council is withheld, so the name cannot be found out.
    titles = {r["title"] for r in client.get("/export/pilots.json?council=HOM").json()["pilots"]}
    assert titles == {"Public arrears letter", "Bin day texts", "Embargoed arrears letter", "Running arrears letter"}


def test_export_of_a_search_is_ranked_and_published_only(client, home_council, officer):
    every_kind(home_council, officer)
    published(home_council, officer, title="Bin day texts", service_area="waste",
              problem="Residents forget to put their bins out.", change="A text message the night before.")
    rows = client.get("/export/pilots.json?q=binmen+reminder+text").json()["pilots"]
    assert rows[0]["title"] == "Bin day texts"
    assert {r["title"] for r in rows} <= {"Bin day texts", "Public arrears letter", "Withheld arrears letter"}
    titles = {r["title"] for r in client.get("/export/pilots.json?q=arrears+letter").json()["pilots"]}
    assert titles == {"Public arrears letter", "Withheld arrears letter", "Bin day texts"}  # its lessons say arrears


def test_bad_parameters_are_refused(client, db):
    response = client.get("/export/pilots.csv?service_area=bins")
    assert response.status_code == 400 and b"service_area" in response.content
    assert client.get("/export/pilots.pdf").status_code == 404


def test_the_evidence_search_exports_what_its_page_lists_with_its_facets(client, home_council, officer):
    """The evidence page's download links carry its facets (verdict, year...) and hold released results only,
    even for the pilots' own council, whose browse export would include its drafts and embargoed results."""
    every_kind(home_council, officer)
    client.force_login(officer)
    page = client.get("/evidence/?verdict=worked").content.decode()
    assert 'href="/export/evidence.csv?verdict=worked"' in page
    rows = client.get("/export/evidence.json?verdict=worked").json()["pilots"]
    assert {r["title"] for r in rows} == {"Public arrears letter", "Withheld arrears letter",
                                          "Councils-only arrears letter"}
    assert client.get("/export/evidence.json?verdict=made_worse").json()["pilots"] == []
    year = int(rows[0]["published_at"][:4])
    assert len(client.get(f"/export/evidence.json?year={year}").json()["pilots"]) == 3
    assert client.get(f"/export/evidence.json?year={year - 1}").json()["pilots"] == []
    csv_body = csv_rows(client.get("/export/evidence.csv?q=arrears+letter"))
    assert {r["title"] for r in csv_body} == {r["title"] for r in rows}


def test_a_too_long_evidence_search_says_so_instead_of_listing_everything(client, home_council, officer):
    every_kind(home_council, officer)
    page = client.get("/evidence/", {"q": "bins " * 70}).content.decode()
    assert "govuk-error-summary" in page and "0 published pilots" in page
    assert "Search with at most 300 characters (this has 349): use the main words." in page
    words = "bins " * 50  # 249 characters: every search takes it, the API and the browse export too
    assert client.get("/api/pilots/", {"q": words}).status_code == 200
    assert client.get("/export/pilots.json", {"q": words}).status_code == 200
    assert client.get("/api/pilots/", {"q": "bins " * 70}).status_code == 400
    response = client.get("/export/evidence.csv", {"q": "bins " * 70})
    assert response.status_code == 400 and [e["parameter"] for e in response.json()["errors"]] == ["q"]
    assert client.get("/export/evidence.pdf").status_code == 404


@pytest.mark.parametrize(("page", "export"), [("/pilots/", "/export/pilots.csv"),
                                              ("/evidence/", "/export/evidence.csv")])
def test_a_pages_download_links_carry_only_its_filters_so_they_work(page, export, client, hostile):
    html = client.get(page, {"service_area": "housing", "utm_source": "newsletter", "page": "1"}).content.decode()
    link = re.search(rf'href="({re.escape(export)}[^"]*)"', html).group(1).replace("&amp;", "&")
    assert link == f"{export}?service_area=housing"
    assert client.get(link).status_code == 200
