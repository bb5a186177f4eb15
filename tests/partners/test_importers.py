"""Imports and exports: Open Referral UK v3, the CSV template and OpenStreetMap, with round trips.

open_referral.json is in the form Pilotbook exported before ADR 0012 (HSDS 3.0: organization.locations,
taxonomy_term.code, attribute.value), which it still reads; the OSM samples use real OSM tags. Open Referral UK
as the ORUK project publishes it is tested in test_open_referral_uk.py, with the project's own files.
"""

import csv
import io
import json
import re

import pytest

from pilotbook.partners import exporters, importers, services
from pilotbook.partners.models import Location, Partner, Touchpoint

from .conftest import import_file, make_partner, sector


def snapshot(council):
    """Everything an import can change, in a comparable form."""
    partners = Partner.objects.filter(council=council).order_by("name")
    return [
        (p.name, p.identifier, p.osm_id, str(p.oruk_id), p.sector.slug, p.description, p.email, p.website,
         p.visits_homes, p.can_refer, p.referral_route,
         sorted((t.group, t.frequency) for t in p.touchpoints.all()),
         sorted((loc.name, loc.address_1, loc.city, loc.postal_code, loc.latitude, loc.longitude)
                for loc in p.locations.all()))
        for p in partners
    ]


def test_open_referral_import_creates_partners_with_locations_and_touchpoints(home_council):
    report = import_file(home_council, "open_referral.json")
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    pharmacy = Partner.objects.get(identifier="GB-COH-01234567")
    assert pharmacy.sector.slug == "pharmacies"
    assert pharmacy.visits_homes is True
    assert str(pharmacy.oruk_id) == "3a1f5e2c-6b1d-4c8e-9f6a-0d2b7c4e1a01"
    location = pharmacy.locations.get()
    assert (location.postal_code, location.latitude, location.longitude) == ("TN22 1AB", 50.9701, 0.0982)
    neighbours = Partner.objects.get(identifier="GB-CHC-1098765")
    assert neighbours.can_refer and "front door" in neighbours.referral_route
    assert neighbours.locations.count() == 1  # the virtual phone line is not a place on the map
    assert list(neighbours.touchpoints.values_list("group", "frequency")) == [("older_people", "weekly")]


def test_reimporting_the_same_file_updates_rather_than_duplicates(home_council):
    import_file(home_council, "open_referral.json")
    Partner.objects.filter(identifier="GB-CHC-1098765").update(description="Changed by hand")
    report = import_file(home_council, "open_referral.json")
    assert (report.created, report.updated) == (0, 2)
    assert Partner.objects.filter(council=home_council).count() == 2
    assert Location.objects.filter(partner__council=home_council).count() == 2
    assert Partner.objects.get(identifier="GB-CHC-1098765").description.startswith("Volunteers")


def test_the_same_organisation_in_two_councils_is_two_partners(home_council, other_council):
    import_file(home_council, "open_referral.json")
    report = import_file(other_council, "open_referral.json")
    assert report.created == 2
    assert Partner.objects.filter(identifier="GB-CHC-1098765").count() == 2


def test_csv_rows_with_the_same_identifier_are_one_partner_with_several_locations(home_council):
    report = import_file(home_council, "partners.csv")
    assert report.ok, report.errors
    assert report.created == 3
    neighbours = Partner.objects.get(identifier="GB-CHC-1098765")
    assert sorted(neighbours.locations.values_list("city", flat=True)) == ["Crowborough", "Hailsham"]
    assert dict(neighbours.touchpoints.values_list("group", "frequency")) == {"older_people": "weekly",
                                                                               "carers": "weekly"}
    library = Partner.objects.get(name="Crowborough Library")
    assert library.sector.slug == "libraries"  # the sector's name works as well as its code
    assert import_file(home_council, "partners.csv").updated == 3
    assert Partner.objects.filter(council=home_council).count() == 3


