"""The journeys' safety nets can fail: axe reports a real violation, and off-host requests are blocked."""

import pytest

from .conftest import assert_accessible


def test_the_accessibility_check_reports_a_violation(page):
    page.goto("/about/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_requests_that_leave_the_machine_are_blocked(page):
    page.goto("/about/")
    outcome = page.evaluate(
        "() => fetch('https://tile.openstreetmap.org/0/0/0.png').then(() => 'loaded', () => 'blocked')"
    )
    assert outcome == "blocked"
    assert page.evaluate("() => fetch('/about/').then(r => r.status)") == 200
