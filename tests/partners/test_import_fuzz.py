"""Fuzzing partner imports (Open Referral UK JSON, GeoJSON, Overpass JSON, the CSV template), through the service and
through the upload page: whatever the file, the answer is a report or a message, never an exception or a 500, and
a file with any problem writes nothing.

The hostile shapes of issue 15 are explicit seeds (@example); hypothesis adds JSON built from the formats' own keys
(so it reaches deep into each reader), CSV built from the template's columns, and raw bytes.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pilotbook.partners import importers, services
from pilotbook.partners.models import Location, Partner, Touchpoint

KEYS = ["name", "alternate_name", "description", "email", "website", "url", "id", "attributes", "taxonomy_term",
        "taxonomy", "code", "value", "locations", "location_type", "latitude", "longitude", "addresses",
        "address_1", "city", "postal_code", "organization_identifiers", "identifier_scheme", "identifier",
        "contents", "type", "features", "properties", "tags", "geometry", "coordinates", "elements", "lat", "lon",
        "center", "@id", "amenity", "shop", "addr:postcode", "ref:GB:nhs", "term", "services", "service_at_locations",
        "location", "service", "organization", "status", "address_type", "bounds", "geometry", "members", "minlat",
        "maxlon", "osm3s", "copyright", "naptan:CommonName", "total_pages", "last_page"]
WORDS = ["pilotbook:sector", "pilotbook:resident-group", "pilotbook:touchpoint", "pharmacies", "older_people",
         "weekly", "visits_homes", "can_refer", "yes", "FeatureCollection", "Feature", "Point", "Polygon",
         "LineString", "node", "way", "relation", "node/1", "virtual", "GB-CHC", "pharmacy", "50.97", "0.098",
         "3a1f5e2c-6b1d-4c8e-9f6a-0d2b7c4e1a01", "\x00", "\ud800", "x" * 300]

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from([50.97, 0.098, 10**30])
           | st.sampled_from(WORDS) | st.text(max_size=20))
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6),
    max_leaves=25)


def maybe(right):
    """The right shape half the time, and anything at all otherwise: so the readers' deep paths are reached."""
    return right | json_values


def shape(required: dict, **optional):
    """An object with its required fields (each maybe right) and some of its optional ones."""
    return st.fixed_dictionaries({key: maybe(value) for key, value in required.items()},
                                 optional={key: maybe(value) for key, value in optional.items()})


latitude, longitude = st.floats(49.5, 61), st.floats(-8.5, 2)
texts = st.text(min_size=1, max_size=12) | st.sampled_from(WORDS)
sector_term = st.fixed_dictionaries({"taxonomy": st.just("pilotbook:sector"),
                                     "code": st.sampled_from(["pharmacies", "libraries", "no-such-sector"])})
attribute = shape({"taxonomy_term": sector_term | shape({"taxonomy": st.sampled_from(WORDS[:3]),
                                                          "code": st.sampled_from(WORDS[3:8])})
                   | shape({"taxonomy": st.sampled_from(WORDS[:3]),
                            "term": st.sampled_from(["older_people:weekly", "visits_homes:yes", "can_refer:maybe",
                                                     "referral_route", "pharmacies"])})},
                  value=st.sampled_from(["yes", "no", "weekly", "Calls the helpline"]))
location = shape({"latitude": latitude, "longitude": longitude}, name=texts,
                 location_type=st.sampled_from(["physical", "virtual"]),
                 addresses=st.lists(shape({"postal_code": texts}, address_1=texts, city=texts), max_size=2))
organization = shape({"name": texts, "attributes": st.lists(attribute, min_size=1, max_size=3),
                      "locations": st.lists(location, min_size=1, max_size=2)},
                     id=st.uuids().map(str), email=st.emails(), website=texts, description=texts,
                     organization_identifiers=st.lists(shape({"identifier_scheme": st.sampled_from(["GB-CHC", "XY"]),
                                                              "identifier": st.integers(1, 10**8)}), max_size=2))
# Open Referral UK v3 as published: places through services; services and services at locations on their own.
at_location = shape({"location": location}, id=st.uuids().map(str))
service = shape({"name": texts, "status": st.just("active")}, id=st.uuids().map(str), organization=organization,
                service_at_locations=st.lists(at_location, max_size=2))
organization_v3 = shape({"name": texts, "services": st.lists(service, min_size=1, max_size=2)},
                        id=st.uuids().map(str), attributes=st.lists(attribute, max_size=2))
service_at_location = shape({"location": location, "service": service}, id=st.uuids().map(str))
oruk_v3 = organization_v3 | service | service_at_location
tag_values = st.sampled_from(["pharmacy", "library", "bus_stop", "Boots", "TN22 1AA", "https://boots.example"])
tags = st.fixed_dictionaries({"amenity": maybe(tag_values)}, optional={
    key: maybe(tag_values) for key in ("shop", "name", "highway", "website", "addr:postcode", "ref:GB:nhs")})
point = st.tuples(longitude, latitude).map(list)
geometry = shape({"type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon"]),
                  "coordinates": point | st.lists(point, max_size=3) | st.lists(st.lists(point, max_size=3),
                                                                                max_size=2)})
feature = shape({"id": st.sampled_from(["node/1", "way/2", "relation/3", "4"]),
                 "properties": tags | shape({"tags": tags}), "geometry": geometry}, type=st.just("Feature"))
osm_point = shape({"lat": latitude, "lon": longitude})
element = shape({"type": st.sampled_from(["node", "way", "relation", "area"]), "id": st.integers(1, 10**9),
                 "tags": tags}, lat=latitude, lon=longitude, center=osm_point,
                bounds=shape({"minlat": latitude, "minlon": longitude, "maxlat": latitude, "maxlon": longitude}),
                geometry=st.lists(osm_point | st.none(), max_size=3),
                members=st.lists(shape({"type": st.just("way")}, geometry=st.lists(osm_point, max_size=2),
                                       lat=latitude, lon=longitude), max_size=2))
