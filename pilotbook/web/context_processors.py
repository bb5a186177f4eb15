"""The service navigation, on every page.

Its addresses and labels are the same for everyone: they are worked out once per language (and script prefix and
URLconf), not reversed and translated on each request (issue 19: nine reverse() and as many translations were a
tenth of a signed-in 404 page's CPU). What depends on the person (their councils, unread notifications, whether
they moderate) is read from them on every request, and never kept here.
"""

from __future__ import annotations

import functools

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .access import is_moderator

# (key, URL name), in the order shown. The unread count is formatted into its label per request.
_SIGNED_OUT = (("before-you-start", "before-you-start"), ("evidence", "evidence-search"),
               ("pilots", "pilot-list"), ("overdue", "overdue-list"))
_SIGNED_IN = (("dashboard", "dashboard"), ("pilot-create", "pilot-create"), ("partners", "partner-index"),
              ("hackdays", "hackday-list"), ("notifications", "discussion-notifications"),
              ("moderation", "admin:index"))


@functools.lru_cache(maxsize=32)
def _links(language: str | None, script_prefix: str, urlconf: str | None) -> dict[str, tuple[str, str]]:
    """key -> (label, address) in the language and under the script prefix and URLconf active when called (which
    the arguments name, so each combination is worked out once)."""
    labels = {
        "before-you-start": _("Before you start"), "evidence": _("Evidence"), "pilots": _("Browse pilots"),
        "overdue": _("Overdue results"), "dashboard": _("Your council"), "pilot-create": _("Register a pilot"),
        "partners": _("Partners"), "hackdays": _("Hack days"), "notifications": _("Notifications"),
        "notifications-unread": _("Notifications (%(n)d)"), "moderation": _("Moderation"),
    }
    links = {key: (labels[key], reverse(name)) for key, name in _SIGNED_OUT + _SIGNED_IN}
    links["notifications-unread"] = (labels["notifications-unread"], links["notifications"][1])
    return links


def _forget_links(*, setting: str, **kwargs) -> None:
    """Tests that change the URLs, languages or translations see the navigation follow."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _links.cache_clear()


setting_changed.connect(_forget_links, dispatch_uid="pilotbook-navigation-links")


def navigation(request) -> dict:
    """Service navigation items, with the current one marked (GOV.UK service navigation component)."""
    links = _links(get_language(), get_script_prefix(), get_urlconf())
    items = [links[key] for key, _name in _SIGNED_OUT]
    user = request.user
    if user.is_authenticated:
        items.insert(0, links["dashboard"])
        if user.council_codes():
            items.append(links["pilot-create"])
        items.append(links["partners"])
        items.append(links["hackdays"])
        unread = user.unread_notification_count()
        if unread:
            label, href = links["notifications-unread"]
            items.append((label % {"n": unread}, href))
        else:
            items.append(links["notifications"])
        if is_moderator(user):
            items.append(links["moderation"])
    # The current item is the one whose address is the longest start of this page's address.
    matches = [href for _text, href in items if request.path.startswith(href)]
    current = max(matches, key=len, default=None)
    return {"nav_items": [{"text": text, "href": href, "active": href == current} for text, href in items]}
