"""Exports of a browse or search as CSV, ODS, XLSX and JSON: what the viewer may see, formulas neutralised."""

import csv
import io
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest

from pilotbook.api.exports import neutralise
from pilotbook.api.records import LICENCE_NAME

from .helpers import HOSTILE, every_kind, published

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    licence, header, body = rows[0], rows[1], rows[2:]
    return licence, [dict(zip(header, row, strict=True)) for row in body]


def xlsx_sheet(response, name="Pilots"):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook[name].iter_rows())
    header = [c.value for c in rows[0]]
    return workbook, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def ods_sheets(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - our own output
    sheets = {}
    for table in root.iter(f"{ODS_TABLE}table"):
        rows = []
        for row in table.iter(f"{ODS_TABLE}table-row"):
            rows.append([(cell.get(f"{ODS_OFFICE}value-type"), cell.findtext(f"{ODS_TEXT}p"))
                         for cell in row.iter(f"{ODS_TABLE}table-cell")])
        sheets[table.get(f"{ODS_TABLE}name")] = rows
    return sheets


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+44 1234", "'+44 1234"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("A letter", "A letter"), (-20, -20), (None, None), ("", ""),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def hostile(home_council, officer):
    return published(home_council, officer, title=HOSTILE, problem="-1+2 people pay late",
                     change="@import a new letter")


def test_csv_neutralises_formulas_and_carries_the_licence(client, hostile):
    response = client.get("/export/pilots.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "license" in response["Link"]
    licence, [row] = csv_rows(response)
    assert LICENCE_NAME in licence[0]
    assert row["title"] == "'" + HOSTILE
    assert row["problem"] == "'-1+2 people pay late" and row["change"] == "'@import a new letter"
    assert row["estimate"] == "-20" and row["verdict"] == "worked"  # numbers are not text, so not quoted


def test_xlsx_cells_are_text_not_formulas(client, hostile):
    response = client.get("/export/pilots.xlsx")
    assert response.status_code == 200
    workbook, [row] = xlsx_sheet(response)
    assert row["title"].value == "'" + HOSTILE and row["title"].data_type == "s"
    assert row["problem"].value == "'-1+2 people pay late" and row["problem"].data_type == "s"
    assert row["estimate"].value == -20 and row["estimate"].data_type == "n"
    assert not any(cell.data_type == "f" for r in workbook["Pilots"].iter_rows() for cell in r)
    licence = {r[0].value: r[1].value for r in workbook["Licence"].iter_rows()}
    assert LICENCE_NAME in licence["Licence"]


def test_ods_cells_are_typed_strings_and_neutralised(client, hostile):
    response = client.get("/export/pilots.ods")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    sheets = ods_sheets(response)
    header, row = [text for _, text in sheets["Pilots"][0]], sheets["Pilots"][1]
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == ("string", "'" + HOSTILE)
    assert cells["change"] == ("string", "'@import a new letter")
    assert cells["estimate"] == ("float", "-20")
    assert LICENCE_NAME in sheets["Licence"][0][1][1]


def test_json_export_holds_schema_records_and_the_licence(client, hostile):
    data = client.get("/export/pilots.json").json()
    assert data["licence"]["name"] == LICENCE_NAME and data["schema"].endswith("/schema/pilot.json")
    assert data["count"] == 1 and data["pilots"][0]["title"] == HOSTILE  # JSON is data, not a spreadsheet


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_public_export_holds_only_public_pilots_and_withholds_names(fmt, client, home_council, officer):
    every_kind(home_council, officer)
    response = client.get(f"/export/pilots.{fmt}")
    if fmt == "csv":
        _, rows = csv_rows(response)
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
    _, csv_body = csv_rows(client.get("/export/evidence.csv?q=arrears+letter"))
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
    assert response.status_code == 400 and b"q:" in response.content
    assert client.get("/export/evidence.pdf").status_code == 404
