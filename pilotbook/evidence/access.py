"""Who may do what with pooled groups: anyone may read a group and its pooled result; only platform moderators
make and change groups and choose their pilots (others are sent to sign in, or get 403)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pilotbook.web.access import is_moderator, require_moderator


def may_change_groups(user) -> bool:
    return is_moderator(user)


def require_group_editor(request) -> None:
    require_moderator(request, _("Only platform moderators make and change pooled groups."))