documents = st.one_of(
    json_values,
    st.lists(organization, max_size=3),
    st.builds(lambda orgs: {"contents": orgs}, maybe(st.lists(organization, max_size=3))),
    st.lists(oruk_v3, max_size=3),
    st.builds(lambda items, last: {"total_pages": 2, "last_page": last, "contents": items},
              maybe(st.lists(oruk_v3, max_size=3)), st.booleans()),
    st.builds(lambda features: {"type": "FeatureCollection", "features": features}, maybe(st.lists(feature,
                                                                                                   max_size=3))),
    st.builds(lambda elements, osm3s: {"osm3s": osm3s, "elements": elements}, maybe(st.lists(element, max_size=3)),
              maybe(shape({"copyright": st.just("The data is made available under ODbL.")}))),
)
json_files = documents.map(lambda d: json.dumps(d, allow_nan=True).encode("utf-8", "surrogatepass"))

cells = st.sampled_from(["", "yes", "maybe", "pharmacies", "50.97", "0.098", "NaN", "1e400", '"', "'=1+1", "\r",
                         "older_people:weekly; carers", "x" * 250]) | st.text(max_size=12)
csv_files = st.builds(
    lambda header, rows: "\n".join([",".join(header), *[",".join(row) for row in rows]]).encode("utf-8",
                                                                                             "surrogatepass"),
    st.lists(st.sampled_from(importers.CSV_COLUMNS + ["phone", ""]), min_size=1, max_size=8),
    st.lists(st.lists(cells, max_size=9), max_size=4))

HOSTILE = {
    "oruk-attributes-as-text": json.dumps([{"name": "A", "attributes": "pilotbook:sector"}]).encode(),
    "oruk-attribute-as-a-list": json.dumps([{"name": "A", "attributes": [["pilotbook:sector"]]}]).encode(),
    "oruk-taxonomy-term-as-text": json.dumps([{"name": "A", "attributes": [{"taxonomy_term": "pilotbook:sector"}]}]
                                             ).encode(),
    "oruk-taxonomy-term-as-a-list": json.dumps([{"name": "A", "attributes": [{"taxonomy_term": ["pilotbook:sector"]}]}]
                                               ).encode(),
    "geojson-properties-as-a-list": json.dumps({"type": "FeatureCollection", "features": [
        {"id": "node/1", "properties": ["amenity=pharmacy"], "geometry": {"type": "Point", "coordinates": [0, 51]}}]},
    ).encode(),
    "overpass-tags-as-a-list": json.dumps({"elements": [{"type": "node", "id": 1, "lat": 51, "lon": 0,
                                                         "tags": ["amenity=pharmacy"]}]}).encode(),
    "csv-field-over-128-kb": b'name,sector,latitude,longitude,description\nA,pharmacies,50.97,0.098,"'
                             + b"x" * 140_000 + b'"\n',
    "json-nested-100000-deep": b"[" * 100_000 + b"]" * 100_000,
    "json-objects-nested-100000-deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nul-in-json-text": json.dumps([{"name": "A\u0000", "attributes": []}]).encode(),
    "nul-byte-in-csv": b"name,sector,latitude,longitude\nA\x00,pharmacies,50.97,0.098\n",
    "latin-1": "[{\"name\": \"caf\xe9\"}]".encode("latin-1"),
    "binary": bytes(range(256)),
}
FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def counts():
    return Partner.objects.count(), Location.objects.count(), Touchpoint.objects.count()


def import_bytes(council, data: bytes, name: str):
    """The service's answer: the report, or the message of a file that cannot be read."""
    try:
        parsed = importers.parse(data, name)
    except importers.UnreadableFile as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return None
    return services.partners_import(council=council, parsed=parsed)


def check(council, data: bytes, name: str):
    before = counts()
    report = import_bytes(council, data, name)
    if report is None or not report.ok:
        assert counts() == before, "a file with a problem wrote something"
        if report is not None:
            assert all(e.label and e.message for e in report.errors)
    else:
        assert Partner.objects.count() == before[0] + report.created


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_each_hostile_shape_of_issue_15_is_a_message_and_writes_nothing(home_council, data):
    before = counts()
    report = import_bytes(home_council, data, "partners.json")
    assert report is None or not report.ok
    assert counts() == before


@FUZZ
@given(data=json_files | csv_files | st.binary(max_size=300), name=st.sampled_from(["p.json", "p.csv", "p"]))
@example(data=HOSTILE["oruk-taxonomy-term-as-text"], name="p.json")
@example(data=HOSTILE["csv-field-over-128-kb"], name="p.csv")
@example(data=HOSTILE["json-nested-100000-deep"], name="p.json")
def test_no_file_makes_the_partner_import_fail_or_half_write(home_council, data, name):
    check(home_council, data, name)


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=json_files | csv_files | st.binary(max_size=200))
@example(data=HOSTILE["geojson-properties-as-a-list"])
@example(data=HOSTILE["overpass-tags-as-a-list"])
@example(data=HOSTILE["nul-byte-in-csv"])
def test_no_file_uploaded_through_the_page_is_a_server_error(client, officer, data):
    client.force_login(officer)
    before = counts()
    response = client.post(reverse("partner-import", args=["HOM"]), {"file": SimpleUploadedFile("p.json", data)})
    assert response.status_code == 200
    page = response.content.decode()
    if "Import complete" not in page:
        assert "govuk-error-summary" in page and counts() == before
