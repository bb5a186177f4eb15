"""The read API: the pages' access rules, browse filters and pagination, JSON errors, and its OpenAPI document."""

import re
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pilotbook.api import urls as api_urls
from pilotbook.evidence.models import PooledGroup, PooledMembership
from tests.conftest import PERSONAS

from .helpers import every_kind, published


@pytest.fixture
def kinds(home_council, officer):
    return every_kind(home_council, officer)


def titles(response):
    assert response.status_code == 200, response.content
    return {r["title"] for r in response.json()["results"]}


SEES = {
    "anonymous": {"public", "anonymous", "embargoed", "running"},
    "other_officer": {"public", "anonymous", "embargoed", "running", "councils"},
    "officer": {"public", "anonymous", "embargoed", "running", "councils", "draft"},
    "moderator": {"public", "anonymous", "embargoed", "running", "councils", "draft"},
}


@pytest.mark.parametrize("persona", SEES)
def test_each_person_sees_what_the_pages_show_them(persona, kinds, persona_client):
    client = persona_client(persona)
    assert titles(client.get("/api/pilots/")) == {kinds[k].title for k in SEES[persona]}
    for kind, pilot in kinds.items():
        response = client.get(f"/api/pilots/{pilot.pk}/")
        page = client.get(pilot.get_absolute_url())
        assert response.status_code == page.status_code == (200 if kind in SEES[persona] else 404), kind
        if response.status_code == 404:
            assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_and_names_follow_the_pilot_page(persona, kinds, persona_client):
    client = persona_client(persona)
    embargoed = client.get(f"/api/pilots/{kinds['embargoed'].pk}/").json()
    withheld = client.get(f"/api/pilots/{kinds['anonymous'].pk}/").json()
    insider = persona in ("officer", "champion", "council_admin")
    assert (embargoed["result"] is not None) == (insider or persona == "moderator")
    assert (withheld["council"] is not None) == (insider or persona == "moderator")
    assert withheld["council_withheld"] is (withheld["council"] is None)


def test_the_anonymous_api_never_reveals_a_withheld_council(client, kinds):
    everything = client.get("/api/pilots/?page_size=100").content + client.get(
        f"/api/pilots/{kinds['anonymous'].pk}/").content
    withheld = client.get(f"/api/pilots/{kinds['anonymous'].pk}/").json()
    assert withheld["council"] is None
    assert titles(client.get("/api/pilots/?council=HOM")) == {kinds[k].title for k in ("public", "embargoed",
                                                                                        "running")}
    assert client.get("/api/councils/HOM/").json()["pilots"] == 3
    assert everything.count(b"Homeshire") == 3 * 2  # council and councils of the public, embargoed and running pilots


