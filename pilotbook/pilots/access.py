"""Fetching a pilot for a request, with the access rules of PilotQuerySet.visible_to and Pilot.can_change.

Every pilot view gets its pilot through one of these two functions, so the rules live in one place.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from pilotbook.web.access import require_sign_in

from .models import Pilot, member_council_ids


def visible_pilot_or_404(request, pk: int) -> Pilot:
    # A pilot you may not see is "not found", so drafts do not even reveal that they exist.
    return get_object_or_404(Pilot.objects.visible_to(request.user).select_related("council"), pk=pk)


SIGNED_OUT = "signed-out"


def audience(user) -> str:
    """Everything the access rules (visible_to, identifiable_by, council_shown_to, result_shown_to, can_change, and
    the materials' and hack days' own) look at about a person, as one string: people with the same audience are
    shown the same, so pages may share what they build for one of them (pilotbook.web.pagecache)."""
    if not user.is_authenticated:
        return SIGNED_OUT
    councils = ",".join(sorted(member_council_ids(user)))  # a moderator may also belong to councils (can_change)
    return f"moderator:{councils}" if user.is_moderator else f"member:{councils}"


def changeable_pilot(request, pk: int) -> Pilot:
    require_sign_in(request)
    pilot = visible_pilot_or_404(request, pk)
    if not pilot.can_change(request.user):
        raise PermissionDenied("Only members of the council that owns this pilot can change it.")
    return pilot
