"""OpenStreetMap as Overpass really answers (ADR 0012): bus stops named from NaPTAN, `out geom` as well as
`out center`, and the ODbL notice kept with the partners and shown wherever they are."""

import json

import pytest
from django.urls import reverse

from pilotbook.partners import importers, services
from pilotbook.partners.models import Partner

from .conftest import import_file, make_partner

NOTICE = "The data included in this document is from www.openstreetmap.org. The data is made available under ODbL."


def overpass(*elements, **document):
    return {"version": 0.6, "generator": "Overpass API 0.7.62", **document, "elements": list(elements)}


def import_json(council, document, name="export.json"):
    return services.partners_import(council=council, parsed=importers.parse(json.dumps(document).encode(), name))


@pytest.mark.parametrize(("tags", "name"), [
    ({"naptan:CommonName": "High Street", "naptan:Indicator": "opp", "naptan:AtcoCode": "1400A0002"},
     "High Street (opp)"),
    ({"naptan:CommonName": "Library", "naptan:AtcoCode": "1400A0003", "operator": "Stagecoach"}, "Library"),
    ({"name": "Uckfield Bus Station Stand 2", "naptan:CommonName": "Bus Station"}, "Uckfield Bus Station Stand 2"),
    ({"naptan:AtcoCode": "1400A0004", "operator": "Stagecoach"}, "Bus stop 1400A0004"),
])
def test_a_bus_stop_without_a_name_is_named_from_naptan_not_from_its_operator(home_council, tags, name):
    element = {"type": "node", "id": 7, "lat": 50.97, "lon": 0.093, "tags": {"highway": "bus_stop", **tags}}
    report = import_json(home_council, overpass(element))
    assert report.ok, report.errors
    assert Partner.objects.get().name == name


WAY_GEOM = {"type": "way", "id": 2001, "bounds": {"minlat": 50.9640, "minlon": 0.1000, "maxlat": 50.9660,
                                                  "maxlon": 0.1020},
            "nodes": [1, 2, 3, 1],
            "geometry": [{"lat": 50.9640, "lon": 0.1000}, {"lat": 50.9660, "lon": 0.1000},
                         {"lat": 50.9660, "lon": 0.1020}, {"lat": 50.9640, "lon": 0.1000}],
            "tags": {"amenity": "recycling", "name": "Uckfield Household Waste Recycling Site"}}


@pytest.mark.parametrize(("element", "position"), [
    ({**WAY_GEOM, "center": {"lat": 50.9650, "lon": 0.1010}, "bounds": None, "geometry": None}, (50.9650, 0.1010)),
    (WAY_GEOM, (50.9650, 0.1010)),  # out geom: the centre of its bounds, as out center gives
    ({**WAY_GEOM, "bounds": None}, (50.9650, 0.1010)),  # the bounds of its geometry when Overpass gave none
    ({**WAY_GEOM, "geometry": None}, (50.9650, 0.1010)),  # out bb
    ({**WAY_GEOM, "bounds": None, "geometry": [None, *WAY_GEOM["geometry"][1:3], None]}, (50.9660, 0.1010)),
    ({"type": "relation", "id": 3001, "tags": {"amenity": "fire_station", "name": "Uckfield Fire Station"},
      "members": [{"type": "way", "ref": 1, "role": "outer", "geometry": WAY_GEOM["geometry"]},
                  {"type": "node", "ref": 9, "role": "", "lat": 50.9680, "lon": 0.1010}]}, (50.9660, 0.1010)),
])
def test_ways_and_relations_are_placed_from_out_center_out_bb_or_out_geom(home_council, element, position):
    report = import_json(home_council, overpass(element))
    assert report.ok, report.errors
    location = Partner.objects.get().locations.get()
    assert (location.latitude, location.longitude) == pytest.approx(position)


@pytest.mark.parametrize(("element", "label", "message"), [
    ({"type": "way", "id": 9, "tags": {"amenity": "police"}}, "way/9",
     "it has no position: ask Overpass for `out center;` (or `out geom;`) so ways and relations have one"),
    ({**WAY_GEOM, "bounds": None, "geometry": "50.96,0.10"}, "way/2001", "geometry must be a list, not text"),
    ({**WAY_GEOM, "bounds": None, "geometry": [[50.96, 0.10]]}, "way/2001",
     "geometry[0] must be an object, not a list"),
    ({**WAY_GEOM, "bounds": None, "geometry": [{"lat": "north", "lon": 0.1}]}, "way/2001",
     "geometry[0].lat north is not a number"),
    ({**WAY_GEOM, "bounds": {"minlat": 50.96}}, "way/2001", "bounds.minlon must be a number, not null"),
    ({"type": "relation", "id": 4, "tags": {"amenity": "police"}, "members": [{"geometry": [{"lat": 50.9}]}]},
     "relation/4", "members[0].geometry[0].lon must be a number, not null"),
])
def test_a_way_or_relation_without_a_usable_position_is_named(home_council, element, label, message):
    report = import_json(home_council, overpass(element))
    assert [(e.label, e.message) for e in report.errors] == [(label, message)]
    assert not Partner.objects.exists()