def test_filters_search_and_pagination(client, kinds, home_council, officer):
    published(home_council, officer, title="Bin day texts", service_area="waste")
    assert titles(client.get("/api/pilots/?service_area=waste")) == {"Bin day texts"}
    assert titles(client.get("/api/pilots/?status=running")) == {"Running arrears letter"}
    assert "Bin day texts" in titles(client.get("/api/pilots/?q=bin+day"))
    first = client.get("/api/pilots/?page_size=2").json()
    assert first["count"] == 5 and first["pages"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["previous"]
    seen = [r["id"] for r in first["results"] + second["results"] + client.get(second["next"]).json()["results"]]
    assert len(set(seen)) == 5


@pytest.mark.parametrize(("query", "field"), [
    ("service_area=bins", "service_area"), ("status=lost", "status"), ("page=0", "page"), ("page=two", "page"),
    ("page_size=1000", "page_size"), ("colour=red", "colour"),
])
def test_bad_parameters_are_json_errors(query, field, client, db):
    response = client.get(f"/api/pilots/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_page_past_the_end_is_404_and_writes_are_refused(client, kinds):
    assert client.get("/api/pilots/?page=9").json()["error"]["status"] == 404
    from django.test import Client
    response = Client(enforce_csrf_checks=True).post("/api/pilots/")
    assert response.status_code == 405 and response.json()["error"]["status"] == 405
    assert client.get("/api/pilots/999999/").status_code == 404


def test_councils(client, kinds, other_council):
    data = client.get("/api/councils/").json()
    assert {c["code"]: c["pilots"] for c in data["results"]} == {"HOM": 3, "OTH": 0}
    assert client.get("/api/councils/?nation=Wales").json()["count"] == 0
    response = client.get("/api/councils/?nation=Atlantis")
    assert response.status_code == 400 and "Atlantis is not one of the available choices" in str(response.json())
    assert client.get("/api/councils/ZZZ/").status_code == 404


def test_pooled_groups_pool_only_what_the_person_may_see(client, kinds, home_council, officer, moderator):
    group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact")
    for kind in ("public", "councils"):
        PooledMembership.objects.create(group=group, pilot=kinds[kind])
    listed = client.get("/api/pooled-groups/").json()["results"]
    assert [g["slug"] for g in listed] == ["arrears-letters"]
    detail = client.get("/api/pooled-groups/arrears-letters/").json()
    assert [m["title"] for m in detail["members"]] == ["Public arrears letter"]
    client.force_login(moderator)
    detail = client.get("/api/pooled-groups/arrears-letters/").json()
    assert len(detail["members"]) == 2
    assert client.get("/api/pooled-groups/nothing/").status_code == 404


# The OpenAPI document.

def _api_paths() -> set[str]:
    paths = set()
    for pattern in api_urls.urlpatterns:
        route = str(pattern.pattern)
        if route.startswith("api/"):
            paths.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return paths


def test_every_api_url_is_described_with_its_parameters(client, db):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == _api_paths()
    for path, item in document["paths"].items():
        operation = item["get"]
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        assert "200" in operation["responses"]
    listed = {p["name"] for p in document["paths"]["/api/pilots/"]["get"]["parameters"]}
    from pilotbook.pilots.views.browse import PilotFilterForm
    assert set(PilotFilterForm.base_fields) | {"page", "page_size"} == listed


def test_every_api_url_is_in_the_site_urls():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)
    routes = set(walk(get_resolver().url_patterns))
    assert {"/" + r for r in routes if r.startswith("api/")} >= {
        p.replace("{pk}", "<int:pk>").replace("{code}", "<str:code>").replace("{slug}", "<slug:slug>")
        for p in _api_paths()}


def _validator(document, name_or_schema):
    schema = name_or_schema if isinstance(name_or_schema, dict) else {"$ref": f"#/components/schemas/{name_or_schema}"}
    root = {**document, **schema}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def test_real_responses_match_the_document(client, kinds, home_council, officer):
    group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact")
    PooledMembership.objects.create(group=group, pilot=kinds["public"])
    document = client.get("/api/openapi.json").json()
    client.force_login(officer)

    def schema_of(path, status="200"):
        response = document["paths"][path]["get"]["responses"][status]
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return response["content"]["application/json"]["schema"]

    checks = [
        ("/api/pilots/", "/api/pilots/?page_size=3"),
        ("/api/pilots/{pk}/", f"/api/pilots/{kinds['embargoed'].pk}/"),
        ("/api/councils/", "/api/councils/"),
        ("/api/councils/{code}/", "/api/councils/HOM/"),
        ("/api/pooled-groups/", "/api/pooled-groups/"),
        ("/api/pooled-groups/{slug}/", "/api/pooled-groups/arrears-letters/"),
    ]
    for path, url in checks:
        errors = [e.message for e in _validator(document, schema_of(path)).iter_errors(client.get(url).json())]
        assert errors == [], (url, errors[:3])
    bad = client.get("/api/pilots/?status=lost").json()
    assert _validator(document, schema_of("/api/pilots/", "400")).is_valid(bad)


def test_the_index_links_every_collection(client, db):
    links = client.get("/api/").json()
    listed = {urlsplit(value).path for value in links.values() if isinstance(value, str)}
    collections = {p for p in _api_paths() if "{" not in p and p not in ("/api/",)}
    assert collections <= listed, collections - listed
