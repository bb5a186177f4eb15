"""Browser journeys: the system Chromium driven by Playwright against Django's live server.

Every request that leaves 127.0.0.1 is blocked (the journeys must work offline and must not leak data),
and `assert_accessible(page)` runs axe-core (from node_modules) with the WCAG 2.2 A and AA rules. Every
Content-Security-Policy violation a page reports fails the journey (in `assert_accessible` and at its end).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from pilotbook.councils.models import Role
from tests.factories import CouncilFactory, member

CHROMIUM = os.environ.get("PILOTBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "journey-password-2026"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Runs in every document before its own scripts: hands each CSP violation to Python, so one that happens on a
# page the journey has since left is still counted.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => window.pilotbookCspViolation({
  directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile,
  line: event.lineNumber, sample: event.sample, page: document.location.pathname,
}));
"""
expect.set_options(timeout=15_000)  # assertions wait longer than Playwright's 5 s default on a busy machine


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside one
    # unless told it is safe, which it is here: the test and the live server use separate connections.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _only_local(route):
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


class CspViolations(list):
    """The CSP violations the journey's pages have reported, except while `paused` (axe is running)."""

    paused = False

    def record(self, violation: dict) -> None:
        if not self.paused:
            self.append(violation)


@pytest.fixture
def csp_violations():
    return CspViolations()


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.route("**/*", _only_local)
    context.expose_function("pilotbookCspViolation", csp_violations.record)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: a shared 2-core machine can be slow under load
    page.csp_violations = csp_violations
    yield page
    # A violation event is queued as a task: let it reach Python before the last check. (A page on Chrome's own
    # error page, or mid-navigation, has nothing of ours left to report.)
    with contextlib.suppress(PlaywrightError):
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")
    context.close()
    assert_no_csp_violations(page)


def assert_no_csp_violations(page) -> None:
    violations = getattr(page, "csp_violations", [])
    assert not violations, f"Content-Security-Policy violations:\n{json.dumps(violations, indent=2)}"


def assert_accessible(page) -> None:
    """Run axe-core on the current page; fail with each violation's rule, impact and the elements involved.

    Fails first on any Content-Security-Policy violation reported so far.
    """
    flush = "() => new Promise(resolve => setTimeout(resolve, 0))"  # lets queued violation events arrive
    page.evaluate(flush)
    assert_no_csp_violations(page)
    # axe reads stylesheets pulled in by @import (the admin's forms.css) through <style> elements of its own, which
    # the policy rightly refuses: what is reported while it runs on the settled page is the test tool's, not ours.
    page.csp_violations.paused = True
    try:
        # Evaluated through the DevTools protocol: a <script> tag with axe inline would itself break the policy.
        page.evaluate(AXE_JS.read_text())
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        page.evaluate(flush)
    finally:
        page.csp_violations.paused = False
    violations = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
    ]
    assert not violations, f"axe found WCAG 2.2 AA violations on {page.url}:\n{json.dumps(violations, indent=2)}"


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def wealden(transactional_db):
    return CouncilFactory(code="WEA", name="Wealden", official_name="Wealden District Council")


@pytest.fixture
def leeds(transactional_db):
    return CouncilFactory(code="LDS", name="Leeds", official_name="Leeds City Council", nation="England",
                          region="Yorkshire and The Humber", authority_type="MD",
                          authority_type_name="Metropolitan district")


@pytest.fixture
def wealden_officer(wealden):
    return member(wealden, Role.OFFICER, email="officer@wealden.example", full_name="Wendy Officer",
                  password=PASSWORD)


@pytest.fixture
def wealden_admin(wealden):
    return member(wealden, Role.ADMIN, email="admin@wealden.example", full_name="Adam Admin", password=PASSWORD)


@pytest.fixture
def leeds_officer(leeds):
    return member(leeds, Role.OFFICER, email="officer@leeds.example", full_name="Lee Officer", password=PASSWORD)
