"""Who may see a council's team and invite colleagues; the council views ask here.

- a council's public page: anyone;
- its team (members and open invitations): its members and platform moderators, signed in;
- inviting colleagues: the council's admins.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from pilotbook.web.access import is_moderator, require_sign_in

from .models import Council
from .services import is_council_admin


def is_member(user, council: Council) -> bool:
    return user.is_authenticated and user.memberships.filter(council=council).exists()


def team_council(request, code: str) -> Council:
    """The council whose team this person may see: sign-in first, 404 for no such council, 403 for outsiders."""
    require_sign_in(request)
    council = get_object_or_404(Council, pk=code.upper())
    if not (is_member(request.user, council) or is_moderator(request.user)):
        raise PermissionDenied(_("Only members of this council can see its team."))
    return council


def require_council_admin(request, council: Council) -> None:
    if not is_council_admin(request.user, council):
        raise PermissionDenied(_("Only a council admin can invite colleagues."))
