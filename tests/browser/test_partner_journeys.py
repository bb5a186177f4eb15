"""Journeys through the partner map: import a file, filter the map, see the council's outline and reach each
marker by keyboard, move a partnership along the pipeline. Tiles are off (PILOTBOOK_MAP_TILE_URL is empty), so
the council's outline is the map's only background and nothing leaves 127.0.0.1."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from pilotbook.partners import importers, services
from pilotbook.partners.models import Partner, Sector

from .conftest import assert_accessible, sign_in

DATA = Path(__file__).resolve().parents[1] / "partners" / "data"


@pytest.fixture(autouse=True)
def _no_tiles_and_the_maintained_sectors(transactional_db):
    # Transactional tests empty every table after each test, the migrated sectors included.
    services.sectors_load()
    with override_settings(PILOTBOOK_MAP_TILE_URL=""):
        yield


def _import(council, name):
    return services.partners_import(council=council, parsed=importers.parse((DATA / name).read_bytes(), name))


def test_officer_imports_openstreetmap_places_after_fixing_a_bad_file(page, wealden, wealden_officer):
    # Given an officer on their council's partner map
    sign_in(page, "officer@wealden.example")
    page.goto("/partners/WEA/")
    page.get_by_role("link", name="Import partners").click()

    # When they upload a CSV with mistakes
    page.get_by_label("File to import").set_input_files(str(DATA / "partners_bad.csv"))
    page.get_by_role("button", name="Import", exact=True).click()

    # Then each problem is listed, nothing is imported, and the page is accessible
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    expect(page.get_by_role("table", name="Problems to fix")).to_contain_text("is not in the UK")
    assert not Partner.objects.exists()
    assert_accessible(page)

    # When they upload an Overpass export instead
    page.get_by_label("File to import").set_input_files(str(DATA / "overpass.json"))
    page.get_by_role("button", name="Import", exact=True).click()

    # Then the places with a sector are added and the unmatched bench is listed as skipped
    expect(page.get_by_text("5 added, 0 updated")).to_be_visible()
    expect(page.get_by_text("1 place skipped")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See them on the map").click()
    expect(page.get_by_role("link", name="Boots")).to_be_visible()
    assert_accessible(page)


def test_champion_filters_the_map_by_resident_group(page, wealden, wealden_officer):
    # Given partners at Wealden with locations
    _import(wealden, "partners.csv")
    sign_in(page, "officer@wealden.example")

    # When they open the map, every location is drawn as a marker beside the table
    page.goto("/partners/WEA/")
    expect(page.locator("#partner-map .leaflet-marker-icon")).to_have_count(4)
    expect(page.get_by_role("status")).to_contain_text("3 partners found")
    assert_accessible(page)

    # When they filter to partners who meet tenants
    page.get_by_label("Meets").select_option(label="Tenants")
    page.get_by_role("button", name="Apply filters").click()

    # Then the table and the map show only the housing association
    expect(page.get_by_role("status")).to_contain_text("1 partner found")
    expect(page.get_by_role("link", name="Southern Homes")).to_be_visible()
    expect(page.locator("#partner-map .leaflet-marker-icon")).to_have_count(1)
    marker = page.locator("#partner-map .leaflet-marker-icon")
    expect(marker).to_have_attribute("title", "Southern Homes (Housing associations)")
    assert_accessible(page)


def _partner_at(council, name, lat, lon, slug="voluntary-community"):
    return services.partner_save(council=council, name=name, sector=Sector.objects.get(council=None, slug=slug),
                                 groups=[], frequency="weekly", location={
                                     "name": "", "address_1": "", "city": "", "postal_code": "", "latitude": lat,
                                     "longitude": lon})


def test_the_map_draws_the_councils_outline_and_every_partner_at_one_place_is_reachable_by_keyboard(
        page, wealden, wealden_officer):
    # Given Wealden partners, three of them at the same community hall, and one mistyped at Edinburgh
    _import(wealden, "partners.csv")
    for name in ("Uckfield Food Bank", "Debt Advice Drop-in", "Carers' Cafe"):
        _partner_at(wealden, name, 50.9688, 0.0944)
    _partner_at(wealden, "Misplaced Pharmacy", 55.9533, -3.1883, slug="pharmacies")
    sign_in(page, "officer@wealden.example")

    # When they open the map
    page.goto("/partners/WEA/")

    # Then Wealden's outline is drawn under the markers, with the boundaries' attribution on the map and the page
    expect(page.locator("#partner-map .leaflet-overlay-pane path.pb-outline")).to_have_count(1)
    expect(page.locator("#partner-map")).to_have_attribute("data-outline-drawn", "yes")
    expect(page.locator("#partner-map .leaflet-control-attribution")).to_contain_text(
        "Contains OS data © Crown copyright and database right 2016")
    expect(page.locator("#boundary-attribution")).to_contain_text("Source: Office for National Statistics")
    # and the partner at Edinburgh is listed to fix
    outside = page.get_by_role("list", name="Outside Wealden's area")
    expect(outside).to_contain_text("Misplaced Pharmacy")
    expect(outside.get_by_role("link", name="change the location of Misplaced Pharmacy")).to_be_visible()

    # and the three markers at the hall are spread apart, each one its own target
    hall = page.locator("#partner-map .leaflet-marker-icon[title*='of 3 at the same place']")
    expect(hall).to_have_count(3)
    centres = [(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
               for box in (hall.nth(i).bounding_box() for i in range(3))]
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) >= 18 for i, a in enumerate(centres) for b in centres[i + 1:])
    assert_accessible(page)

    # When they reach the first by keyboard and press Enter, its popup opens with focus on its link
    hall.first.focus()
    reached = []
    for number in (1, 2, 3):
        title = page.evaluate("document.activeElement.title")
        assert title.endswith(f"{number} of 3 at the same place"), title
        name = title.split(" (")[0]
        reached.append(name)
        page.keyboard.press("Enter")
        popup = page.locator("#partner-map .leaflet-popup")
        expect(popup).to_contain_text(name)
        expect(popup.get_by_role("link", name=name)).to_be_focused()
        # and Escape closes it and puts focus back on the marker, from where Tab goes on to the next
        page.keyboard.press("Escape")
        expect(popup).to_have_count(0)
        assert page.evaluate("document.activeElement.title") == title
        if number < 3:
            page.keyboard.press("Tab")
    assert sorted(reached) == sorted(["Uckfield Food Bank", "Debt Advice Drop-in", "Carers' Cafe"])

    # A mouse reaches each of them too
    hall.nth(1).click()
    expect(page.locator("#partner-map .leaflet-popup")).to_have_css("opacity", "1")  # faded in: axe sees its colours
    assert_accessible(page)


def test_officer_moves_a_partnership_along_the_pipeline(page, wealden, wealden_officer):
    # Given a partnership at the first stage
    _import(wealden, "partners.csv")
    partner = Partner.objects.get(name="Crowborough Library")
    services.partnership_create(partner=partner, topic="Digital help for older residents", owner=wealden_officer)
    sign_in(page, "officer@wealden.example")
    page.goto("/partners/WEA/pipeline/")
    assert_accessible(page)

    # When they press the card's button (a plain form: no JavaScript needed)
    page.get_by_role("button", name=re.compile(r"^Move to Contacted\s?: Crowborough Library")).click()

    # Then it is in the Contacted column
    expect(page.get_by_text("Crowborough Library is now at Contacted.")).to_be_visible()
    expect(page.get_by_role("region", name="Contacted (1)")).to_contain_text("Crowborough Library")

    # When they update it with a stage, next step and date
    page.get_by_role("link", name=re.compile(r"^Update\s+Crowborough Library")).click()
    # (the radio by its role: while the link is still loading, the board's column of that name matches a label)
    page.get_by_role("radio", name="Agreement in place").check()
    page.get_by_label("Next step", exact=True).fill("Sign the volunteer agreement")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2027")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    # Then the board shows it in its new column with its next step
    column = page.get_by_role("region", name="Agreement in place (1)")
    expect(column).to_contain_text("Sign the volunteer agreement (1 Apr 2027)")
    assert_accessible(page)
