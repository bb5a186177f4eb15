"""The pilots a browse or search request asks for, limited to what the person may see.

The parameters are the browse page's (pilotbook.pilots.forms.PilotFilterForm, reused through
pilotbook.api.parameters.PilotParameters, not copied), except that `q` goes through the evidence search
(pilotbook.evidence.search.Matches): ranked, synonym-aware, and so limited to published pilots whose results
are released; every match is counted and listed, not only the best the ranking core re-ranks.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from pilotbook.councils.models import Reader
from pilotbook.evidence.search import Matches
from pilotbook.pilots.models import Pilot, PilotQuerySet

from .parameters import PilotParameters
from .records import for_records

CHUNK = 1000  # pilots loaded at a time when an export reads every match


class SearchedPilots:
    """Every pilot matching a search, best first, as a sequence a Paginator pages (count() and [start:stop], each
    page's pilots loaded from `pilots`) and an export reads to the end."""

    def __init__(self, matches: Matches, pilots: QuerySet[Pilot]):
        self.matches, self.pilots = matches, pilots

    def count(self) -> int:
        return self.matches.count()

    def __len__(self) -> int:
        return self.count()

    def _loaded(self, ids: list[int]) -> list[Pilot]:
        found = self.pilots.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def __getitem__(self, index: slice) -> list[Pilot]:
        start, stop, _ = index.indices(self.count())
        return self._loaded([found.pilot_id for _, found in self.matches.rows(start, stop)]) if stop > start else []

    def __iter__(self) -> Iterator[Pilot]:
        ids = list(self.matches.pilot_ids())
        for start in range(0, len(ids), CHUNK):
            yield from self._loaded(ids[start:start + CHUNK])


def filtered_pilots(form: PilotParameters, user: Reader) -> PilotQuerySet | SearchedPilots:
    """A queryset (no `q`) or the ranked matches (with `q`) of pilots visible to `user` matching a valid
    PilotParameters form (pilotbook.api.parameters.checked gives one)."""
    q = form.cleaned_data.get("q", "").strip()
    form.cleaned_data = {**form.cleaned_data, "q": ""}  # the form's own word filter gives way to the search
    pilots = form.filter(for_records(Pilot.objects.visible_to(user)).order_by("-updated_at", "-pk"), user)
    if not q:
        return pilots
    return SearchedPilots(Matches(q, queryset=pilots), pilots)
