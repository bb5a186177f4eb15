"""The read API: the pages' access rules, browse filters and pagination, JSON errors, and its OpenAPI document."""

import re
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import OpenAPIV31SpecValidator

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
            assert response["Content-Type"] == "application/problem+json" and response.json()["status"] == 404


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
def test_bad_parameters_are_problem_details_naming_the_parameter(query, field, client, db):
    response = client.get(f"/api/pilots/?{query}")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert [e["parameter"] for e in problem["errors"]] == [field]


def test_a_page_past_the_end_is_404_and_writes_are_refused(client, kinds):
    assert client.get("/api/pilots/?page=9").json()["status"] == 404
    from django.test import Client
    response = Client(enforce_csrf_checks=True).post("/api/pilots/")
    assert response.status_code == 405 and response.json()["status"] == 405
    assert client.get("/api/pilots/999999/").status_code == 404


def test_councils(client, kinds, other_council):
    data = client.get("/api/councils/").json()
    assert {c["code"]: c["pilots"] for c in data["results"]} == {"HOM": 3, "OTH": 0}
    assert client.get("/api/councils/?nation=Wales").json()["count"] == 0
    response = client.get("/api/councils/?nation=Atlantis")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"parameter": "nation", "detail": "'Atlantis' is not one of its values: "
                                          "England, Northern Ireland, Scotland, Wales."}]
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
    from pilotbook.pilots.forms import PilotFilterForm
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


def test_the_openapi_document_is_valid_openapi_3_1(client, db):
    OpenAPIV31SpecValidator(client.get("/api/openapi.json").json()).validate()