def test_a_bad_csv_reports_each_record_and_changes_nothing(home_council):
    make_partner(home_council, name="Good Library", slug="libraries")
    before = snapshot(home_council)
    report = import_file(home_council, "partners_bad.csv")
    assert not report.ok
    messages = {e.label.split(" (")[0]: e.message for e in report.errors}
    assert "not a valid number" in messages["line 2"]
    assert "not in the UK" in messages["line 4"]
    assert "not a sector" in messages["line 5"]
    assert "yes or no" in messages["line 6"]
    assert "line 3" not in messages  # the good row is fine, but is not imported either
    assert snapshot(home_council) == before


def test_a_failure_while_writing_rolls_back_the_records_already_written(home_council, monkeypatch):
    original = services._write
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_write", fail_on_second)
    with pytest.raises(RuntimeError):
        import_file(home_council, "open_referral.json")
    assert not Partner.objects.filter(council=home_council).exists()


def test_overpass_json_maps_osm_tags_to_sectors_and_skips_the_rest(home_council):
    report = import_file(home_council, "overpass.json")
    assert report.ok, report.errors
    assert report.created == 5
    by_osm = {p.osm_id: p for p in Partner.objects.filter(council=home_council)}
    assert by_osm["node/1001"].sector.slug == "pharmacies"
    assert by_osm["node/1001"].identifier == "GB-NHS-FA123"  # from ref:GB:nhs
    assert by_osm["node/1002"].sector.slug == "bus-transport"
    assert by_osm["node/1002"].name == "Bus stop 1400A0001"
    assert by_osm["node/1003"].website == ""  # a malformed tag is dropped, not an error
    assert by_osm["way/2001"].sector.slug == "waste-street-cleaning"
    assert by_osm["way/2001"].locations.get().latitude == 50.965  # the way's centre
    assert by_osm["node/1004"].sector.slug == "gp-surgeries"
    assert len(report.skipped) == 1 and "amenity=bench" in report.skipped[0]


def test_a_default_sector_takes_in_places_with_unmapped_tags(home_council):
    report = import_file(home_council, "overpass.json", default_sector=sector("retailers"))
    assert report.created == 6
    assert Partner.objects.get(osm_id="node/1005").sector.slug == "retailers"


def test_geojson_and_overpass_of_the_same_place_match_on_the_osm_id(home_council):
    import_file(home_council, "overpass.json")
    report = import_file(home_council, "overpass_turbo.geojson")
    assert (report.created, report.updated) == (2, 1)
    fire = Partner.objects.get(osm_id="way/3001")
    assert fire.sector.slug == "fire-rescue"
    location = fire.locations.get()
    assert location.latitude == pytest.approx(50.9608) and location.longitude == pytest.approx(0.0908)


def test_overpass_ways_without_a_centre_are_errors(home_council):
    data = json.dumps({"elements": [{"type": "way", "id": 9, "tags": {"amenity": "police"}}]}).encode()
    report = services.partners_import(council=home_council, parsed=importers.parse(data, "x.json"))
    assert [e.label for e in report.errors] == ["way/9"]


def test_open_referral_round_trip_is_exact(home_council, other_council):
    import_file(home_council, "open_referral.json")
    import_file(home_council, "partners.csv")
    exported = json.dumps(exporters.to_open_referral(exporters.partners_for_export(home_council))).encode()
    report = services.partners_import(council=other_council, parsed=importers.parse(exported, "export.json"))
    assert report.ok, report.errors
    assert snapshot(other_council) == snapshot(home_council)
    again = services.partners_import(council=home_council, parsed=importers.parse(exported, "export.json"))
    assert (again.created, again.updated) == (0, 4)
    assert snapshot(home_council) == snapshot(other_council)


def test_csv_round_trip_is_exact(home_council, other_council):
    import_file(home_council, "open_referral.json")
    import_file(home_council, "overpass.json")
    exported = exporters.to_csv(exporters.partners_for_export(home_council)).encode()
    report = services.partners_import(council=other_council, parsed=importers.parse(exported, "export.csv"))
    assert report.ok, report.errors
    assert snapshot(other_council) == snapshot(home_council)


