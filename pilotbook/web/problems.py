"""Errors of the read API and the exports as "problem details" (RFC 9457, application/problem+json).

Every error under /api/ is one: bad or unknown parameters (400), an address or pilot that is not there, such as
/api/pilots/abc/ (404), a method other than GET or HEAD (405), and a server fault (500). The site's error handlers
(handler400/403/404/500 in pilotbook.config.urls) answer this way under /api/ and with the HTML pages elsewhere.

    {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "Some parameters are not valid.",
     "errors": [{"parameter": "nation", "detail": "'Atlantis' is not one of its values: ..."}]}
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from django.views import defaults

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def problem(status: int, detail: str, *, errors: dict[str, list[str]] | None = None, **headers) -> JsonResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if errors:
        body["errors"] = [{"parameter": name, "detail": message}
                          for name, messages in errors.items() for message in messages]
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bad_parameters(errors: dict[str, list[str]]) -> JsonResponse:
    return problem(400, "Some parameters are not valid; each is named in errors.", errors=errors)


def not_found(request, detail: str | None = None) -> JsonResponse:
    return problem(404, detail or f"Nothing is at {request.path[:200]} in this API; /api/openapi.json lists what "
                                  "is.")


def _in_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception, template_name="400.html"):
    if _in_api(request):
        return problem(400, "The request could not be read.")
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    if _in_api(request):
        return problem(403, "You may not see this.")
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    if _in_api(request):
        return not_found(request)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    if _in_api(request):
        return problem(500, "Something went wrong on our side; it has been logged. Try again later.")
    return defaults.server_error(request, template_name)
