"""The partner pages: map and table, map data, coverage, unlikely partners, pipeline, review, champions,
arrangements, import through the web."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pilotbook.councils.models import Role
from pilotbook.partners import services
from pilotbook.partners.models import Arrangement, Partner, Partnership
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot, member

from .conftest import DATA, import_file, make_partner, sector


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@override_settings(PILOTBOOK_MAP_TILE_URL="")
def test_map_page_has_the_filterable_table_and_no_tiles_in_tests(signed_in, home_council):
    import_file(home_council, "partners.csv")
    page = signed_in.get(reverse("partner-map", args=["HOM"])).content.decode()
    assert "3 partners found" in page
    assert 'data-tiles=""' in page
    assert "Crowborough Library" in page and "Southern Homes" in page
    filtered = signed_in.get(reverse("partner-map", args=["HOM"]), {"group": "tenants"}).content.decode()
    assert "1 partner found" in filtered and "Southern Homes" in filtered and "Crowborough Library" not in filtered
    assert "map.json?group=tenants" in filtered  # the map draws the same filtered partners


def test_map_data_is_compact_rows_with_sector_symbols(signed_in, home_council):
    import_file(home_council, "partners.csv")
    data = json.loads(signed_in.get(reverse("partner-map-data", args=["HOM"])).content)
    assert len(data["points"]) == 4  # Good Neighbours has two locations
    lat, lon, sector_id, partner_id, name = data["points"][0]
    assert str(sector_id) in data["sectors"] and "<svg" in data["sectors"][str(sector_id)]["icon"]
    assert data["partner_url"].replace("{id}", str(partner_id)) == Partner.objects.get(pk=partner_id)\
        .get_absolute_url()
    libraries = sector("libraries").pk
    only = json.loads(signed_in.get(reverse("partner-map-data", args=["HOM"]), {"sector": libraries}).content)
    assert [p[4] for p in only["points"]] == ["Crowborough Library"]


def test_coverage_counts_partners_per_group_and_shows_gaps(signed_in, home_council):
    import_file(home_council, "partners.csv")
    page = signed_in.get(reverse("partner-coverage", args=["HOM"])).content.decode()
    assert "2 partners meet this group" in page  # older people: Good Neighbours and the library
    assert "Rough sleepers" in page and "No partner on the map meets this group." in page
    assert "Every day" in page  # the housing association meets tenants daily


def test_unlikely_partners_for_a_goal_with_evidence_from_published_pilots(signed_in, home_council, officer,
                                                                          other_council, other_officer):
    make_partner(home_council, name="Uckfield Pharmacy", slug="pharmacies")
    services.partnership_create(partner=make_partner(home_council, name="Good Neighbours",
                                                     slug="voluntary-community"), topic="Befriending")
    make_pilot(other_council, other_officer, status=Status.PUBLISHED, title="Pharmacists ask about loneliness",
               partners="Local community pharmacies")
    page = signed_in.get(reverse("partner-unlikely", args=["HOM"]), {"goal": "spot isolated older people"})\
        .content.decode()
    assert "This goal is about" in page and "Older people" in page
    assert "Pharmacies" in page and "1 partner, no partnership yet" in page
    assert "Pharmacists ask about loneliness" in page and "Worked: 1" in page
    assert "Voluntary and community groups" not in page  # already a partnership with that sector
    page = signed_in.get(reverse("partner-unlikely", args=["HOM"]), {"goal": "report fly-tipping sooner"})\
        .content.decode()
    assert "Waste and street-cleaning crews" in page and "Bus and transport operators" in page


def test_moving_a_partnership_along_the_board_with_plain_forms(signed_in, home_partnership):
    url = reverse("partnership-advance", args=["HOM", home_partnership.pk])
    response = signed_in.post(url)
    assert response.status_code == 302 and response.url == reverse("partner-pipeline", args=["HOM"])
    home_partnership.refresh_from_db()
    assert home_partnership.stage == "contacted"
    response = signed_in.post(reverse("partnership-move", args=["HOM", home_partnership.pk]), {
        "stage": "agreement", "next_step": "Sign the data-sharing agreement", "next_step_date_0": "1",
        "next_step_date_1": "4", "next_step_date_2": "2027"})
    assert response.status_code == 302
    home_partnership.refresh_from_db()
    assert (home_partnership.stage, str(home_partnership.next_step_date)) == ("agreement", "2027-04-01")
    board = signed_in.get(reverse("partner-pipeline", args=["HOM"])).content.decode()
    assert "Agreement in place (1)" in board and "Move to Running a pilot" in board
    listing = signed_in.get(reverse("partner-pipeline-list", args=["HOM"])).content.decode()
    assert "Sign the data-sharing agreement" in listing and "1 Apr 2027" in listing


def test_a_move_without_a_stage_is_an_error(signed_in, home_partnership):
    response = signed_in.post(reverse("partnership-move", args=["HOM", home_partnership.pk]), {"stage": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_a_review_links_pilots_and_shows_their_verdicts(signed_in, home_partnership, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, title="Pharmacy check-ins")
    response = signed_in.post(reverse("partnership-review", args=["HOM", home_partnership.pk]), {
        "achieved": "Forty referrals to the befriending service.", "pilots": [pilot.pk], "would_repeat": "yes"})
    assert response.status_code == 302
    home_partnership.refresh_from_db()
    assert home_partnership.stage == "reviewed"
    page = signed_in.get(home_partnership.get_absolute_url()).content.decode()
    assert "Pharmacy check-ins" in page and "worked" in page and "Forty referrals" in page


def test_champions_directory_answers_who_worked_with_pharmacies_on_loneliness(client, home_council, champion,
                                                                              other_council, other_officer):
    pharmacy = make_partner(home_council)
    services.partnership_create(partner=pharmacy, topic="Loneliness checks at the counter", owner=champion)
    services.partnership_create(partner=make_partner(other_council, name="Bus Co", slug="bus-transport"),
                                topic="Loneliness on rural routes")
    client.force_login(other_officer)
    page = client.get(reverse("champions-directory"), {"sector": "pharmacies", "topic": "loneliness"})\
        .content.decode()
    assert "1 partnership found" in page and "Cat Champion" in page and "Homeshire" in page
    assert "Bus Co" not in page
    council_page = client.get(reverse("council-champions", args=["HOM"])).content.decode()
    assert "Cat Champion" in council_page and "Loneliness checks at the counter" in council_page


def test_arrangement_comparison_by_model(client, home_council, other_council, officer):
    other = member(other_council, Role.OFFICER, email="x@other.example")
    services.arrangement_save(council=home_council, councils=[other_council], service="Revenues and benefits",
                              model="shared", baseline_cost=Decimal("2000000"), predicted_saving=Decimal("300000"),
                              predicted_source="Business case 2023", realised_saving=Decimal("150000"),
                              realised_source="Audited outturn 2025")
    services.arrangement_save(council=other_council, service="Waste collection", model="outsourced",
                              predicted_saving=Decimal("100000"), predicted_source="Tender evaluation")
    client.force_login(officer)
    page = client.get(reverse("arrangement-comparison")).content.decode()
    assert "50%" in page  # realised half of predicted for the shared service
    assert "£300,000" in page and "£150,000" in page
    assert "none to compare" in page  # outsourced: no realised figure yet
    response = client.post(reverse("arrangement-create", args=["HOM"]), {
        "service": "Legal", "model": "shared", "councils": "", "predicted_saving": "5000"})
    page = response.content.decode()
    assert "Name the councils the service is shared with" in page and "Say where this figure comes from" in page
    response = client.post(reverse("arrangement-create", args=["HOM"]), {
        "service": "Legal", "model": "shared", "councils": "oth, ZZZ"})
    assert "No council has the code ZZZ" in response.content.decode()
    client.force_login(other)
    arrangement = Arrangement.objects.get(service="Revenues and benefits")
    assert client.get(reverse("arrangement-edit", args=[arrangement.pk])).status_code == 403


def test_importing_a_bad_file_through_the_page_lists_each_problem(signed_in, home_council):
    upload = SimpleUploadedFile("bad.csv", (DATA / "partners_bad.csv").read_bytes())
    page = signed_in.post(reverse("partner-import", args=["HOM"]), {"file": upload}).content.decode()
    assert "Nothing was imported" in page and "Problems to fix" in page and "line 4" in page
    assert not Partner.objects.exists()
    upload = SimpleUploadedFile("good.csv", (DATA / "partners.csv").read_bytes())
    page = signed_in.post(reverse("partner-import", args=["HOM"]), {"file": upload}).content.decode()
    assert "3 added, 0 updated" in page


@pytest.mark.parametrize(("name", "data", "message"), [
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "The file cannot be read: nested more than 64 levels deep"),
    ("term.json", json.dumps([{"name": "A", "attributes": [{"taxonomy_term": "pilotbook:sector"}]}]).encode(),
     "attributes[0].taxonomy_term must be an object, not text"),
    ("places.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"id": "node/1", "properties": ["amenity=pharmacy"], "geometry": None}]}).encode(),
     "features[0].properties must be an object, not a list"),
    ("huge.csv", b"name,sector,latitude,longitude\nA,pharmacies,50.9,\"" + b"9" * 200_000 + b'"\n',
     "line 2 has a cell longer than 131,072 characters"),
    ("nul.json", json.dumps([{"name": "A\u0000"}]).encode(), "the text at .[0].name holds a NUL character"),
])
def test_a_hostile_file_through_the_page_is_named_on_the_page_and_nothing_is_written(signed_in, home_council, name,
                                                                                   data, message):
    response = signed_in.post(reverse("partner-import", args=["HOM"]), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200 and message.lower() in response.content.decode().lower()
    assert not Partner.objects.exists()


@override_settings(PILOTBOOK_PARTNER_IMPORT_MAX_BYTES=100)
def test_files_over_the_size_limit_are_refused(signed_in, home_council, monkeypatch):
    from pilotbook.partners import forms

    monkeypatch.setattr(forms, "MAX_IMPORT_BYTES", 100)
    upload = SimpleUploadedFile("big.csv", (DATA / "partners.csv").read_bytes())
    page = signed_in.post(reverse("partner-import", args=["HOM"]), {"file": upload}).content.decode()
    assert "must be smaller than" in page
    assert not Partner.objects.exists()


def test_the_csv_template_holds_no_fake_partner_and_the_documented_example_imports(signed_in, home_council):
    from pilotbook.partners.views.transfer import EXAMPLE_ROW

    body = signed_in.get(reverse("partner-template-csv", args=["HOM"])).content.decode()
    assert "Example Community Pantry" not in body and len(body.strip().splitlines()) == 1
    row = ",".join(f'"{v}"' if "," in v or ";" in v else v for v in EXAMPLE_ROW)
    upload = SimpleUploadedFile("template.csv", (body + row + "\r\n").encode())
    page = signed_in.post(reverse("partner-import", args=["HOM"]), {"file": upload}).content.decode()
    assert "1 added" in page
    assert Partner.objects.get().touchpoints.count() == 2
    assert "older_people" in signed_in.get(reverse("partner-import", args=["HOM"])).content.decode()


def test_a_council_adds_its_own_sector_which_others_do_not_see(signed_in, home_council, other_council):
    signed_in.post(reverse("sector-create", args=["HOM"]), {"name": "Taxi drivers", "typical_groups": ["older_people"]})
    make_partner(home_council, name="Town Taxis", slug="pharmacies")
    page = signed_in.get(reverse("partner-map", args=["HOM"])).content.decode()
    assert "Taxi drivers" in page
    assert "Taxi drivers" not in signed_in.get(reverse("partner-map", args=["OTH"])).content.decode()


def test_adding_a_partner_by_hand(signed_in, home_council):
    response = signed_in.post(reverse("partner-create", args=["HOM"]), {
        "name": "Hailsham Fire Station", "sector": sector("fire-rescue").pk, "identifier": "gb-gor-pb123",
        "latitude": "50.86", "longitude": "0.26", "groups": ["older_people", "disabled_people"],
        "frequency": "monthly", "visits_homes": "on", "can_refer": "on",
        "referral_route": "Safe and well visits refer to adult social care"})
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert partner.identifier == "GB-GOR-PB123" and partner.visits_homes
    assert partner.touchpoints.count() == 2
    response = signed_in.post(reverse("partner-create", args=["HOM"]), {
        "name": "X", "sector": sector("police").pk, "identifier": "GB-CHC-1", "latitude": "0.26",
        "longitude": "50.86", "frequency": "weekly"})
    page = response.content.decode()
    assert "not a valid number in the Charity Commission" in page and "There is a problem" in page
    assert Partnership.objects.count() == 0