def test_the_odbl_notice_overpass_gives_is_kept_with_each_imported_partner(home_council):
    report = import_file(home_council, "overpass.json")
    assert report.ok, report.errors
    assert set(Partner.objects.values_list("attribution", flat=True)) == {NOTICE}
    changed = NOTICE.replace("ODbL.", "ODbL 1.0.")
    import_json(home_council, overpass({"type": "node", "id": 1001, "lat": 50.9690, "lon": 0.0960,
                                        "tags": {"amenity": "pharmacy", "name": "Boots"}},
                                       osm3s={"copyright": changed}))
    assert Partner.objects.get(osm_id="node/1001").attribution == changed


def test_a_file_without_a_notice_still_gets_osm_s_and_other_sources_get_none(home_council):
    import_json(home_council, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "node/5", "properties": {"amenity": "library", "name": "Uckfield Library"},
         "geometry": {"type": "Point", "coordinates": [0.098, 50.97]}}]}, "export.geojson")
    import_json(home_council, overpass({"type": "node", "id": 6, "lat": 50.97, "lon": 0.09,
                                        "tags": {"amenity": "police", "name": "Uckfield Police Station"}}))
    import_file(home_council, "open_referral.json")
    notices = dict(Partner.objects.values_list("name", "attribution"))
    assert notices["Uckfield Library"] == notices["Uckfield Police Station"] == NOTICE
    assert notices["Wealden Good Neighbours"] == ""


def test_an_osm_place_exported_to_csv_keeps_its_notice_when_imported_elsewhere(home_council, other_council):
    from pilotbook.partners import exporters

    import_file(home_council, "overpass_turbo.geojson")
    data = exporters.to_csv(exporters.partners_for_export(home_council)).encode()
    services.partners_import(council=other_council, parsed=importers.parse(data, "partners.csv"))
    assert set(Partner.objects.filter(council=other_council).values_list("attribution", flat=True)) == {NOTICE}


@pytest.mark.parametrize(("document", "message"), [
    (overpass(osm3s={"copyright": ["ODbL"]}), "osm3s.copyright must be text, not a list"),
    (overpass(osm3s={"copyright": "x" * 501}), "its copyright notice is longer than 500 characters"),
    ({"type": "FeatureCollection", "copyright": {"odbl": True}, "features": []}, "copyright must be text, not an "
                                                                                 "object"),
])
def test_a_notice_of_the_wrong_shape_is_named(document, message):
    with pytest.raises(importers.UnreadableFile, match=message):
        importers.parse(json.dumps(document).encode(), "export.json")


def test_the_notice_is_shown_on_the_partner_page_and_under_the_map_where_osm_partners_are(client, officer,
                                                                                          home_council):
    client.force_login(officer)
    make_partner(home_council, name="Wealden Good Neighbours", slug="voluntary-community")
    map_url = reverse("partner-map", args=["HOM"])
    assert NOTICE not in client.get(map_url).content.decode()
    import_file(home_council, "overpass.json")
    page = client.get(map_url).content.decode()
    assert page.count(NOTICE) == 1
    assert NOTICE not in client.get(map_url, {"sector": Partner.objects.get(name="Wealden Good Neighbours")
                                              .sector_id}).content.decode()
    boots = Partner.objects.get(osm_id="node/1001")
    assert NOTICE in client.get(boots.get_absolute_url()).content.decode()
    neighbours = Partner.objects.get(name="Wealden Good Neighbours")
    assert NOTICE not in client.get(neighbours.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_upgrading_gives_places_already_imported_from_osm_the_notice_and_writes_charity_numbers_as_registered(
        home_council):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("partners", "0002_maintained_sectors")], [("partners", "0003_partner_attribution")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Partner02, Sector02 = old.get_model("partners", "Partner"), old.get_model("partners", "Sector")
    libraries = Sector02.objects.get(council=None, slug="libraries")
    for name, osm_id, identifier in [("Library", "node/5", "GB-CHC-0279417"), ("Pantry", "", "GB-CHC-01090095"),
                                     ("Pantry again", "", "GB-CHC-1090095"), ("Company", "", "GB-COH-01234567")]:
        Partner02.objects.create(council_id=home_council.pk, sector=libraries, name=name, osm_id=osm_id,
                                 identifier=identifier)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = dict(Partner.objects.values_list("name", "identifier"))
    assert rows == {"Library": "GB-CHC-279417", "Pantry": "GB-CHC-01090095",  # left: the other has that number
                    "Pantry again": "GB-CHC-1090095", "Company": "GB-COH-01234567"}
    assert dict(Partner.objects.values_list("name", "attribution")) == {
        "Library": NOTICE, "Pantry": "", "Pantry again": "", "Company": ""}
