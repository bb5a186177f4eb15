"""Warnings when a partner's location is outside its council's area, or a partner has no location to map: on the
partner form and page, on every import and on the map page (pilotbook/partners/placement.py). Warnings never
stop a record being written. Wealden (WEA) has an outline; the suite's Homeshire (HOM) has none."""

import csv
import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotbook.councils.models import Role
from pilotbook.partners import placement
from pilotbook.partners.models import Location, Partner
from tests.factories import CouncilFactory, member

from .conftest import DATA, make_partner, sector

EDINBURGH = (55.9533, -3.1883)
UCKFIELD = (50.9701, 0.0982)
OUTSIDE = "outside Wealden&#x27;s area"


@pytest.fixture
def wealden(db):
    return CouncilFactory(code="WEA", name="Wealden", official_name="Wealden District Council")


@pytest.fixture
def wealden_client(client, wealden):
    client.force_login(member(wealden, Role.OFFICER, email="officer@wealden.example"))
    return client


def _form(name, lat, lon, **extra):
    return {"name": name, "sector": sector("pharmacies").pk, "latitude": str(lat), "longitude": str(lon),
            "frequency": "weekly", **extra}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The partner form and page ----------------------------------------------------------------------------------

def test_a_partner_added_at_edinburgh_for_wealden_is_saved_with_a_warning_saying_how_to_fix_it(wealden_client):
    response = wealden_client.post(reverse("partner-create", args=["WEA"]), _form("Misplaced Pharmacy", *EDINBURGH))
    partner = Partner.objects.get(name="Misplaced Pharmacy")  # saved: a warning, not a refusal
    assert response.status_code == 302
    assert ("Latitude 55.9533, longitude -3.1883 is outside Wealden's area. Check the latitude and longitude: are "
            "they swapped, or mistyped, or is this another council's partner?") in _messages(response)
    page = wealden_client.get(partner.get_absolute_url()).content.decode()
    assert OUTSIDE in page and reverse("partner-edit", args=["WEA", partner.pk]) in page


def test_a_partner_added_in_wealden_has_no_warning(wealden_client):
    response = wealden_client.post(reverse("partner-create", args=["WEA"]), _form("Uckfield Pharmacy", *UCKFIELD))
    assert _messages(response) == ["Uckfield Pharmacy added to the partner map."]
    partner = Partner.objects.get()
    assert "outside" not in wealden_client.get(partner.get_absolute_url()).content.decode()


def test_changing_a_partner_to_a_location_outside_warns_and_the_form_shows_the_warning_until_it_is_fixed(
        wealden_client, wealden):
    partner = make_partner(wealden, lat=UCKFIELD[0], lon=UCKFIELD[1])
    edit = reverse("partner-edit", args=["WEA", partner.pk])
    assert "govuk-warning-text" not in wealden_client.get(edit).content.decode()
    response = wealden_client.post(edit, _form(partner.name, *EDINBURGH))
    assert any("outside Wealden's area" in m for m in _messages(response))
    form = wealden_client.get(edit).content.decode()
    assert "govuk-warning-text" in form and OUTSIDE in form
    wealden_client.post(edit, _form(partner.name, *UCKFIELD))
    assert "govuk-warning-text" not in wealden_client.get(edit).content.decode()


def test_swapped_coordinates_in_the_uk_range_are_caught_as_outside_the_area(wealden):
    # 0.26, 50.86 is refused by the form's range check; 52.9, -1.5 (a Derby location given to Wealden) is not.
    assert placement.location_warning(wealden, 52.9225, -1.4746).startswith("Latitude 52.9225, longitude -1.4746")
    assert placement.location_warning(wealden, *UCKFIELD) == ""


def test_a_council_with_no_outline_is_told_the_check_could_not_be_made(client, officer, home_council):
    client.force_login(officer)
    response = client.post(reverse("partner-create", args=["HOM"]), _form("Somewhere Pharmacy", *EDINBURGH))
    assert ("Pilotbook has no boundary for Homeshire, so it could not check that the location is in its area."
            in _messages(response))
    assert placement.outside_area(home_council, [EDINBURGH]) is None


# Imports ----------------------------------------------------------------------------------------------------

def _oruk(lat, lon):
    document = json.loads((DATA / "open_referral.json").read_text())
    document[0]["locations"][0].update(latitude=lat, longitude=lon)
    return "partners.json", json.dumps(document)


