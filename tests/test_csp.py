"""The Content-Security-Policy header, and templates that keep to it (the browser journeys check the pages run
under it with no violation reported: tests/browser/conftest.py)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from pilotbook.config.settings import tile_origin

PILOTBOOK = Path(__file__).resolve().parents[1] / "pilotbook"
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def directives(header: str) -> dict[str, set[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/sign-in/", "/admin/login/", "/no-such-page/"])
def test_html_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    assert directives(response["Content-Security-Policy"]) == EXPECTED


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: <script> without src, <style>, style="" and on*="" attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        self.found += [f'{name}="" at line {self.getpos()[0]}' for name in names
                       if name == "style" or name.startswith("on")]


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("template", sorted(
    str(path.relative_to(PILOTBOOK)) for path in PILOTBOOK.glob("*/templates/**/*.html")
    if "/email/" not in path.as_posix()  # emails are read in mail clients, not served under the policy
))
def test_no_page_template_has_inline_scripts_styles_or_event_handlers(template):
    assert inline_code((PILOTBOOK / template).read_text()) == []


@pytest.mark.django_db
def test_the_inline_code_check_finds_what_the_policy_would_block(client):
    assert len(inline_code('<script>x()</script><style>p{}</style><p style="a" onclick="b()">')) == 4
    assert inline_code('<script src="/static/x.js"></script><p class="a">') == []
    # And the rendered home page, with everything the base template adds, has none.
    assert inline_code(client.get("/").content.decode()) == []


@pytest.mark.parametrize(("url", "origin"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
    ("https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png", ["https://*.tiles.example.org:8443"]),
    ("/tiles/{z}/{x}/{y}.png", []),
    ("", []),
])
def test_the_map_tile_servers_origin_is_allowed_for_images(url, origin):
    assert tile_origin(url) == origin


@pytest.mark.parametrize("url", ["https://tiles.example.org; script-src *", "javascript://x", "https:///{z}.png"])
def test_a_tile_url_that_could_rewrite_the_policy_stops_the_app_at_start_up(url):
    with pytest.raises(RuntimeError, match=re.escape("PILOTBOOK_MAP_TILE_URL")):
        tile_origin(url)


@pytest.mark.django_db
def test_the_page_for_a_form_that_fails_its_csrf_check_keeps_to_the_policy():
    response = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert "We could not accept that form" in response.content.decode()
    assert inline_code(response.content.decode()) == []
