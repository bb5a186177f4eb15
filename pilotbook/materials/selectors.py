"""Reads for the materials library: each material with every pilot this person may see that used or adapted
it, with the council's name (unless withheld) and the verdict (once its result is shown to them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from pilotbook.councils.models import Reader
from pilotbook.pilots.models import Pilot, Result
from pilotbook.pilots.presenters import verdict_tag_class

from .models import Material, MaterialUse


@dataclass(frozen=True)
class UseRow:
    use: MaterialUse
    pilot: Pilot
    council: str  # empty when the pilot's council withholds its name from this person
    verdict: str
    verdict_class: str


def _row(use: MaterialUse, user: Reader) -> UseRow:
    pilot = use.pilot
    result: Result | None = getattr(pilot, "result", None)
    verdict = verdict_class = ""
    if result is not None and pilot.result_shown_to(user):
        verdict, verdict_class = result.get_verdict_display(), verdict_tag_class(result.verdict)
    return UseRow(use=use, pilot=pilot, council=pilot.ran_by() if pilot.council_shown_to(user) else "",
                  verdict=verdict, verdict_class=verdict_class)


def library(user: Reader, kind: str = "") -> list[tuple[Material, list[UseRow]]]:
    visible = Pilot.objects.visible_to(user)
    uses = (MaterialUse.objects.filter(pilot__in=visible).select_related("pilot__council", "pilot__result")
            .prefetch_related("pilot__joint_councils"))
    materials = (Material.objects.visible_to(user).select_related("pilot__council").defer("file_content")
                 .prefetch_related(Prefetch("uses", queryset=uses, to_attr="visible_uses")))
    if kind:
        materials = materials.filter(kind=kind)
    # visible_uses is the Prefetch's to_attr, which the stubs cannot see on Material.
    return [(material, [_row(use, user) for use in material.visible_uses])  # type: ignore[attr-defined]
            for material in materials]


def uses_of(material: Material, user: Reader) -> list[UseRow]:
    uses = (material.uses.filter(pilot__in=Pilot.objects.visible_to(user))
            .select_related("pilot__council", "pilot__result").prefetch_related("pilot__joint_councils"))
    return [_row(use, user) for use in uses]
