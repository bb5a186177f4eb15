"""Refusing addresses that carry control characters, for every page, export, feed and API endpoint at once.

A NUL byte (%00) or another control character is never part of a real filter value, code or search: PostgreSQL
refuses NUL in text outright (the query fails), and the others only ever come from a mangled or hostile link.
Checking the path and the query string here, before any view reads them, answers every such request with a 400
that says what is wrong, however the view goes on to use the value. Which values a parameter accepts (choices,
lengths, years) is the job of each page's filter form; this is only about characters no address should hold.
"""

from __future__ import annotations

import re

from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls and DEL. Tab, line feed and carriage return are allowed in parameter values: a GET form with a
# text area (before you start) sends the line breaks people type.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


def _describe(character: str) -> str:
    code = f"%{ord(character):02X}"
    if character == "\x00":
        return _("a NUL character (%(code)s)") % {"code": code}
    return _("the control character %(code)s") % {"code": code}


def address_problem(path: str, query) -> tuple[str | None, str] | None:
    """(parameter or None for the path, message) for the first control character in the address, else None."""
    found = _CONTROL_IN_PATH.search(path)
    if found:
        return None, _("The address contains %(what)s. Check the link or type the address again.") % {
            "what": _describe(found.group())}
    for name, values in query.lists():
        for text in (name, *values):
            found = _CONTROL.search(text)
            if found:
                return name, _("The %(name)s parameter contains %(what)s, which no Pilotbook address uses. Remove "
                               "it, or choose the filter again from the page.") % {
                    "name": _CONTROL.sub("?", name)[:40], "what": _describe(found.group())}
    return None


class RejectControlCharactersMiddleware:
    """A 400 naming the parameter for an address holding NUL or another control character (problem+json under
    /api/ and /export/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = address_problem(request.path, request.GET)
        if problem is None:
            return self.get_response(request)
        name, message = problem
        if request.path.startswith(("/api/", "/export/")):
            from pilotbook.web.problems import bad_parameters

            return bad_parameters({name or "path": [message]})
        return render(request, "400.html", {"message": message}, status=400)