def _documented(document, path: str, method: str, status: int) -> dict:
    """The documented response (with $ref followed) of an operation for a status."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, (path, method, status, "not documented")
    response = responses[str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def assert_as_documented(document, path: str, response):
    """The answer's status, content type, body and documented headers are what the document says."""
    documented = _documented(document, path, "get", response.status_code)
    [(content_type, content)] = documented["content"].items()
    assert response["Content-Type"] == content_type, (path, response.status_code, response["Content-Type"])
    errors = [e.message for e in _validator(document, content["schema"]).iter_errors(response.json())]
    assert errors == [], (path, response.status_code, errors[:3])
    for name, header in documented.get("headers", {}).items():
        header = document["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
        assert response[name] == header["schema"]["const"], (path, name)


@pytest.fixture
def group(kinds):
    group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact")
    PooledMembership.objects.create(group=group, pilot=kinds["public"])
    return group


def _address(path: str, values: dict) -> str:
    return re.sub(r"{(\w+)}", lambda found: str(values[found.group(1)]), path)


def test_every_documented_path_answers_as_the_document_says(client, kinds, group, officer):
    """Each path with and without each of its parameters (every allowed value of a choice, in any case, and the
    limits of a number), with a parameter it does not take, with a value it does not allow, for something that
    is not there, and with a method it does not allow: each answer's status, content type, body and CORS header
    are documented."""
    document = client.get("/api/openapi.json").json()
    client.force_login(officer)
    there = {"pk": kinds["embargoed"].pk, "code": "HOM", "slug": group.slug}
    missing = {"pk": 999999, "code": "ZZZ", "slug": "nothing"}
    answered = set()
    for path, item in document["paths"].items():
        address = _address(path, there)
        answers = [client.get(address), client.head(address), client.get(address, {"not_a_parameter": "1"}),
                   client.post(address), client.get(f"{address}?page=1&page=2")]
        if "{" in path:
            answers.append(client.get(_address(path, missing)))
        for parameter in item["get"].get("parameters", []):
            schema, name = parameter["schema"], parameter["name"]
            if parameter["in"] != "query":
                continue
            for value in schema.get("enum", []):
                answers += [client.get(address, {name: value}), client.get(address, {name: value.swapcase()})]
                assert answers[-1].status_code == 200, (path, name, value.swapcase())
            if schema["type"] == "integer":
                answers += [client.get(address, {name: schema["minimum"]}), client.get(address, {name: "x"}),
                            client.get(address, {name: schema["minimum"] - 1})]
                if "maximum" in schema:
                    answers += [client.get(address, {name: schema["maximum"]}),
                                client.get(address, {name: schema["maximum"] + 1})]
            if "enum" in schema:
                answers.append(client.get(address, {name: "not-a-value"}))
                assert answers[-1].status_code == 400
            if "maxLength" in schema:
                answers.append(client.get(address, {name: "x" * (schema["maxLength"] + 1)}))
                assert answers[-1].status_code == 400
        for response in answers:
            if response.request["REQUEST_METHOD"] == "HEAD":  # a GET without the body
                assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
                continue
            assert_as_documented(document, path, response)  # a POST's 405 is documented under GET's responses
            answered.add((path, response.status_code))
    for path in document["paths"]:
        assert {(path, 200), (path, 400), (path, 405)} <= answered, path
        if "{" in path:
            assert (path, 404) in answered, path


def test_a_server_fault_under_the_api_is_a_documented_problem(kinds, group, monkeypatch):
    from django.test import Client

    from pilotbook.evidence import pooling

    def fails(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(pooling, "analyse_group", fails)
    client = Client(raise_request_exception=False)
    document = client.get("/api/openapi.json").json()
    response = client.get("/api/pooled-groups/")
    assert response.status_code == 500 and "a fault" not in response.content.decode()
    assert_as_documented(document, "/api/pooled-groups/", response)
    page = client.get(group.get_absolute_url())  # a page is the HTML error page, as before
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("address", ["/api/pilots/abc/", "/api/nothing/", "/api/pilots/1/extra/", "/api/councils/H/O/"])
def test_any_other_address_under_the_api_is_a_problem_not_the_html_page(address, client, db):
    document = client.get("/api/openapi.json").json()
    response = client.get(address)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"Nothing is at {address} in this API")
    assert _validator(document, {"$ref": "#/components/schemas/Problem"}).is_valid(response.json())
    from django.test import Client
    assert Client(enforce_csrf_checks=True).post(address).status_code == 404  # not a CSRF page either


def test_an_api_address_without_its_final_slash_is_sent_on_to_it(client, db):
    response = client.get("/api/pilots?status=running")
    assert response.status_code == 301 and response["Location"] == "/api/pilots/?status=running"
    assert client.get("/api/openapi.json/").status_code == 404


def test_choices_are_not_case_sensitive_and_any_council_may_be_asked_for(client, kinds, other_council):
    assert titles(client.get("/api/pilots/?council=hom")) == titles(client.get("/api/pilots/?council=HOM")) != set()
    assert titles(client.get("/api/pilots/?nation=ENGLAND&status=RUNNING")) == {"Running arrears letter"}
    assert client.get("/api/councils/?nation=england").json()["count"] == 2
    # A council with nothing to show is an empty list, not a 400 (nor a 400 that would tell a withheld name).
    assert titles(client.get("/api/pilots/?council=OTH")) == set()
    assert client.get("/export/pilots.json?council=oth").json()["pilots"] == []


def test_every_endpoint_refuses_a_parameter_it_does_not_take_or_one_given_twice(client, kinds):
    for address in ("/api/", "/api/pilots/", "/api/councils/", "/api/councils/HOM/", "/api/overdue/",
                    "/api/pooled-groups/", "/api/openapi.json", f"/api/pilots/{kinds['public'].pk}/",
                    "/export/pilots.csv", "/export/evidence.json", "/export/pilots.csv-metadata.json"):
        response = client.get(address, {"colour": "red"})
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json", address
        [error] = response.json()["errors"]
        assert error["parameter"] == "colour" and error["detail"].startswith("Not a parameter of this address")
    response = client.get("/api/pilots/?status=running&status=draft")
    assert response.json()["errors"] == [{"parameter": "status", "detail": "Given more than once; give it once."}]


def test_the_document_lists_every_council_and_nation_the_api_accepts(client, kinds, other_council):
    from pilotbook.councils.models import nation_values

    document = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/pilots/"]["get"]["parameters"]}
    assert parameters["council"]["enum"] == ["HOM", "OTH"]
    assert parameters["nation"]["enum"] == nation_values()
    councils = document["paths"]["/api/councils/"]["get"]["parameters"]
    assert [p["schema"]["enum"] for p in councils] == [nation_values()]


def test_links_and_ids_use_the_configured_site_address_not_the_host_header(client, kinds, settings):
    settings.PILOTBOOK_SITE_URL = "https://pilotbook.example.org"
    for address in ("/api/", "/api/pilots/?page_size=2", f"/api/pilots/{kinds['public'].pk}/", "/api/councils/",
                    "/api/overdue/", "/export/pilots.json", "/schema/pilot.json", "/api/openapi.json"):
        body = client.get(address, HTTP_HOST="localhost").content.decode()
        assert "localhost" not in body and "testserver" not in body, address
        assert "https://pilotbook.example.org" in body, address
    assert client.get("/schema/pilot.json", HTTP_HOST="localhost").json()["$id"] == (
        "https://pilotbook.example.org/schema/pilot.json")


def test_the_index_links_every_collection(client, db):
    links = client.get("/api/").json()
    listed = {urlsplit(value).path for value in links.values() if isinstance(value, str)}
    collections = {p for p in _api_paths() if "{" not in p and p not in ("/api/",)}
    assert collections <= listed, collections - listed
