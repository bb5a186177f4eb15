"""Sections of a page that apps above the page's owner provide, so a template never names a higher app (ADR 0017).

The app that owns a page declares it with the places where sections may go; an app above fills a place in its
AppConfig.ready(), with its own template and a function giving that template's context; the page's template
renders each place with `{% load page_sections %}{% page_sections "pilot" "after_result" pilot %}`:

    # pilotbook/pilots/extensions.py (the owner)
    pilot_page = Page("pilot", places=("after_actions", "after_result", "end", "below"))

    # pilotbook/materials/apps.py (a feature above it)
    def ready(self):
        from pilotbook.pilots.extensions import pilot_page
        pilot_page.add("after_result", "materials", template="materials/includes/pilot_materials.html",
                       context=presenters.pilot_materials)

A section is rendered as an inclusion tag is, in a context of its own: what its function returns, with `request`,
`user` and the page's CSRF token (none of the page's other names). Its function is called with the page's object
and the request, and returns None to leave the section out. Sections of a place come in the order they were added. A
place nobody fills renders nothing, so the page works without the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template import Context

_pages: dict[str, Page] = {}


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    context: Callable[[Any, Any], dict | None]  # (the page's object, the request) -> the template's context


class Page:
    """A page with places that apps above its owner fill with sections."""

    def __init__(self, name: str, places: tuple[str, ...]):
        if name in _pages:
            raise RuntimeError(f"Two pages are called {name!r}")
        self.name = name
        self._places: dict[str, list[Section]] = {place: [] for place in places}
        _pages[name] = self

    def add(self, place: str, name: str, *, template: str, context: Callable[[Any, Any], dict | None]) -> None:
        """Add a section to a place (again under the same name replaces it, so ready() may run twice)."""
        if place not in self._places:
            raise ValueError(f"The {self.name} page has no place {place!r}: it has {', '.join(self._places)}")
        sections = [section for section in self._places[place] if section.name != name]
        self._places[place] = [*sections, Section(name, template, context)]

    def sections(self, place: str) -> list[Section]:
        return list(self._places[place])

    def render(self, place: str, obj, context: Context) -> str:
        """Every section of `place` for `obj`, rendered in the page's template context."""
        if place not in self._places:
            raise ValueError(f"The {self.name} page has no place {place!r}: it has {', '.join(self._places)}")
        request = context["request"]
        out = []
        for section in self._places[place]:
            data = section.context(obj, request)
            if data is None:
                continue
            inner = context.new({"request": request, "user": request.user, **data})
            csrf_token = context.get("csrf_token")
            if csrf_token is not None:
                inner["csrf_token"] = csrf_token
            out.append(context.template.engine.get_template(section.template).render(inner))
        return "".join(out)


def page(name: str) -> Page:
    try:
        return _pages[name]
    except KeyError:
        raise ValueError(f"No app declares a page called {name!r} (pages: {', '.join(sorted(_pages))})") from None
