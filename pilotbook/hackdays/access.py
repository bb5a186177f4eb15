"""Fetching a hack day for a request, with the rules of HackDayQuerySet.visible_to, HackDay.is_member and
HackDay.can_manage. Every hack day view gets its hack day through one of these functions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.pilots.access import SignInRequired

from .models import HackDay


def visible_hackday_or_404(request, pk: int) -> HackDay:
    # Nobody signed in can see any hack day, so send them to sign in rather than say "not found".
    if not request.user.is_authenticated:
        raise SignInRequired
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