def test_csv_export_neutralises_formulas_but_not_negative_longitudes(home_council):
    make_partner(home_council, name="=HYPERLINK(\"http://evil.example\")", description="+44 123", lon=-0.5,
                 referral_route="@SUM(A1)\tand\rmore")
    rows = list(csv.DictReader(io.StringIO(exporters.to_csv(exporters.partners_for_export(home_council)))))
    assert rows[0]["name"].startswith("'=")
    assert rows[0]["description"] == "'+44 123"
    assert rows[0]["referral_route"].startswith("'@")
    assert rows[0]["longitude"] == "-0.5"
    for cell in rows[0].values():
        assert not cell.startswith(("=", "+", "@", "\t", "\r")) and not (cell.startswith("-") and cell != "-0.5")


def test_an_exported_formula_imports_back_as_the_original_text(home_council, other_council):
    make_partner(home_council, name="=Pharmacy Plus", description="-minus")
    exported = exporters.to_csv(exporters.partners_for_export(home_council)).encode()
    services.partners_import(council=other_council, parsed=importers.parse(exported, "x.csv"))
    assert Partner.objects.get(council=other_council).name == "=Pharmacy Plus"


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"{not json", "not valid JSON"),
    (b"name,sector\nX,pharmacies\n", "missing these columns"),
])
def test_unreadable_files_say_why(data, message):
    with pytest.raises(importers.UnreadableFile, match=message):
        importers.parse(data, "upload")


def test_touchpoints_are_groups_not_people(home_council):
    import_file(home_council, "partners.csv")
    assert set(Touchpoint.objects.values_list("group", flat=True)) <= {
        "older_people", "carers", "families_children", "tenants"}


SECTOR = [{"taxonomy_term": {"taxonomy": "pilotbook:sector", "code": "pharmacies"}}]
PLACE = {"latitude": 50.97, "longitude": 0.098}
FEATURE = {"type": "Feature", "id": "node/1", "geometry": {"type": "Point", "coordinates": [0.098, 50.97]}}


def oruk(**org):
    return {"name": "Uckfield Pharmacy", "attributes": SECTOR, "locations": [PLACE], **org}


