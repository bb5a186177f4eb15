"""Every list and filter address (pages, exports, feeds, the API) answers hostile parameters without a 500.

The addresses and their parameters are found, not listed by hand, so a new filter is covered the day it is added:
- every URL pattern of the site (the admin aside), with sample values for its path;
- for each, the parameters its view reads: names in `request.GET`, and the fields of any form or helper it gives
  `request.GET` to (read from the view's source), the fields of the GET forms and the query-string links on its
  page, and for the API the query parameters its OpenAPI document lists.

Then each parameter is sent a NUL byte (%00: PostgreSQL refuses it in text, so passed to a query it was a 500),
another control character, and values that are too long, out of range or not a choice. Run on SQLite and on
PostgreSQL (`DATABASE_URL=postgres://... pytest tests/test_hostile_parameters.py`).
"""

from __future__ import annotations

import importlib
import inspect
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.forms import BaseForm
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilotbook.evidence.models import PooledGroup
from pilotbook.partners import services as partner_services
from pilotbook.pilots.choices import Status
from tests.factories import make_pilot
from tests.hackdays.conftest import make_hack_day
from tests.partners.conftest import make_partner

# Read by every page's machinery rather than by one view: pagination, search boxes, the sign-in redirect.
EVERYWHERE = {"page", "q", "next"}
# Pages (not parameters) the walk leaves out: the admin is Django's own, and sign-out only answers POST.
SKIPPED_PREFIXES = ("admin/",)

_GET_NAME = re.compile(r"""(?:request\.GET|params)(?:\.get\(|\.getlist\(|\[)\s*["'](\w+)["']""")
_IN_GET = re.compile(r"""["'](\w+)["']\s+in\s+request\.GET""")
_INT_PARAM = re.compile(r"""_int_param\(request,\s*["'](\w+)["']""")
_HANDED_GET = re.compile(r"""(\w+)\(\s*(?:request\.GET|params)\b""")
_CHECKED_WITH = re.compile(r"""checked\(\s*request\.GET\s*,\s*(\w+)""")  # pilotbook.api.parameters.checked


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, pattern


def _source_parameters(function, depth: int = 0) -> set[str]:
    """Parameter names a view reads from the query string, following forms and helpers it hands it to."""
    target = getattr(function, "view_class", None) or getattr(function, "__wrapped__", None) or function
    target = target if inspect.isfunction(target) or inspect.isclass(target) else type(target)
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return set()
    names = set(_GET_NAME.findall(source)) | set(_IN_GET.findall(source)) | set(_INT_PARAM.findall(source))
    namespace = getattr(inspect.unwrap(target), "__globals__", None) or vars(inspect.getmodule(target))
    for called in [*_HANDED_GET.findall(source), *_CHECKED_WITH.findall(source)]:
        thing = namespace.get(called) or _imported_inside(source, called)
        if inspect.isclass(thing) and issubclass(thing, BaseForm):
            names |= set(thing.base_fields) | set(_source_parameters(thing.__init__, depth + 1))
            names |= _form_added_fields(thing)
        elif inspect.isfunction(thing) and depth < 2:
            names |= _source_parameters(thing, depth + 1)
    return names


def _imported_inside(source: str, name: str):
    """A name the function imports in its own body (`from pilotbook.evidence.selectors import evidence_results`)."""
    found = re.search(rf"from ([\w.]+) import [^\n]*\b{name}\b", source)
    return getattr(importlib.import_module(found.group(1)), name, None) if found else None


def _form_added_fields(form_class) -> set[str]:
    """Fields a form adds in __init__ (the evidence facets): build it unbound, where it needs no arguments."""
    try:
        return set(form_class().fields)
    except TypeError:
        return set()


