"""Fetching a hack day for a request, with the rules of HackDayQuerySet.visible_to, HackDay.is_member and
HackDay.can_manage. Every hack day view gets its hack day through one of these functions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.web.access import require_sign_in

from . import ical
from .models import HackDay, Idea


def visible_hackday_or_404(request, pk: int) -> HackDay:
    # Nobody signed in can see any hack day, so send them to sign in rather than say "not found".
    require_sign_in(request)
    return get_object_or_404(HackDay.objects.visible_to(request.user).select_related("council", "organiser"),
                             pk=pk)


def member_hackday(request, pk: int) -> HackDay:
    hack_day = visible_hackday_or_404(request, pk)
    if not hack_day.is_member(request.user):
        raise PermissionDenied(_("Only staff of the council running this hack day can take part."))
    return hack_day


def managed_hackday(request, pk: int) -> HackDay:
    hack_day = visible_hackday_or_404(request, pk)
    if not hack_day.can_manage(request.user):
        raise PermissionDenied(_("Only the organiser or a council admin can do this."))
    return hack_day


def organiser_councils(request) -> list[tuple[str, str]]:
    """The councils (code, name) this person may organise a hack day for: 403 for someone in none."""
    require_sign_in(request)
    councils = [(m.council_id, m.council.name) for m in request.user.memberships.select_related("council")]
    if not councils:
        raise PermissionDenied(_("Only staff of a council can organise a hack day."))
    return councils


def calendar_reader(request, council, key: str | None):
    """Who is reading a council's hack day calendar: the owner of the link's feed `key` (a calendar app cannot
    sign in), else the person signed in; 403 for a key that is not valid any more."""
    if key is not None:
        user = ical.feed_user(key, council.pk)
        if user is None:
            raise PermissionDenied(_("This calendar link is not valid any more. Copy the link again from the "
                                     "hack days page (links stop working when their owner changes password)."))
        return user
    require_sign_in(request)
    return request.user


def pilot_page_councils(pilot) -> set[str]:
    """The councils whose membership changes what the pilot page's hack-day origin shows (pilots.extensions): its
    hack day is linked for that hack day's council's members (HackDay.visible_to) until the day is closed."""
    return set(Idea.objects.filter(pilot=pilot).order_by().values_list("hack_day__council_id", flat=True))

