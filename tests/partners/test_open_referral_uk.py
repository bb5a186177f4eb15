"""Open Referral UK v3 as the ORUK project publishes it (ADR 0012): its own examples import, and every export
validates against its own schemas.

tests/partners/data/oruk holds the schemas and examples of OpenReferralUK/uk-profile, unchanged (README.md there
gives the commit and the licence). The examples are placeholders from the United States (latitude 100, longitude
101, which is nowhere), so tests that need them on the map move that one location into Uckfield and say so.
"""

import copy
import json
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pilotbook.partners import exporters, importers, services
from pilotbook.partners.models import Partner

from .conftest import import_file, make_partner, sector

ORUK = Path(__file__).parent / "data" / "oruk"
# The UK profile's OpenAPI description refers to its compiled schemas at these addresses.
PUBLISHED_AT = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/"
OPENAPI = "https://openreferraluk.org/specifications/3.0/openapi.json"


def schema(name: str) -> dict:
    return json.loads((ORUK / "schema" / f"{name}.json").read_text())


def example(name: str):
    return json.loads((ORUK / "examples" / f"{name}.json").read_text())


REGISTRY = Registry().with_resources(
    [(PUBLISHED_AT + f"{name}.json", Resource(schema(name), specification=DRAFT202012))
     for name in ("organization", "organization_list", "service", "service_list", "service_at_location",
                  "service_at_location_list")]
    + [(OPENAPI, Resource(schema("openapi"), specification=DRAFT202012))])


def page_of(item_schema: str) -> dict:
    """An API page as the UK profile's OpenAPI describes it: its Page fields, with contents of one kind."""
    return {"allOf": [{"$ref": OPENAPI + "#/components/schemas/Page"}],
            "properties": {"contents": {"type": "array", "items": {"$ref": PUBLISHED_AT + f"{item_schema}.json"}}},
            "required": ["contents"]}


def schema_errors(document, against: dict) -> list[str]:
    validator = Draft202012Validator(against, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def fields_not_in(document, against: dict, path: str = "") -> list[str]:
    """Fields the schema does not have. The UK profile's schemas allow any other field (they do not say
    additionalProperties: false), but the profile removes fields such as organization.locations and
    alternate_name from HSDS 3.0 on purpose, so an export that writes them is not the profile."""
    found = []
    if isinstance(document, dict) and "properties" in against:
        for key, value in document.items():
            if key not in against["properties"]:
                found.append(f"{path}{key}")
            else:
                found += fields_not_in(value, against["properties"][key], f"{path}{key}.")
    elif isinstance(document, list) and "items" in against:
        for number, item in enumerate(document):
            found += fields_not_in(item, against["items"], f"{path[:-1]}[{number}].")
    return found


def in_uckfield(document):
    """The example with its one location moved from latitude 100, longitude 101 (nowhere) into Uckfield."""
    moved = copy.deepcopy(document)
    stack = [moved]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("latitude") == 100 and item.get("longitude") == 101:
                item["latitude"], item["longitude"] = 50.9701, 0.0982
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return moved


def import_document(council, document, default_sector="voluntary-community"):
    return services.partners_import(
        council=council, parsed=importers.parse(json.dumps(document).encode(), "oruk.json"),
        default_sector=sector(default_sector) if default_sector else None)


# The vendored schemas and examples -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "against"), [
    ("organization_full", schema("organization")), ("service_full", schema("service")),
    ("service_at_location_full", schema("service_at_location")), ("organization_list", page_of("organization_list")),
    ("service_list", page_of("service_list")), ("service_at_location_list", page_of("service_at_location_list")),
])
def test_the_oruk_examples_are_valid_against_the_vendored_schemas(name, against):
    assert schema_errors(example(name), against) == []


def test_the_vendored_schemas_catch_what_the_old_export_got_wrong():
    org = {"id": "3a1f5e2c-6b1d-4c8e-9f6a-0d2b7c4e1a01", "name": "A", "description": "", "email": None,
           "attributes": [{"id": "c0000000-0000-4000-8000-000000000001",
                           "taxonomy_term": {"id": "d0000000-0000-4000-8000-000000000001", "name": "Pharmacies"}}]}
    assert schema_errors(org, schema("organization")) == [
        "email: None is not of type 'string'", "attributes/0/taxonomy_term: 'description' is a required property"]
    assert fields_not_in({**org, "locations": [], "alternate_name": None}, schema("organization")) == [
        "locations", "alternate_name"]


# Import: the ORUK project's own examples -------------------------------------------------------------------

