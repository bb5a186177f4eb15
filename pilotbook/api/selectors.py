"""The pilots a browse or search request asks for, limited to what the person may see.

The parameters are the browse page's (pilotbook.pilots.views.browse.PilotFilterForm, reused, not copied), except
that `q` goes through the evidence search (pilotbook.evidence.search.search_pilots): ranked, synonym-aware, and
so limited to published pilots whose results are released.
"""

from __future__ import annotations

from pilotbook.evidence.search import search_pilots
from pilotbook.pilots.models import Pilot
from pilotbook.pilots.views.browse import PilotFilterForm

from .records import for_records


class BadParameters(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def filtered_pilots(params, user) -> list[Pilot] | object:
    """A queryset (no `q`) or a ranked list (with `q`) of pilots visible to `user` matching `params`."""
    form = PilotFilterForm(params, user=user)
    if not form.is_valid():
        raise BadParameters({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    q = form.cleaned_data.get("q", "").strip()
    form.cleaned_data = {**form.cleaned_data, "q": ""}  # the form's own word filter gives way to the search
    pilots = form.filter(for_records(Pilot.objects.visible_to(user)).order_by("-updated_at", "-pk"), user)
    if not q:
        return pilots
    hits = search_pilots(q, queryset=pilots)
    found = pilots.in_bulk([hit.pilot_id for hit in hits])
    return [found[hit.pilot_id] for hit in hits if hit.pilot_id in found]
