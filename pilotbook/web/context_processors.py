from django.urls import reverse
from django.utils.translation import gettext as _

from .access import is_moderator


def navigation(request) -> dict:
    """Service navigation items, with the current one marked (GOV.UK service navigation component)."""
    items = [
        (_("Before you start"), reverse("before-you-start")),
        (_("Evidence"), reverse("evidence-search")),
        (_("Browse pilots"), reverse("pilot-list")),
        (_("Overdue results"), reverse("overdue-list")),
    ]
    user = request.user
    if user.is_authenticated:
        items.insert(0, (_("Your council"), reverse("dashboard")))
        if user.council_codes():
            items.append((_("Register a pilot"), reverse("pilot-create")))
        items.append((_("Partners"), reverse("partner-index")))
        items.append((_("Hack days"), reverse("hackday-list")))
        unread = user.notifications.filter(read_at__isnull=True).count()
        items.append((_("Notifications (%(n)d)") % {"n": unread} if unread else _("Notifications"),
                      reverse("discussion-notifications")))
        if is_moderator(user):
            items.append((_("Moderation"), reverse("admin:index")))
    # The current item is the one whose address is the longest start of this page's address.
    matches = [href for _text, href in items if request.path.startswith(href)]
    current = max(matches, key=len, default=None)
    return {"nav_items": [{"text": text, "href": href, "active": href == current} for text, href in items]}