def test_the_published_organization_example_is_read_with_its_nested_location_and_its_company_number(home_council):
    report = import_document(home_council, example("organization_full"))
    # Not refused for writing its company number without the leading zero; its one location is read (and is
    # named as not in the UK, since the example puts it at latitude 100), so nothing is silently left off the map.
    assert [(e.label, e.message) for e in report.errors] == [
        ("organization 1 (Example Organization Inc.)",
         "latitude 100.0, longitude 101.0 is not in the UK (are they swapped?)")]
    assert not Partner.objects.exists()


def test_the_organization_example_imports_as_one_partner_on_the_map(home_council):
    report = import_document(home_council, in_uckfield(example("organization_full")))
    assert report.ok, report.errors
    partner = Partner.objects.get()
    assert (partner.name, partner.identifier, str(partner.oruk_id)) == (
        "Example Organization Inc.", "GB-COH-01234567", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    assert (partner.email, partner.website, partner.sector.slug) == (
        "email@example.com", "http://example.com", "voluntary-community")
    location = partner.locations.get()
    assert (location.name, location.address_1, location.city, location.postal_code, str(location.oruk_id)) == (
        "MyCity Civic Center", "1-30 Main Street", "MyCity", "ABC 1234", "3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert (location.latitude, location.longitude) == (50.9701, 0.0982)


@pytest.mark.parametrize("name", ["service_full", "service_at_location_full"])
def test_a_service_or_service_at_location_document_is_its_organisation_never_a_partner_named_after_the_service(
        home_council, name):
    report = import_document(home_council, in_uckfield(example(name)))
    assert report.ok, report.errors
    partner = Partner.objects.get()
    assert partner.name == "Example Organization Inc."
    assert str(partner.oruk_id) == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert partner.identifier == "GB-COH-01234567"
    assert [loc.name for loc in partner.locations.all()] == ["MyCity Civic Center"]


@pytest.mark.parametrize(("name", "locations"), [
    ("organization_list", 0), ("service_list", 0), ("service_at_location_list", 1)])
def test_the_paginated_list_examples_import_and_say_they_are_one_page_of_ten(home_council, name, locations):
    report = import_document(home_council, in_uckfield(example(name)))
    assert report.ok, report.errors
    assert Partner.objects.get().name == "Example Organization Inc."
    assert Partner.objects.get().locations.count() == locations
    assert report.notes == ["This file is page 1 of 10 of an Open Referral UK list of 10: only this page's records "
                            "were read. Import the other pages as well."]


def test_the_published_examples_imported_together_are_one_organisation_with_one_location(home_council):
    documents = [in_uckfield(example(name)) for name in ("service_full", "organization_full",
                                                          "service_at_location_full")]
    report = import_document(home_council, documents)
    assert report.ok, report.errors
    assert report.created == 1
    assert Partner.objects.get().locations.count() == 1  # the same location through three documents


SERVICE = {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "Community Counselling", "status": "active"}
PLACE = {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical", "latitude": 50.97,
         "longitude": 0.098}


@pytest.mark.parametrize(("document", "label", "message"), [
    (SERVICE, "service 1 (Community Counselling)",
     "it is a service without its organization (organization): Pilotbook lists organisations, never a service as "
     "one, so give the service's organization, or import the organization with its services"),
    ({"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": PLACE, "service": SERVICE}, "service at location 1",
     "it is a service at a location without its organization (service.organization): Pilotbook lists "
     "organisations, never a service as one, so give the service's organization, or import the organization with "
     "its services"),
    ({"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": PLACE}, "service at location 1",
     "it is a service at a location without its organization (service.organization): Pilotbook lists "
     "organisations, never a service as one, so give the service's organization, or import the organization with "
     "its services"),
    ({**PLACE, "name": "MyCity Civic Center"}, "location 1 (MyCity Civic Center)",
     "it is a location on its own, which does not say which organisation is there: import the organization with "
     "its services, or the services at locations (each with its service and organization)"),
    ({"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": "MyCity Civic Center",
      "service": {**SERVICE, "organization": {"name": "Example Organization Inc."}}},
     "service at location 1", "location must be an object, not text"),
    ({"name": "Example Organization Inc.", "services": [{**SERVICE, "service_at_locations": [{"location": [PLACE]}]}]},
     "organization 1 (Example Organization Inc.)",
     "services[0].service_at_locations[0].location must be an object, not a list"),
])
def test_what_is_not_an_organisation_with_its_places_is_named_and_nothing_is_written(home_council, document,
                                                                                      label, message):
    report = import_document(home_council, document)
    assert [(e.label, e.message) for e in report.errors] == [(label, message)]
    assert not Partner.objects.exists()


def test_an_organisations_locations_through_several_services_are_each_on_the_map_once(home_council):
    other = {**PLACE, "id": "3a19ff88-4620-4d17-9830-ac1d859e0002", "latitude": 50.96}
    phone = {**PLACE, "id": "3a19ff88-4620-4d17-9830-ac1d859e0003", "location_type": "virtual"}
    org = {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Example Organization Inc.", "description": "",
           "services": [{**SERVICE, "service_at_locations": [{"location": PLACE}, {"location": other}]},
                        {**SERVICE, "id": "ac148810-d857-441c-9679-408f346d0002",
                         "service_at_locations": [{"location": PLACE}, {"location": phone}]}]}
    report = import_document(home_council, org)
    assert report.ok, report.errors
    assert sorted(loc.latitude for loc in Partner.objects.get().locations.all()) == [50.96, 50.97]


def test_a_service_read_before_its_organisation_adds_its_places_to_that_organisation(home_council):
    org = {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Example Organization Inc.", "description": "Ours",
           "attributes": [{"id": "c0000000-0000-4000-8000-000000000001", "taxonomy_term": {
               "id": "d0000000-0000-4000-8000-000000000001", "name": "Libraries", "description": "",
               "taxonomy": "pilotbook:sector", "term": "libraries"}}]}
    service = {**SERVICE, "organization": {"id": org["id"], "name": "Example Org"},
               "service_at_locations": [{"location": PLACE}]}
    report = import_document(home_council, {"total_items": 2, "contents": [service, org]}, default_sector=None)
    assert report.ok, report.errors
    partner = Partner.objects.get()
    assert (partner.name, partner.description, partner.sector.slug) == ("Example Organization Inc.", "Ours",
                                                                        "libraries")
    assert partner.locations.count() == 1


# Export: validated against the published schemas -----------------------------------------------------------

@pytest.fixture
def exported(home_council):
    import_file(home_council, "open_referral.json")
    import_file(home_council, "partners.csv")
    import_file(home_council, "overpass.json")
    make_partner(home_council, name="No Email Or Website", groups=(), description="")
    return exporters.to_open_referral(exporters.partners_for_export(home_council))


def test_every_exported_organisation_is_valid_against_the_oruk_organization_schema(exported):
    assert len(exported) == 10
    for organization in exported:
        assert schema_errors(organization, schema("organization")) == [], organization["name"]
        assert fields_not_in(organization, schema("organization")) == [], organization["name"]


def test_the_export_as_a_whole_and_as_an_api_page_is_valid(exported):
    assert schema_errors(exported, {"type": "array", "items": {"$ref": PUBLISHED_AT + "organization.json"}}) == []
    page = {"total_items": len(exported), "total_pages": 1, "page_number": 1, "size": len(exported),
            "first_page": True, "last_page": True, "empty": False, "contents": exported}
    assert schema_errors(page, page_of("organization")) == []


def test_the_export_puts_locations_where_oruk_v3_has_them_and_writes_no_null_text(exported):
    pharmacy = next(org for org in exported if org["name"] == "Uckfield Community Pharmacy")
    [service] = pharmacy["services"]
    assert [sal["location"]["name"] for sal in service["service_at_locations"]] == ["High Street branch"]
    assert "locations" not in pharmacy and "alternate_name" not in pharmacy
    bare = next(org for org in exported if org["name"] == "No Email Or Website")
    assert "email" not in bare and "website" not in bare and bare["description"] == ""
    assert "null" not in json.dumps(exported)


def test_the_oruk_export_imports_back_exactly(home_council, other_council, exported):
    from .test_importers import snapshot

    report = import_document(other_council, exported, default_sector=None)
    assert report.ok, report.errors
    assert snapshot(other_council) == [row[:2] + ("",) + row[3:] for row in snapshot(home_council)]  # no osm ids


def test_the_export_download_is_the_oruk_export(client, officer, home_council):
    import_file(home_council, "open_referral.json")
    client.force_login(officer)
    response = client.get(reverse("partner-export-json", args=["HOM"]))
    assert json.loads(response.content) == exporters.to_open_referral(exporters.partners_for_export(home_council))


def test_importing_one_page_of_a_list_through_the_page_says_the_other_pages_are_not_in_it(client, officer,
                                                                                          home_council):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    upload = SimpleUploadedFile("organizations.json", (ORUK / "examples" / "organization_list.json").read_bytes())
    page = client.post(reverse("partner-import", args=["HOM"]),
                       {"file": upload, "default_sector": sector("voluntary-community").pk}).content.decode()
    assert "Import complete" in page
    assert "This file is page 1 of 10 of an Open Referral UK list of 10" in page