WRONG_SHAPES = [
    (oruk(attributes="pharmacies"), "organization 1 (Uckfield Pharmacy)", "attributes must be a list, not text"),
    (oruk(attributes=[["pilotbook:sector"]]), "organization 1 (Uckfield Pharmacy)",
     "attributes[0] must be an object, not a list"),
    (oruk(attributes=[{"taxonomy_term": "pilotbook:sector"}]), "organization 1 (Uckfield Pharmacy)",
     "attributes[0].taxonomy_term must be an object, not text"),
    (oruk(attributes=[{"taxonomy_term": ["pilotbook:sector", "pharmacies"]}]), "organization 1 (Uckfield Pharmacy)",
     "attributes[0].taxonomy_term must be an object, not a list"),
    (oruk(attributes=[*SECTOR, {"taxonomy_term": {"taxonomy": "pilotbook:touchpoint", "code": "can_refer"},
                                "value": {"yes": True}}]), "organization 1 (Uckfield Pharmacy)",
     "attributes[1].value must be text, not an object"),
    (oruk(name={"en": "Uckfield Pharmacy"}), "organization 1", "name must be text, not an object"),
    (oruk(locations="Uckfield"), "organization 1 (Uckfield Pharmacy)", "locations must be a list, not text"),
    (oruk(locations=[{**PLACE, "addresses": {"city": "Uckfield"}}]), "organization 1 (Uckfield Pharmacy)",
     "locations[0].addresses must be a list, not an object"),
    (oruk(locations=[{"latitude": [50.97], "longitude": 0.098}]), "organization 1 (Uckfield Pharmacy)",
     "locations[0].latitude must be a number, not a list"),
    (oruk(locations=[{"latitude": True, "longitude": 0.098}]), "organization 1 (Uckfield Pharmacy)",
     "locations[0].latitude must be a number, not true or false"),
    (oruk(organization_identifiers="GB-CHC-1098765"), "organization 1 (Uckfield Pharmacy)",
     "organization_identifiers must be a list, not text"),
    ({"type": "FeatureCollection", "features": [{**FEATURE, "properties": ["amenity=pharmacy"]}]}, "features[0]",
     "features[0].properties must be an object, not a list"),
    ({"type": "FeatureCollection", "features": [{**FEATURE, "properties": {"tags": ["amenity=pharmacy"]}}]},
     "features[0]", "features[0].properties.tags must be an object, not a list"),
    ({"type": "FeatureCollection", "features": ["node/1"]}, "features[0]",
     "it is not a GeoJSON feature object (it is text)"),
    ({"type": "FeatureCollection", "features": [{**FEATURE, "properties": {"amenity": "pharmacy"},
                                                 "geometry": {"type": "LineString", "coordinates": []}}]},
     "node/1", "its geometry has no usable coordinates"),
    ({"elements": [{"type": "node", "id": 1, "lat": 50.97, "lon": 0.098, "tags": ["amenity=pharmacy"]}]}, "node/1",
     "tags must be an object, not a list"),
    ({"elements": [{"type": "node", "id": 1, "lat": 50.97, "lon": 0.098,
                    "tags": {"amenity": "pharmacy", "name": {"en": "Boots"}}}]}, "node/1",
     "tags.name must be text, not an object"),
    ({"elements": [{"type": "way", "id": 1, "center": "50.97,0.098", "tags": {"amenity": "pharmacy"}}]}, "way/1",
     "center must be an object, not text"),
    ({"elements": [{"type": "node", "id": 1, "lat": [50.97], "lon": 0.098, "tags": {"amenity": "pharmacy"}}]},
     "node/1", "lat must be a number, not a list"),
    ({"elements": ["node/1"]}, "elements[0]", "it is not an OpenStreetMap element object (it is text)"),
]


@pytest.mark.parametrize(("document", "label", "problem"), WRONG_SHAPES)
def test_a_value_of_the_wrong_type_names_the_record_and_the_field_and_nothing_is_written(home_council, document,
                                                                                        label, problem):
    report = services.partners_import(council=home_council, parsed=importers.parse(json.dumps(document).encode(),
                                                                                   "partners.json"))
    assert [(e.label, e.message) for e in report.errors] == [(label, problem)]
    assert not Partner.objects.exists()


@pytest.mark.parametrize(("document", "problem"), [
    ({"contents": "Uckfield Pharmacy"}, "contents must be a list of Open Referral UK organizations, not text"),
    ({"type": "FeatureCollection", "features": "node/1"}, "features must be a list of GeoJSON features, not text"),
    ({"elements": {"type": "node"}}, "elements must be a list of OpenStreetMap elements, not an object"),
    ([oruk(name="Uckfield\u0000Pharmacy")], "the text at .[0].name holds a NUL character"),
    ([oruk(name="\ud800")], "the text at .[0].name holds an unpaired surrogate"),
])
def test_a_file_of_the_wrong_shape_says_which_part_is_wrong(document, problem):
    with pytest.raises(importers.UnreadableFile, match=re.escape(problem)):
        importers.parse(json.dumps(document).encode(), "partners.json")


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000])
def test_json_nested_100000_deep_is_refused_with_a_message(data):
    with pytest.raises(importers.UnreadableFile, match="The file cannot be read: nested more than 64 levels deep"):
        importers.parse(data, "partners.json")


def test_a_csv_cell_over_the_csv_modules_limit_names_its_line():
    data = ",".join(importers.CSV_COLUMNS).encode() + b'\n"GB-CHC-1",Pantry,shops,"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(importers.UnreadableFile, match="line 2 has a cell longer than 131,072 characters"):
        importers.parse(data, "partners.csv")


