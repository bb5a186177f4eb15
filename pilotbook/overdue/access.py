"""Who may do what with overdue entries; the overdue views ask here.

- the lists and an entry: whoever may see the pilot (`pilotbook.pilots.access`);
- flagging an entry: members of the pilot's council (Pilot.can_change);
- seeing an entry's flags: the pilot's council and platform moderators;
- reviewing flags and correcting an entry: platform moderators (others are sent to sign in, or get 403).
"""

from __future__ import annotations

from pilotbook.web.access import is_moderator, require_moderator


def may_see_flags(user, pilot) -> bool:
    return pilot.can_change(user) or is_moderator(user)


def may_correct(user) -> bool:
    return is_moderator(user)


def require_reviewer(request) -> None:
    require_moderator(request, "Only platform moderators review overdue flags.")
