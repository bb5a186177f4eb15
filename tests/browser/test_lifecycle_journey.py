"""Journeys through a pilot's life after registration: start, record a result, publish; and withdraw with a
reason. A public pilot is then readable by a visitor who is not signed in; a draft never is."""

import re

from playwright.sync_api import expect

from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import assert_accessible, sign_in


def test_officer_runs_a_pilot_to_a_published_result_that_the_public_can_read(page, wealden, wealden_officer):
    # Given a registered public pilot and a draft at Wealden
    pilot = make_pilot(wealden, wealden_officer, status=Status.REGISTERED, visibility="public",
                       title="Clearer arrears letter")
    make_pilot(wealden, wealden_officer, status=Status.DRAFT, visibility="public", title="Secret draft idea")
    sign_in(page, "officer@wealden.example")

    # When the officer starts it
    page.goto(pilot.get_absolute_url())
    page.get_by_role("link", name="Start the pilot").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the pilot").click()
    expect(page.get_by_text("Pilot started.")).to_be_visible()

    # And records a result from their own analysis, first with an effect outside its interval
    page.get_by_role("link", name="Measure the pilot").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enter the effect from your own analysis").click()
    page.get_by_label("Effect", exact=True).fill("-25")
    page.get_by_label("95% confidence interval: lower end").fill("-20")
    page.get_by_label("95% confidence interval: upper end").fill("-18")
    page.get_by_role("button", name="Record the result").click()
    expect(page.get_by_role("alert")).to_contain_text("The effect must lie between")
    assert_accessible(page)
    page.get_by_label("95% confidence interval: lower end").fill("-31")
    page.get_by_role("button", name="Record the result").click()

    # Then the verdict follows from the registered plan (lower is better, 7 days worth having)
    expect(page.locator(".pb-verdict")).to_contain_text("Worked")
    assert_accessible(page)

    # When they publish it, the lessons learned are required
    page.get_by_role("link", name="Publish the result").click()
    page.get_by_role("button", name="Publish the result").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what you set out to do")
    assert_accessible(page)
    page.get_by_label("What we set out to do").fill("Get tenants in arrears to contact us sooner.")
    page.get_by_label("What happened", exact=True).fill("They made contact about three weeks sooner.")
    page.get_by_label("Why", exact=True).fill("One clear action at the top of the letter.")
    page.get_by_label("What we would do differently").fill("Follow up by text message too.")
    page.get_by_role("button", name="Publish the result").click()
    expect(page.get_by_text("Result published.")).to_be_visible()
    expect(page.get_by_role("heading", name="Lessons learned")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Then a visitor who is not signed in finds it on the council page, but not the draft
    page.goto(wealden.get_absolute_url())
    expect(page.get_by_role("link", name="Clearer arrears letter")).to_be_visible()
    expect(page.get_by_text("Secret draft idea")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Clearer arrears letter").click()
    expect(page.locator(".pb-verdict")).to_contain_text("Worked")
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    assert_accessible(page)


def test_officer_withdraws_a_pilot_with_a_reason(page, wealden, wealden_officer):
    # Given a registered pilot
    pilot = make_pilot(wealden, wealden_officer, status=Status.REGISTERED, title="Shared fraud team")
    sign_in(page, "officer@wealden.example")
    page.goto(pilot.get_absolute_url())

    # When they withdraw it without saying why, then with a reason
    page.get_by_role("link", name="Withdraw the pilot").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("Select what is happening to the pilot")
    assert_accessible(page)
    page.get_by_label(re.compile("^Withdrawn")).check()
    page.get_by_label("Reason").fill("The partner council pulled out before the start.")
    page.get_by_role("button", name="Confirm").click()

    # Then the pilot stays on the record, withdrawn, with the reason shown
    expect(page.get_by_text("The pilot is now withdrawn.")).to_be_visible()
    expect(page.get_by_text("The partner council pulled out before the start.")).to_be_visible()
    assert_accessible(page)