def test_a_nul_byte_in_a_csv_names_its_line():
    with pytest.raises(importers.UnreadableFile, match="line 2 holds a NUL character"):
        importers.parse(b"name,sector,latitude,longitude\nA\x00B,pharmacies,50.97,0.098\n", "partners.csv")


def test_a_csv_saved_with_old_mac_line_ends_imports(home_council):
    data = b"name,sector,latitude,longitude\rUckfield Pharmacy,pharmacies,50.97,0.098\rLibrary,libraries,50.9,0.1\r"
    report = services.partners_import(council=home_council, parsed=importers.parse(data, "partners.csv"))
    assert report.ok and report.created == 2


def test_an_open_referral_organisation_without_a_sector_is_an_error_not_silently_left_out(home_council):
    data = json.dumps([oruk(attributes=[]), oruk(name="Library", attributes=[])]).encode()
    report = services.partners_import(council=home_council, parsed=importers.parse(data, "partners.json"))
    assert [e.label for e in report.errors] == ["organization 1 (Uckfield Pharmacy)", "organization 2 (Library)"]
    assert "it has no sector" in report.errors[0].message and not Partner.objects.exists()
    report = services.partners_import(council=home_council, parsed=importers.parse(data, "partners.json"),
                                      default_sector=sector("pharmacies"))
    assert report.created == 2


@pytest.mark.parametrize(("org", "problem"), [
    (oruk(alternate_name="x" * 201), "its other name is longer than 200 characters (it has 201)"),
    (oruk(website="https://example.org/" + "x" * 200), "its website is longer than 200 characters (it has 220)"),
    (oruk(email="a" * 64 + "@" + ("b" * 63 + ".") * 3 + "org"),
     "its organisation email address is longer than 254 characters (it has 260)"),
    (oruk(locations=[{**PLACE, "addresses": [{"postal_code": "TN22 1AA TN22 1AB"}]}]),
     "its postcode is longer than 10 characters (it has 17)"),
    (oruk(locations=[{**PLACE, "name": "y" * 201}]), "its location name is longer than 200 characters (it has 201)"),
])
def test_a_value_longer_than_its_column_is_named_not_cut_short_or_refused_by_the_database(home_council, org, problem):
    report = services.partners_import(council=home_council, parsed=importers.parse(json.dumps([org]).encode(),
                                                                                   "partners.json"))
    assert problem in [e.message for e in report.errors] and not Partner.objects.exists()


def test_a_model_rule_the_checks_miss_is_named_and_nothing_is_written(home_council, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(*args, **kwargs):
        raise ValidationError("a rule only the model knows")

    monkeypatch.setattr(Partner, "full_clean", refuse)
    report = import_file(home_council, "open_referral.json")
    assert [e.message for e in report.errors] == ["a rule only the model knows"]
    assert (report.created, report.updated) == (0, 0) and not Partner.objects.exists()


HEADER = "name,sector,latitude,longitude"


@pytest.mark.parametrize(("header", "message"), [
    (f"{HEADER},phone", "The CSV has columns Pilotbook does not import: phone."),
    (f"{HEADER},Name", "The CSV has more than one column called name."),
])
def test_a_csv_column_pilotbook_would_not_read_is_named_not_dropped(header, message):
    data = f"{header}\nUckfield Pharmacy,pharmacies,50.97,0.098,x\n".encode()
    with pytest.raises(importers.UnreadableFile, match=re.escape(message)):
        importers.parse(data, "partners.csv")


def test_a_csv_row_with_more_cells_than_columns_is_named_not_cut_short(home_council):
    data = (f"{HEADER},\nUckfield Pharmacy,pharmacies,50.97,0.098,\nLibrary, Uckfield,libraries,50.9,0.1\n"
            "Boots,pharmacies,50.9,0.1,,\n").encode()
    report = services.partners_import(council=home_council, parsed=importers.parse(data, "partners.csv"))
    assert [e.label for e in report.errors] == ["line 3"]
    assert "more cells than the CSV has columns (5)" in report.errors[0].message
    assert not Partner.objects.exists()
