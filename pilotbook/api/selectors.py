"""The pilots a browse or search request asks for, limited to what the person may see.

The parameters are the browse page's (pilotbook.pilots.views.browse.PilotFilterForm, reused through
pilotbook.api.parameters.PilotParameters, not copied), except that `q` goes through the evidence search
(pilotbook.evidence.search.search_pilots): ranked, synonym-aware, and so limited to published pilots whose results
are released.
"""

from __future__ import annotations

from pilotbook.evidence.search import search_pilots
from pilotbook.pilots.models import Pilot

from .records import for_records


def filtered_pilots(form, user) -> list[Pilot] | object:
    """A queryset (no `q`) or a ranked list (with `q`) of pilots visible to `user` matching a valid PilotParameters
    form (pilotbook.api.parameters.checked gives one)."""
    q = form.cleaned_data.get("q", "").strip()
    form.cleaned_data = {**form.cleaned_data, "q": ""}  # the form's own word filter gives way to the search
    pilots = form.filter(for_records(Pilot.objects.visible_to(user)).order_by("-updated_at", "-pk"), user)
    if not q:
        return pilots
    hits = search_pilots(q, queryset=pilots)
    found = pilots.in_bulk([hit.pilot_id for hit in hits])
    return [found[hit.pilot_id] for hit in hits if hit.pilot_id in found]
