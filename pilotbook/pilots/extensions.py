"""What the registry shows from the apps built on it, without naming them (ADR 0017).

The registry sits below the features (evidence, discussion, hack days, materials...), so neither its Python nor its
templates name them. Where its pilot page shows something a feature works out, the page has a place for it
(pilotbook.web.sections), and the feature adds its section, with its own template, in its AppConfig.ready():

    # pilotbook/hackdays/apps.py
    def ready(self):
        from pilotbook.pilots.extensions import pilot_page
        pilot_page.add("after_actions", "hack-day origin", template="hackdays/includes/pilot_origin.html",
                       context=presenters.pilot_origin)

The places, in the page's order:
- after_actions: under "What to do next" (hack days: the idea the pilot came from);
- after_result: under the result, before the registration record (materials: what the pilot attached or used);
- end: the last part of the pilot's record (evidence: "Similar pilots elsewhere");
- below: under the record, outside it (discussion: the pilot's thread).

The first three are part of the pilot's record, which is built once per data version for everyone whose membership
of the councils it depends on is the same (pilotbook.pilots.views.detail.page_councils, ADR 0020): a section there
may depend on who is reading only through their membership of the pilot's own councils, of the councils that
withhold their names, or of the councils the feature names in pilot_page_councils below; never on the person.
`below` is rendered on every request, for the person reading. Without the feature installed a place is empty.
"""

from collections.abc import Callable
from typing import Any

from pilotbook.web.sections import Page

pilot_page = Page("pilot", places=("after_actions", "after_result", "end", "below"))


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
