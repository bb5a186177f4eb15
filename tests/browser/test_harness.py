"""The journeys' safety nets can fail: axe reports a real violation, and off-host requests are blocked."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from .conftest import assert_accessible


def test_the_accessibility_check_reports_a_violation(page):
    page.goto("/about/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_requests_that_leave_the_machine_are_blocked(page, csp_violations):
    page.goto("/about/")
    outcome = page.evaluate(
        "() => fetch('https://tile.openstreetmap.org/0/0/0.png').then(() => 'loaded', () => 'blocked')"
    )
    assert outcome == "blocked"
    assert page.evaluate("() => fetch('/about/').then(r => r.status)") == 200
    # The page's policy refused that fetch first; a navigation is outside the policy, so it shows the route's block.
    assert [v["directive"] for v in csp_violations] == ["connect-src"]
    csp_violations.clear()
    with pytest.raises(PlaywrightError, match="ERR_FAILED"):
        page.goto("https://tile.openstreetmap.org/")


def test_a_content_security_policy_violation_fails_the_journey(page, csp_violations):
    page.goto("/about/")
    # Markup with an inline style and an inline script, as an injection would add: the policy blocks both.
    page.evaluate("""() => {
        document.querySelector('main').insertAdjacentHTML('beforeend', '<p style="color: red">injected</p>');
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
    }""")
    with pytest.raises(AssertionError, match="Content-Security-Policy violations") as failure:
        assert_accessible(page)
    assert "style-src-attr" in str(failure.value) and "script-src-elem" in str(failure.value)
    assert page.evaluate("() => window.injected") is None
    csp_violations.clear()  # seen and expected: the fixture's final check must not fail this test
