"""What the registry shows from the apps built on it, without importing them (ADR 0017).

The registry sits below the features (evidence, discussion, overdue...), so it never imports them. Where one of
its pages shows something a feature works out, the registry owns a named slot here and the feature fills it in its
AppConfig.ready():

    # pilotbook/evidence/apps.py
    def ready(self):
        from pilotbook.pilots.extensions import similar_pilots
        similar_pilots.provide(suggestions_for_idea)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Slot:
    """One thing a higher app provides; calling the slot calls what was provided, or `missing` when no installed
    app provides it (the page then shows the section empty, as it would with nothing to show)."""

    def __init__(self, name: str, missing: Callable[..., Any]):
        self.name = name
        self._missing = missing
        self._provided: Callable[..., Any] | None = None

    def provide(self, function: Callable[..., Any]) -> None:
        if self._provided is not None and self._provided is not function:
            raise RuntimeError(f"Two apps provide {self.name}: {self._provided.__module__} and {function.__module__}")
        self._provided = function

    def __call__(self, *args, **kwargs):
        return (self._provided or self._missing)(*args, **kwargs)


def _no_similar_pilots(text: str, *, viewer, exclude=None, **options) -> tuple[list, int]:
    return [], 0


# "Similar pilots elsewhere" on a pilot's page: (text, viewer=, exclude=) -> (suggestions, how many dismissed).
# Provided by pilotbook.evidence (suggestions_for_idea).
similar_pilots = Slot("similar pilots elsewhere", _no_similar_pilots)


class Contributions:
    """Something several higher apps each add to: calling it gives the union of what every provided function
    returns (a set), or an empty set when none is installed."""

    def __init__(self, name: str):
        self.name = name
        self._provided: list[Callable[..., Any]] = []

    def provide(self, function: Callable[..., Any]) -> None:
        if function not in self._provided:
            self._provided.append(function)

    def __call__(self, *args, **kwargs) -> frozenset:
        return frozenset().union(*(function(*args, **kwargs) for function in self._provided))


# The councils, besides the pilot's own, whose membership can change what a feature's part of a pilot's page shows
# (the access rules that part applies look at membership of these councils and no other): (pilot) -> council codes.
# The page shares its body among readers whose membership of these councils is the same
# (pilotbook.pilots.access.audience_among). Provided by pilotbook.materials and pilotbook.hackdays.
pilot_page_councils = Contributions("councils a pilot page's parts depend on")
