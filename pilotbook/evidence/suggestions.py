"""What "before you start" suggests for an idea: one selector for every place that shows it.

The "before you start" page, the registration page's check, the pilot page's "Similar pilots elsewhere" and
`pilotbook similar` all list suggestions_for_idea(), so they show the same pilots in the same order with the same
closeness. Only released results of pilots the viewer may see are suggested (Pilot.objects.visible_to(viewer)
.results_released()); the council's name is given only where council_shown_to allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from pilotbook.pilots import presenters
from pilotbook.pilots.models import Pilot

from .closeness import RELATED, SAME
from .search import Hit, similar_pilots

MAX_SUGGESTIONS = 5
CLOSENESS_WORDS = {SAME: gettext_lazy("the same idea"), RELATED: gettext_lazy("a related idea")}


@dataclass(frozen=True)
class Suggestion:
    pilot: Pilot
    hit: Hit
    verdict_tag: str  # the GOV.UK tag class of the verdict
    effect: str  # the effect in words: the pilot's own interval, or what the source reported

    @property
    def label(self) -> str:
        return self.hit.label

    @property
    def closeness_words(self) -> str:
        return str(CLOSENESS_WORDS[self.hit.label])

    @property
    def same_idea(self) -> bool:
        return self.hit.label == SAME


def effect_text(pilot: Pilot, result) -> str:
    """The effect as a suggestion shows it: the sentence for a measured interval, else the reported effect."""
    return presenters.effect_sentence(pilot, result) or (result.summary or "").strip()


def suggestions_for_idea(text: str, *, viewer, exclude_council=None, exclude=None, dismissed=frozenset(),
                         limit: int = MAX_SUGGESTIONS) -> tuple[list[Suggestion], int]:
    """The closest published pilots to an idea that `viewer` may see, minus the ones they dismissed; and how many
    of those closest were left out because they were dismissed.

    `exclude_council` leaves out a council's pilots (the viewer's own: "others" have tried it); `exclude`, a
    queryset of pilots, leaves those out too.
    """
    pilots = (Pilot.objects.visible_to(viewer).results_released().select_related("council", "result")
              .prefetch_related("joint_councils"))  # who ran each, named on every suggestion
    if exclude is not None:
        pilots = pilots.exclude(pk__in=exclude.values("pk"))
    dismissed = set(dismissed)
    hits = similar_pilots(text, exclude_council=exclude_council, limit=limit + len(dismissed), queryset=pilots,
                          highlights=False)  # a suggestion shows no snippets
    by_id = pilots.in_bulk([hit.pilot_id for hit in hits])
    rows, hidden = [], 0
    for hit in hits:
        pilot = by_id.get(hit.pilot_id)
        if pilot is None:
            continue
        if pilot.pk in dismissed:
            hidden += 1
            continue
        rows.append(Suggestion(pilot, hit, presenters.verdict_tag_class(pilot.result.verdict),
                               effect_text(pilot, pilot.result)))
    return rows[:limit], hidden


def suggestion_rows(suggestions: list[Suggestion], viewer) -> list[dict]:
    """Suggestions as `pilotbook similar --json` lists them: what the page shows, field by field."""
    from pilotbook.web.open_data import base_url  # the record's address on PILOTBOOK_SITE_URL, as exports give it

    out, base = [], base_url()
    for rank, s in enumerate(suggestions, start=1):
        pilot, result = s.pilot, s.pilot.result
        council_shown = pilot.council_shown_to(viewer)
        out.append({
            "rank": rank,
            "id": pilot.pk,
            "url": base + pilot.get_absolute_url(),
            "external_id": (pilot.external_id or None) if council_shown else None,
            "title": pilot.title,
            "council_code": pilot.council.code if council_shown and pilot.council else None,
            "council": pilot.ran_by() if council_shown else None,  # its councils, or the organisation
            "closeness": s.closeness_words,
            "closeness_label": s.label,
            "closeness_score": s.hit.closeness,
            "verdict": result.verdict,
            "verdict_display": str(result.get_verdict_display()),
            "effect": s.effect or None,
            "effect_interval": {"estimate": float(result.estimate), "ci_low": float(result.ci_low),
                                "ci_high": float(result.ci_high), "unit": pilot.outcome_unit}
            if result.has_interval else None,
            "failure_reason": pilot.failure_reason or None,
            "failure_reason_display": str(pilot.get_failure_reason_display()) if pilot.failure_reason else None,
        })
    return out