def _geojson(lat, lon):
    document = json.loads((DATA / "overpass_turbo.geojson").read_text())
    document["features"][0]["geometry"]["coordinates"] = [lon, lat]
    return "places.geojson", json.dumps(document)


def _overpass(lat, lon):
    document = json.loads((DATA / "overpass.json").read_text())
    document["elements"][0].update(lat=lat, lon=lon)
    return "overpass.json", json.dumps(document)


def _csv(lat, lon):
    rows = list(csv.reader(io.StringIO((DATA / "partners.csv").read_text())))
    rows[4][10:12] = [str(lat), str(lon)]  # line 5: Southern Homes
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "partners.csv", out.getvalue()


FORMATS = {  # the file, and how the import result names the record at the Edinburgh coordinates
    "Open Referral UK": (_oruk, "organization 1 (Uckfield Community Pharmacy)"),
    "OpenStreetMap GeoJSON": (_geojson, "node/1001 (Boots)"),
    "Overpass JSON": (_overpass, "node/1001 (Boots)"),
    "CSV": (_csv, "line 5 (Southern Homes)"),
}


def _import(client, make, lat, lon):
    name, body = make(lat, lon)
    return client.post(reverse("partner-import", args=["WEA"]), {"file": SimpleUploadedFile(name, body.encode())})


@pytest.mark.parametrize("kind", FORMATS)
def test_every_import_path_names_a_row_at_edinburgh_as_outside_wealden_and_imports_it_anyway(wealden_client, kind):
    make, label = FORMATS[kind]
    response = _import(wealden_client, make, *EDINBURGH)
    page = response.context["report"]
    assert page.ok and page.created >= 1
    outside = [w for w in page.warnings if "outside Wealden's area" in w.message]
    assert [w.label for w in outside] == [label]
    assert "latitude 55.9533, longitude -3.1883" in outside[0].message
    html = response.content.decode()
    assert "Imported, but check these" in html and label.replace("(", "").split()[0] in html and OUTSIDE in html


@pytest.mark.parametrize("kind", FORMATS)
def test_every_import_path_gives_no_warning_for_wealden_coordinates(wealden_client, kind):
    make, _label = FORMATS[kind]
    response = _import(wealden_client, make, *UCKFIELD)
    report = response.context["report"]
    assert report.ok and report.warnings == [] and report.area_checked
    assert "Imported, but check these" not in response.content.decode()


def test_a_csv_row_with_no_coordinates_is_imported_and_said_to_be_off_the_map(wealden_client):
    name, body = _csv(*UCKFIELD)
    body += "GB-CHC-1111111,Mobile Library,Libraries,A library van,,,,,,,,,older people,weekly,no,no,,,\n"
    response = wealden_client.post(reverse("partner-import", args=["WEA"]),
                                   {"file": SimpleUploadedFile(name, body.encode())})
    report = response.context["report"]
    assert [(w.label, w.message) for w in report.warnings] == [
        ("line 6 (Mobile Library)", "it has no latitude and longitude, so it is not on the map: add them to show it "
                                    "there")]
    assert Partner.objects.filter(name="Mobile Library").exists()


def test_reimporting_a_partner_without_coordinates_keeps_its_location_and_does_not_warn(wealden_client, wealden):
    _import(wealden_client, _csv, *UCKFIELD)
    body = "identifier,name,sector,latitude,longitude\nGB-SHPE-L4047,Southern Homes,housing-associations,,\n"
    response = wealden_client.post(reverse("partner-import", args=["WEA"]),
                                   {"file": SimpleUploadedFile("again.csv", body.encode())})
    assert response.context["report"].warnings == []
    assert Location.objects.filter(partner__name="Southern Homes").exists()


def test_an_import_for_a_council_with_no_outline_says_the_check_could_not_be_made(client, officer, home_council):
    client.force_login(officer)
    name, body = _csv(*EDINBURGH)
    response = client.post(reverse("partner-import", args=["HOM"]), {"file": SimpleUploadedFile(name, body.encode())})
    report = response.context["report"]
    assert report.ok and not report.area_checked and report.warnings == []
    assert ("Pilotbook has no boundary for Homeshire, so it could not check that these locations are in its area."
            in response.content.decode())


