"""Other sites' pages may read the open data (CORS), but only what the public may see."""

import pytest

from .helpers import every_kind

OPEN_DATA = ["/api/", "/api/pilots/", "/api/councils/", "/api/openapi.json", "/api/nothing/", "/export/pilots.csv",
             "/export/pilots.csv-metadata.json", "/feeds/results/", "/schema/pilot.json", "/api/pilots/?colour=red"]
DASHBOARD = "https://dashboard.othercouncil.gov.uk"


@pytest.fixture
def kinds(home_council, officer):
    return every_kind(home_council, officer)


@pytest.mark.parametrize("address", OPEN_DATA)
def test_every_open_data_answer_may_be_read_by_any_site_without_credentials(address, client, kinds):
    response = client.get(address, HTTP_ORIGIN=DASHBOARD)
    assert response["Access-Control-Allow-Origin"] == "*", (address, response.status_code)
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]
    assert set(response["Access-Control-Expose-Headers"].split(", ")) == {"Content-Disposition", "Link"}


def test_a_preflight_is_answered_for_reading_only(client, db):
    response = client.options("/api/pilots/", HTTP_ORIGIN=DASHBOARD, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept")
    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Accept" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_pages_are_not_open_to_other_sites(client, db):
    for address in ("/", "/pilots/", "/evidence/"):
        assert "Access-Control-Allow-Origin" not in client.get(address, HTTP_ORIGIN=DASHBOARD)


def test_a_request_from_another_site_is_answered_as_for_the_public_whatever_its_cookies(client, kinds, officer):
    client.force_login(officer)  # the browser would send this session cookie with credentials: "include"
    own = {r["title"] for r in client.get("/api/pilots/").json()["results"]}
    assert "Draft arrears letter" in own
    from_elsewhere = client.get("/api/pilots/", HTTP_ORIGIN=DASHBOARD).json()["results"]
    public = {"Public arrears letter", "Withheld arrears letter", "Embargoed arrears letter", "Running arrears letter"}
    assert {r["title"] for r in from_elsewhere} == public
    assert all(r["council"] is None for r in from_elsewhere if r["title"] == "Withheld arrears letter")
    assert client.get(f"/api/pilots/{kinds['draft'].pk}/", HTTP_ORIGIN=DASHBOARD).status_code == 404
    exported = client.get("/export/pilots.json", HTTP_ORIGIN=DASHBOARD).json()["pilots"]
    assert {r["title"] for r in exported} == public
    # The site's own pages (same origin, as the configured address or the address used) keep the person's view.
    for origin in ("http://127.0.0.1:8000", "http://testserver"):
        titles = {r["title"] for r in client.get("/api/pilots/", HTTP_ORIGIN=origin).json()["results"]}
        assert titles == own, origin
