"""Fetching a pilot for a request, with the access rules of PilotQuerySet.visible_to and Pilot.can_change.

Every pilot view gets its pilot through one of these functions, so the rules live in one place (the pilot's page
through shown_pilot_or_404, which checks a cached pilot with Pilot.visible_to_user, the same rule).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from pilotbook.web import pagecache
from pilotbook.web.access import require_sign_in

from .choices import Status, Visibility
from .models import Pilot, member_council_ids


def visible_pilot_or_404(request, pk: int) -> Pilot:
    # A pilot you may not see is "not found", so drafts do not even reveal that they exist.
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user).select_related("council"), pk=pk)
    pilot._seen_through_visible_to = request.user  # noqa: SLF001 - read by fetched_as_visible_to
    return pilot


def shown_pilot_or_404(request, pk: int) -> Pilot:
    """visible_pilot_or_404 for the pilot's page, which only reads the pilot: the pilot (with its council) is kept
    in the process's page cache under the data version, the same for everyone, since any change to it makes a new
    version; who may see it is decided on every request, by Pilot.visible_to_user, the same rule as visible_to
    (issue 19: building the query with the ORM was a fifth of an officer's pilot page). Each request gets its own
    copy. A view that changes the pilot uses visible_pilot_or_404 or changeable_pilot, which read it afresh."""
    def build() -> Pilot | None:
        return Pilot.objects.select_related("council").filter(pk=pk).first()

    pilot = pagecache.cached(request, "pilot", (pk,), build=build, shared=False)  # one query builds it
    if pilot is None or not pilot.visible_to_user(request.user):
        raise Http404("No pilot matches the given query.")
    pilot._seen_through_visible_to = request.user  # noqa: SLF001 - checked by the same rule as visible_to
    return pilot


def fetched_as_visible_to(pilot: Pilot, user) -> bool:
    """Whether this very pilot object was fetched by visible_pilot_or_404 for this very user (the request's), so
    asking the database again whether they may see it would get the same answer (the discussion's may_post)."""
    return getattr(pilot, "_seen_through_visible_to", None) is user


SIGNED_OUT = "signed-out"


def audience(user) -> str:
    """Everything the access rules (visible_to, identifiable_by, council_shown_to, result_shown_to, can_change, and
    the materials' and hack days' own) look at about a person, as one string: people with the same audience are
    shown the same, so pages may share what they build for one of them (pilotbook.web.pagecache)."""
    if not user.is_authenticated:
        return SIGNED_OUT
    councils = ",".join(sorted(member_council_ids(user)))  # a moderator may also belong to councils (can_change)
    return f"moderator:{councils}" if user.is_moderator else f"member:{councils}"


def audience_among(user, councils) -> str:
    """audience(user), for a page on which the access rules look at membership of `councils` only (and at whether the
    person belongs to any council at all: a member of none sees only public pilots, and no hack day): people whose
    membership of those councils is the same are shown the same by that page, whichever other councils they belong
    to, so they may share it. The page must name every council any of its parts asks about; a released result is
    never a draft, so among released results only withheld names (withholding_councils) depend on membership."""
    if not user.is_authenticated:
        return SIGNED_OUT
    own = member_council_ids(user)
    shared = ",".join(sorted(own & frozenset(councils)))
    if user.is_moderator:
        return f"moderator:{shared}"
    return f"member of {shared or 'none of them'}" if own else "member of no council"


def withholding_councils(request) -> frozenset[str]:
    """Every council that withheld its name on a pilot past draft: only their members may know those pilots are
    theirs (identifiable_by, council_shown_to), so a page listing released results is the same for members of any
    other councils. Worked out once per data version (pilotbook.web.pagecache)."""
    def build() -> frozenset[str]:
        return frozenset(Pilot.objects.filter(visibility=Visibility.PUBLIC_ANONYMOUS).exclude(status=Status.DRAFT)
                         .exclude(council=None).order_by().values_list("council_id", flat=True).distinct())

    return pagecache.cached(request, "withholding-councils", (), build=build)


def changeable_pilot(request, pk: int) -> Pilot:
    require_sign_in(request)
    pilot = visible_pilot_or_404(request, pk)
    if not pilot.can_change(request.user):
        raise PermissionDenied("Only members of the council that owns this pilot can change it.")
    return pilot