def test_a_failed_import_gives_no_location_warnings(wealden_client):
    name, body = _csv(*EDINBURGH)
    body += "GB-CHC-1111111,,Libraries,,,,,,,,,,,,,,,,\n"  # no name: an error, so nothing is written
    report = wealden_client.post(reverse("partner-import", args=["WEA"]),
                                 {"file": SimpleUploadedFile(name, body.encode())}).context["report"]
    assert not report.ok and report.warnings == []
    assert not Partner.objects.exists()


# The map page -----------------------------------------------------------------------------------------------

def test_the_map_page_lists_partners_outside_the_area_with_a_way_to_fix_each(wealden_client, wealden):
    misplaced = make_partner(wealden, name="Misplaced Pharmacy", lat=EDINBURGH[0], lon=EDINBURGH[1])
    make_partner(wealden, name="Uckfield Pharmacy", lat=UCKFIELD[0], lon=UCKFIELD[1])
    page = wealden_client.get(reverse("partner-map", args=["WEA"])).content.decode()
    assert "Outside Wealden's area" in page
    section = page[page.index('id="outside-area"'):page.index('id="partner-table"')]
    assert "Misplaced Pharmacy" in section and "Uckfield Pharmacy" not in section
    assert "latitude 55.95330, longitude -3.18830" in section
    assert reverse("partner-edit", args=["WEA", misplaced.pk]) in section
    assert 'data-outline="/councils/WEA/outline.geojson"' in page
    assert "Source: Office for National Statistics licensed under the Open Government Licence v.3.0." in page
    assert "Contains OS data © Crown copyright and database right 2016." in page


def test_another_councils_officer_sees_the_list_but_no_link_to_change(client, other_officer, wealden):
    misplaced = make_partner(wealden, name="Misplaced Pharmacy", lat=EDINBURGH[0], lon=EDINBURGH[1])
    client.force_login(other_officer)
    page = client.get(reverse("partner-map", args=["WEA"])).content.decode()
    assert "Misplaced Pharmacy" in page and reverse("partner-edit", args=["WEA", misplaced.pk]) not in page


def test_the_map_page_says_which_partners_have_no_location_and_are_not_on_the_map(wealden_client, wealden):
    make_partner(wealden, name="Uckfield Pharmacy", lat=UCKFIELD[0], lon=UCKFIELD[1])
    van = make_partner(wealden, name="Mobile Library", slug="libraries")
    van.locations.all().delete()
    page = wealden_client.get(reverse("partner-map", args=["WEA"])).content.decode()
    assert "1 partner has no latitude and longitude, so it is not on the map." in page
    row = page[page.index("Mobile Library"):]
    assert "No location: not on the map" in row[:row.index("</tr>")]
    assert "Outside Wealden" not in page


def test_the_map_page_of_a_council_with_no_outline_says_the_check_could_not_be_made(client, officer, home_council):
    make_partner(home_council, lat=EDINBURGH[0], lon=EDINBURGH[1])
    client.force_login(officer)
    page = client.get(reverse("partner-map", args=["HOM"])).content.decode()
    assert "Pilotbook has no boundary for Homeshire, so it could not check" in page
    assert 'data-outline=""' in page and "Crown copyright" not in page


def test_the_demo_partners_are_all_inside_their_councils(db):
    from django.core.management import call_command

    wealden = CouncilFactory(code="WEA", name="Wealden")
    leeds = CouncilFactory(code="LDS", name="Leeds")
    call_command("load_demo_partners")
    for council in (wealden, leeds):
        problems = placement.location_problems(council)
        assert problems.checked and problems.outside == [] and problems.without_location == 0


def test_a_long_list_of_locations_outside_is_counted_and_the_first_hundred_listed(wealden_client, wealden, monkeypatch):
    monkeypatch.setattr(placement, "OUTSIDE_LISTED", 2)
    for number in range(3):
        make_partner(wealden, name=f"Misplaced {number}", lat=EDINBURGH[0], lon=EDINBURGH[1])
    page = wealden_client.get(reverse("partner-map", args=["WEA"])).content.decode()
    assert "These 3 locations are more than 500 metres outside Wealden" in page
    assert "The first 2 are listed here, by name; as you fix them, the rest appear." in page
    section = page[page.index('id="outside-area"'):page.index('id="partner-table"')]
    assert "Misplaced 1" in section and "Misplaced 2" not in section
