"""Fetching a council's partner records for a request: the one place that decides who may read and change them.

- Reading (maps, tables, coverage, pipelines, champions, arrangements): anyone signed in. Partners are
  organisations, not people, and councils learn from each other's maps; anonymous visitors sign in first.
- Changing: only members of the council that owns the record. Others get 403; moderators correct records
  in the admin site.
Tested as a matrix in tests/partners/test_access.py.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council
from pilotbook.web.access import require_sign_in

from .models import Arrangement, Partner, Partnership, can_change_council


def readable_council(request, code: str) -> Council:
    require_sign_in(request)
    return get_object_or_404(Council, pk=code.upper())


def changeable_council(request, code: str) -> Council:
    council = readable_council(request, code)
    if not can_change_council(request.user, council.code):
        raise PermissionDenied(_("Only members of %(council)s can change its partners.") % {"council": council})
    return council


def readable_partner(request, code: str, pk: int) -> Partner:
    require_sign_in(request)
    return get_object_or_404(Partner.objects.select_related("council", "sector"), council_id=code.upper(), pk=pk)


def changeable_partner(request, code: str, pk: int) -> Partner:
    partner = readable_partner(request, code, pk)
    if not partner.can_change(request.user):
        raise PermissionDenied(_("Only members of the council that owns this partner can change it."))
    return partner


def readable_partnership(request, code: str, pk: int) -> Partnership:
    require_sign_in(request)
    return get_object_or_404(Partnership.objects.select_related("partner__council", "partner__sector", "owner"),
                             partner__council_id=code.upper(), pk=pk)


def changeable_partnership(request, code: str, pk: int) -> Partnership:
    partnership = readable_partnership(request, code, pk)
    if not partnership.can_change(request.user):
        raise PermissionDenied(_("Only members of the council that owns this partnership can change it."))
    return partnership


def changeable_arrangement(request, pk: int) -> Arrangement:
    require_sign_in(request)
    arrangement = get_object_or_404(Arrangement, pk=pk)
    if not arrangement.can_change(request.user):
        raise PermissionDenied(_("Only members of the council that recorded this arrangement can change it."))
    return arrangement

