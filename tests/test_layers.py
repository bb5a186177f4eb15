"""The interfaces the lower layers own (ADR 0017): a page's places (pilotbook.web.sections, declared by the page's
owner, e.g. pilotbook.pilots.extensions) are filled by the apps above it in their AppConfig.ready(), and the pages
that combine domains are answered by pilotbook.site."""

import pytest
from django.template import Context, Template
from django.urls import resolve

from pilotbook.web import sections
from pilotbook.web.sections import Page, page


def test_the_features_fill_the_pilot_pages_places_in_their_ready():
    pilot_page = page("pilot")
    filled = {place: [(s.name, s.template) for s in pilot_page.sections(place)]
              for place in ("after_actions", "after_result", "end", "below")}
    assert filled == {
        "after_actions": [("hack-day origin", "hackdays/includes/pilot_origin.html")],
        "after_result": [("materials", "materials/includes/pilot_materials.html")],
        "end": [("similar pilots", "evidence/includes/pilot_similar.html")],
        "below": [("discussion", "discussion/section.html")],
    }
    assert [s.template for s in page("pooled group").sections("below")] == ["discussion/section.html"]
    assert [s.template for s in page("material").sections("below")] == ["discussion/section.html"]


@pytest.fixture
def example():
    yield Page("example for a test", places=("end",))
    del sections._pages["example for a test"]


def test_a_place_renders_its_sections_in_order_and_leaves_out_those_that_return_none(example, rf):
    example.add("end", "first", template="govuk/pagination.html", context=lambda obj, request: None)
    request = rf.get("/")
    request.user = None
    template = Template("{% load page_sections %}[{% page_sections 'example for a test' 'end' obj %}]")
    assert template.render(Context({"request": request, "obj": 1})) == "[]"
    example.add("end", "first", template="evidence/includes/pilot_similar.html",
                context=lambda obj, request: {"similar": []})  # the same name again replaces it
    example.add("end", "second", template="hackdays/includes/pilot_origin.html", context=lambda obj, request: {})
    html = template.render(Context({"request": request, "obj": 1}))
    assert 'id="similar"' in html and "hack-day" not in html
    assert [s.name for s in example.sections("end")] == ["first", "second"]


def test_a_misspelt_page_or_place_is_an_error_not_an_empty_section():
    with pytest.raises(ValueError, match="No app declares a page called 'pilots'"):
        page("pilots")
    with pytest.raises(ValueError, match="The pilot page has no place 'footer'"):
        page("pilot").add("footer", "x", template="x.html", context=lambda obj, request: {})
    with pytest.raises(RuntimeError, match="Two pages are called 'pilot'"):
        Page("pilot", places=("end",))


@pytest.mark.parametrize(("path", "name", "module"), [
    ("/", "home", "pilotbook.site.pages"),
    ("/councils/", "council-list", "pilotbook.site.councils"),
    ("/councils/ABC/", "council-detail", "pilotbook.site.councils"),
    ("/dashboard/", "dashboard", "pilotbook.site.dashboard"),
    ("/pilots/new/", "pilot-create", "pilotbook.site.registration"),
    ("/councils/ABC/team/", "council-team", "pilotbook.councils.views"),
])
def test_pages_keep_their_addresses_and_names(path, name, module):
    match = resolve(path)
    assert (match.url_name, match.func.__module__) == (name, module)
