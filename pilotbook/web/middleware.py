"""Refusing addresses that carry control characters, for every page, export, feed and API endpoint at once; and the
Content-Security-Policy header (ContentSecurityPolicyMiddleware, at the end).

A NUL byte (%00) or another control character is never part of a real filter value, code or search: PostgreSQL
refuses NUL in text outright (the query fails), and the others only ever come from a mangled or hostile link.
Checking the path and the query string here, before any view reads them, answers every such request with a 400
that says what is wrong, however the view goes on to use the value. Which values a parameter accepts (choices,
lengths, years) is the job of each page's filter form; this is only about characters no address should hold.
"""

from __future__ import annotations

import re

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once rather than on every response (issue 19: building it
    from the settings, twice, with dataclasses.asdict each time, was a tenth of the CPU of a cached page).

    Only the common case is short-cut: no nonce was asked for, the view set none of django-csp's per-response
    overrides (the decorators' attributes) and DEBUG is off; the header is then the one built from the settings
    (rebuilt when they change, as in tests). Anything else goes through django-csp as before, unchanged.
    """

    _OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                  "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built: tuple | None = None

    def _policies(self) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        config_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not config or built[1] is not config_ro:
            built = self._built = (config, config_ro, (
                build_policy(), tuple((config or {}).get("EXCLUDE_URL_PREFIXES", None) or ()),
                build_policy(report_only=True), tuple((config_ro or {}).get("EXCLUDE_URL_PREFIXES", None) or ())))
        return built[2]

    def process_response(self, request, response):
        if (settings.DEBUG or isinstance(getattr(request, "_csp_nonce", None), str)
                or any(hasattr(response, name) for name in self._OVERRIDES)):
            return super().process_response(request, response)
        policy, excluded, policy_ro, excluded_ro = self._policies()
        if policy and HEADER not in response and not request.path_info.startswith(excluded):
            response[HEADER] = policy
        if policy_ro and HEADER_REPORT_ONLY not in response and not request.path_info.startswith(excluded_ro):
            response[HEADER_REPORT_ONLY] = policy_ro
        # As django-csp does: asking for a nonce once the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
