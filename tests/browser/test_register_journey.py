"""Journey: an officer signs in, registers a pilot through every question page, sees the frozen plan and its
hash, amends it, and finds it in browse; another council's officer then sees it but cannot change it."""

import hashlib
import json
import re

from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in


def answer_question_pages(page):
    # Idea
    page.get_by_label("Title of the pilot").fill("Plain-English council tax reminder")
    page.get_by_label("The problem").fill("Many residents miss the first council tax instalment.")
    page.get_by_label("The change being tried").fill("A shorter reminder with the amount and one way to pay.")
    page.get_by_role("button", name="Save and continue").click()
    # Service area and type of change
    expect(page.get_by_role("heading", name="Service area and type of change")).to_be_visible()
    page.get_by_label("Service area").select_option(label="Council tax, revenues and benefits")
    page.get_by_label("Letter or message redesign").check()
    page.get_by_role("button", name="Save and continue").click()
    # Partners
    page.get_by_label("Partners involved").fill("Citizens Advice Wealden")
    page.get_by_role("button", name="Save and continue").click()
    # Hypothesis
    page.get_by_label("Hypothesis").fill("A clearer reminder gets more residents to pay on time.")
    page.get_by_role("button", name="Save and continue").click()
    # Primary outcome
    page.get_by_label("Primary outcome").fill("Paid first instalment on time")
    page.get_by_label("Unit of the outcome").fill("percentage points")
    page.get_by_label("Yes or no (for example paid on time)").check()
    page.get_by_label("Higher is better").check()
    page.get_by_role("button", name="Save and continue").click()
    # Smallest effect worth having
    page.get_by_label("Smallest effect worth having").fill("3")
    page.get_by_role("button", name="Save and continue").click()
    # Design, with its Maryland level shown in the answer
    expect(page.get_by_text("Randomised by person or household (evidence level 5 of 5)")).to_be_visible()
    page.get_by_label("Randomised by person or household").check()
    page.get_by_role("button", name="Save and continue").click()
    # Planned sample, with a registered stopping rule for interim looks
    page.get_by_label("Planned sample").fill("3000")
    page.get_by_label(re.compile("^O'Brien-Fleming")).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter how many interim looks you plan")
    page.get_by_label("How many looks before the final analysis?").fill("2")
    page.get_by_role("button", name="Save and continue").click()
    # Dates: a real date is required, so try a wrong one first
    for legend, (day, month, year) in {"Start date": ("1", "4", "2027"), "End date": ("31", "2", "2027")}.items():
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a real date")
    assert_accessible(page)
    page.get_by_role("group", name="End date").get_by_label("Day").fill("30")
    page.get_by_role("group", name="End date").get_by_label("Month").fill("6")
    page.get_by_role("button", name="Save and continue").click()
    # Costs
    page.get_by_label("Set-up cost").fill("1200")
    page.get_by_label("Running cost for the whole pilot").fill("800")
    page.get_by_role("button", name="Save and continue").click()
    # Who may see it
    page.get_by_label("Anyone, including the public").check()
    page.get_by_role("button", name="Save and continue").click()


def test_officer_registers_amends_and_finds_a_pilot(page, wealden_officer, leeds_officer):
    # Given an officer of Wealden signed in
    sign_in(page, "officer@wealden.example")
    expect(page.get_by_role("heading", name="Your council", exact=True)).to_be_visible()
    assert_accessible(page)

    # When they register a pilot, leaving a required answer out at first
    page.get_by_role("link", name="Register a pilot").first.click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter title of the pilot")
    assert_accessible(page)
    answer_question_pages(page)

    # Then the check-your-answers page lists every answer
    expect(page.get_by_role("heading", name="Check your answers before registering")).to_be_visible()
    expect(page.get_by_text("Plain-English council tax reminder")).to_be_visible()
    expect(page.get_by_text("1 April 2027")).to_be_visible()
    expect(page.get_by_text("Level 5", exact=False).first).to_be_visible()
    assert_accessible(page)

    # When they register it
    page.get_by_role("button", name="Register the pilot").click()

    # Then the pilot page shows the frozen plan's time and SHA-256, which anyone can recompute
    expect(page.get_by_text("Pilot registered. Its plan is now frozen.")).to_be_visible()
    shown_hash = page.get_by_test_id("registered-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash)
    plan_json = json.loads(page.request.get(page.url + "plan.json").text())
    assert hashlib.sha256(plan_json["registered_plan_canonical_json"].encode()).hexdigest() == shown_hash
    assert_accessible(page)

    # When they amend the planned sample with a reason
    page.get_by_role("link", name=re.compile("Change.*planned sample", re.I)).click()
    page.get_by_label("Planned sample").fill("3600")
    page.get_by_role("button", name="Record the amendment").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason for the change")
    page.get_by_label("Reason for the change").fill("A second mailing batch became available.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record the amendment").click()

    # Then the amendment is listed with its reason, a readable before/after and the marker
    amendment = page.locator(".govuk-summary-card", has_text="Amendment 1")
    expect(amendment).to_contain_text("A second mailing batch became available.")
    expect(amendment).to_contain_text("Before results were seen")
    expect(amendment.get_by_role("row", name=re.compile("Planned sample"))).to_contain_text("3000")
    expect(amendment.get_by_role("row", name=re.compile("Planned sample"))).to_contain_text("3600")
    assert page.get_by_test_id("registered-hash").inner_text().strip() == shown_hash
    assert_accessible(page)

    # And they find it in browse by filtering
    page.get_by_role("link", name="Browse pilots").click()
    page.get_by_label("Service area").select_option(label="Council tax, revenues and benefits")
    page.get_by_label("Status").select_option(label="Registered")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Plain-English council tax reminder")).to_be_visible()
    assert_accessible(page)

    # And an officer of another council can read it but is offered no way to change it
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer@leeds.example")
    page.goto("/pilots/")
    page.get_by_role("link", name="Plain-English council tax reminder").click()
    expect(page.get_by_role("heading", name="Plain-English council tax reminder")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    assert_accessible(page)
