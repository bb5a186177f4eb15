"""Who may see and use materials; the materials views ask here.

- a material and its file: whoever may see it (MaterialQuerySet.visible_to);
- recording that a pilot used or adapted a material: signed-in members of a council with a pilot of its own other
  than the one that attached it (the pilot itself is fetched with `pilotbook.pilots.access.changeable_pilot`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.pilots.models import Pilot
from pilotbook.web.access import require_sign_in

from .models import Material


def visible_material_or_404(request, pk: int) -> Material:
    return get_object_or_404(Material.objects.visible_to(request.user).select_related("pilot__council"), pk=pk)


def pilots_that_may_reuse(user, material: Material) -> list[Pilot]:
    """Pilots this person may change, other than the one that attached the material: those that can reuse it."""
    if not user.is_authenticated:
        return []
    councils = user.memberships.values_list("council_id", flat=True)
    return list(Pilot.objects.filter(council_id__in=councils).exclude(pk=material.pilot_id)
                .only("pk", "title").order_by("title"))


def require_may_record_use(request, pilots: list[Pilot]) -> None:
    require_sign_in(request)
    if not pilots:
        raise PermissionDenied(_("Only a council with a pilot of its own can record that it used this."))


def pilot_page_councils(pilot: Pilot) -> set[str]:
    """The councils whose membership changes what the pilot page's materials show (pilots.extensions): a used
    material is listed to whoever may see the pilot that attached it (Material.visible_to), which for a draft is that
    pilot's council's members; adding one is for the pilot's own council, which the page counts already."""
    return set(pilot.material_uses.order_by().values_list("material__pilot__council_id", flat=True))

