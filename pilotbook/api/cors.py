"""Cross-origin reading (CORS) of the open data, so other councils' dashboards can read it from a browser.

Under /api/, /export/, /feeds/ and /schema/ every answer carries `Access-Control-Allow-Origin: *` and an OPTIONS
preflight is answered for GET and HEAD. It is safe for what signed-in people see:
- `*` is never sent with `Access-Control-Allow-Credentials`, so a browser refuses another site's page any answer
  to a request it sent with cookies (`credentials: "include"`), and sends none otherwise;
- and a request that says it comes from another site (an `Origin` header that is not this site's) is answered as
  for someone not signed in, whatever cookies it carries, so no change to these headers could leak more.
Pages, forms and everything else stay same-origin only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

OPEN_DATA_PREFIXES = ("/api/", "/export/", "/feeds/", "/schema/")
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Language, If-Modified-Since, If-None-Match"
EXPOSED_HEADERS = "Content-Disposition, Link"
PREFLIGHT_SECONDS = 86400


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_another_site(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    own = {_origin(settings.PILOTBOOK_SITE_URL), _origin(request.build_absolute_uri("/"))}
    return origin.lower() not in own


class OpenDataCorsMiddleware:
    """CORS for the open data (see the module). Goes after AuthenticationMiddleware, which it overrides for
    requests from other sites."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_DATA_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
        else:
            if from_another_site(request):
                request.user = AnonymousUser()
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        patch_vary_headers(response, ["Origin"])  # the answer depends on whether the request came from elsewhere
        return response