class _PageParameters(HTMLParser):
    """Names of the fields of GET forms, and the query-string keys of links, on a page."""

    def __init__(self, path: str):
        super().__init__()
        self.path, self.names, self._in_get_form = path, set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            parts = urlsplit(attrs["href"])
            if parts.path in ("", self.path):
                self.names |= {key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


@pytest.fixture
def world(home_council, officer, moderator):
    """One of each thing the filter pages list, so each page renders its filters and facets."""
    partner_services.sectors_load()
    published = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    draft = make_pilot(home_council, officer, title="Door knocking for arrears")
    group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact")
    group.pilots.add(published)
    hack_day = make_hack_day(home_council, officer)
    partner = make_partner(home_council)
    return {"published": published, "draft": draft, "group": group, "hack_day": hack_day, "partner": partner}


def _sample_kwargs(route: str, pattern: URLPattern, world) -> dict:
    samples = {"code": "HOM", "fmt": "json", "token": "x", "uidb64": "x", "slug": "idea", "idea_pk": 1,
               "team_pk": 1, "analysis_pk": 1, "flag_id": 1, "pilot_pk": world["draft"].pk, "pk": world["draft"].pk}
    if route.startswith("evidence/pooled/") or route.startswith("api/pooled-groups/"):
        samples["slug"] = world["group"].slug
    if route.startswith("discussion/"):
        samples["slug"] = "pilot"
    if route.startswith("hack-days/"):
        samples["pk"] = world["hack_day"].pk
    if route.startswith("partners/") and "partnerships" not in route:
        samples["pk"] = world["partner"].pk
    if route.startswith(("api/pilots/", "evidence/")):
        samples["pk"] = world["published"].pk
    return {name: samples[name] for name in pattern.pattern.converters}


def _openapi_parameters(client) -> dict[str, set[str]]:
    document = client.get(reverse("api-openapi")).json()
    found = {}
    for path, operations in document["paths"].items():
        names = {p["name"] for op in operations.values() if isinstance(op, dict)
                 for p in op.get("parameters", []) if p.get("in") == "query"}
        found[path] = names
    return found


def filter_addresses(client, world) -> list[tuple[str, set[str]]]:
    """(address, parameter names) for every page whose view reads the query string or whose page offers filters."""
    api = _openapi_parameters(client)
    found = []
    for route, pattern in _routes():
        address = reverse(pattern.name, kwargs=_sample_kwargs(route, pattern, world))
        names = _source_parameters(pattern.callback)
        names |= next((params for path, params in api.items() if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", path),
                                                                                address)), set())
        response = client.get(address)
        if "html" in response.get("Content-Type", ""):
            page = _PageParameters(address)
            page.feed(response.content.decode())
            names |= page.names
        names.discard("csrfmiddlewaretoken")
        if names:
            found.append((address, names | EVERYWHERE))
    return found


@pytest.fixture
def walk(world, officer):
    client = Client()
    client.force_login(officer)
    return client, filter_addresses(client, world)


def test_the_walk_finds_the_filters_of_the_pages_the_api_and_the_exports(walk):
    _client, addresses = walk
    found = dict(addresses)
    assert {"service_area", "nation", "verdict", "council_type", "year", "q"} <= found["/evidence/"]
    assert {"service_area", "nation", "verdict", "council_type", "year"} <= found["/export/evidence.json"]
    assert {"nation"} <= found["/api/councils/"]
    assert {"q", "service_area", "nation", "council", "page_size"} <= found["/api/pilots/"]
    assert {"q", "nation", "council", "status"} <= found["/pilots/"] & found["/export/pilots.json"]
    assert {"reason"} <= found["/evidence/what-didnt-work/"] and {"kind"} <= found["/materials/"]
    assert {"q", "sector", "group"} <= found["/partners/HOM/"] & found["/partners/HOM/map.json"]
    assert {"key"} <= found["/hack-days/council/HOM.ics"] and {"method"} <= found["/evidence/pooled/arrears-letters/"]
    assert len(addresses) >= 20


def test_a_nul_byte_in_any_parameter_of_any_filter_address_is_a_400_naming_the_parameter(walk):
    client, addresses = walk
    for address, names in addresses:
        for name in sorted(names):
            response = client.get(f"{address}?{urlencode({name: 'x' + chr(0)})}")
            assert response.status_code == 400, (address, name, response.status_code)
            assert f"The {name} parameter contains a NUL character (%00)" in response.content.decode(), (address, name)


def test_a_nul_byte_in_the_path_is_a_400_not_a_lookup(client, world):
    for address in ("/api/councils/%00/", "/feeds/results/council/%00/", "/councils/%00/", "/partners/%00/",
                    "/overdue/councils/%00/", "/hack-days/council/%00.ics", "/feeds/results/service-area/%00/"):
        response = client.get(address)
        assert response.status_code == 400 and b"The address contains a NUL character (%00)" in response.content


def test_the_api_answers_a_nul_byte_as_problem_details(client, db):
    response = client.get("/api/councils/", {"nation": "\x00"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["parameter"] == "nation" and error["detail"].startswith("The nation parameter contains a NUL")


# Another control character; a value too long for any field and no field's choice; a number too big for any column;
# a digit that is not a decimal one ("²".isdigit() is true, int("²") fails).
HOSTILE = ["\x01", "x" * 5000, "9" * 30, "\u00b2"]


def test_other_hostile_values_in_any_parameter_never_cause_a_server_error(walk):
    client, addresses = walk
    client.raise_request_exception = True  # a crash fails the test with its own traceback
    for address, names in addresses:
        for name in sorted(names):
            for value in HOSTILE:
                response = client.get(f"{address}?{urlencode({name: value})}")
                assert response.status_code < 500, (address, name, value, response.status_code)


def test_the_line_breaks_a_text_box_sends_are_not_refused(client, db):
    response = client.get(reverse("before-you-start"), {"idea": "Text people\r\nbefore bin day\tweekly"})
    assert response.status_code == 200
