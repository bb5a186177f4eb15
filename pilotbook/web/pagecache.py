"""Caching what a page shows everyone in one audience, under the data version (ADR 0020).

A cached entry's key holds the data version (pilotbook.web.versions.current(), read once per request), the active
language, what the caller says it depends on, and, for what depends on who is asking, the caller's audience: a
string naming everything the access rules look at (pilotbook.pilots.access.audience: signed in or not, moderator
or not, and the councils the person belongs to). Two people with the same audience are shown the same by every
access rule, so they may share an entry; nobody else may. What is personal (a name, a notification count, a CSRF
token, a form) is never inside a cached entry: pages render it on every request around the cached part.

Entries live for at most TIMEOUT seconds in the "pages" cache (the process's memory) and the "shared_pages" cache
(a table every process and server reads: a part is built once, not once per process).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import get_language

from . import versions

TIMEOUT = 300  # seconds an entry is kept; a newer data version makes it unused at once
WHOLE_PAGE_KEPT = "_pilotbook_whole_page_kept"  # set on a request whose whole response for_signed_out will keep
T = TypeVar("T")


def data_version(request, public: bool = False) -> str:
    """The data version (or the public one: versions.current), read once per request."""
    memo = request.__dict__.get("_pilotbook_data_versions")
    if memo is None:  # both in the one query, for pages that ask for both
        memo = request.__dict__["_pilotbook_data_versions"] = versions.both()
    return memo[public]


def _key(request, kind: str, parts, public: bool) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"pb:{kind}:{data_version(request, public)}:{get_language()}:{digest}"


def cached(request, kind: str, parts, build: Callable[[], T], timeout: int = TIMEOUT, public: bool = False,
           shared: bool = True, by_address: bool = False) -> T:
    """build()'s value for (kind, parts) at the current data version and language, built once per process.

    `parts` must name everything the value depends on besides the data (an audience when it depends on who asks,
    the parameters of the request). `public`: the value is for people who are signed out only, so it may be kept
    under the public version (changes private to a council leave it alone). `by_address`: `parts` hold the
    request's whole address, as the key of a page for_signed_out keeps does; a public value is then built and not
    kept when that page will be kept whole (storing it too cost the first visitor six more queries for an entry no
    later visitor reads: they are given the whole page). A value whose key is coarser than the address (a pilot's
    page, whatever its query string) is kept, so another address of the same page finds it. `shared=False`: kept in
    this process's memory only, for a value one query builds (looking in and storing into the shared table would cost
    more) or one rarely asked for again in another process (before you start's suggestions for an idea).
    """
    if public and by_address and request.__dict__.get(WHOLE_PAGE_KEPT):
        return build()  # the whole response is kept for signed-out visitors (for_signed_out): a part of it need not be
    key = _key(request, kind, parts, public)
    value = _get(key, shared)
    if value is None:
        value = build()
        _set(key, value, timeout, shared)
    return value


def _get(key: str, shared: bool = True):
    value = caches["pages"].get(key)
    if value is None and shared:
        value = caches["shared_pages"].get(key)
        if value is not None:
            caches["pages"].set(key, value, TIMEOUT)
    return value


def _set(key: str, value, timeout: int = TIMEOUT, shared: bool = True) -> None:
    caches["pages"].set(key, value, timeout)
    if shared:
        caches["shared_pages"].set(key, value, timeout)


def _may_share(request) -> bool:
    """Someone who is certainly signed out and has nothing personal waiting: no session cookie (so no sign-in and
    nothing kept for them) and no messages cookie."""
    return (request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES)


def for_signed_out(view):
    """Cache a page's whole response for people who are not signed in (see _may_share), per address (path and
    query) and language, under the data version. Only a complete 200 that neither set a cookie, nor used a CSRF
    token, nor kept anything in a session is shared; anyone else gets the view as it is."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _may_share(request):
            return view(request, *args, **kwargs)
        key = _key(request, "signed-out", (view.__module__, view.__qualname__, request.get_full_path()), public=True)
        stored = _get(key)
        if stored is not None:
            status, content, headers = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        request.__dict__[WHOLE_PAGE_KEPT] = True  # so its parts for signed-out visitors are not kept apart as well
        response = view(request, *args, **kwargs)
        if _shareable(request, response):
            _set(key, (response.status_code, response.content, list(response.items())))
        return response

    return wrapped


def _shareable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or len(getattr(request, "_messages", ())):  # a form, a message
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return True
