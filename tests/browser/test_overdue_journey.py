"""Journey: an officer finds their pilot on the overdue list and flags it (the end date moved); a moderator
reviews the flag and sets a new due date; the pilot leaves the list and the entry shows the logged correction."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.overdue.helpers import pilot_due

from .conftest import PASSWORD, assert_accessible, sign_in


def test_officer_flags_an_overdue_entry_and_a_moderator_corrects_it(page, wealden, wealden_officer):
    today = timezone.localdate()
    pilot_due(wealden, wealden_officer, today - dt.timedelta(days=30), title="Garden waste by text",
              visibility="public")
    UserFactory(email="moderator@pilotbook.example", full_name="Mo Moderator", is_moderator=True, password=PASSWORD)

    # The officer finds the pilot on the sector's overdue list, with Wealden's reporting rate
    sign_in(page, "officer@wealden.example")
    page.get_by_role("link", name="Overdue results").click()
    expect(page.get_by_role("heading", name="Overdue results", level=1)).to_be_visible()
    expect(page.get_by_test_id("overdue-table")).to_contain_text("30")
    expect(page.get_by_test_id("rates-table")).to_contain_text("Wealden")
    assert_accessible(page)

    # and flags it: the end date moved
    page.get_by_role("link", name="Garden waste by text").click()
    expect(page.get_by_test_id("entry-state")).to_contain_text("30 days overdue")
    page.get_by_role("link", name="Flag this entry as wrong").click()
    page.get_by_role("button", name="Send to a moderator").click()
    expect(page.get_by_role("alert")).to_contain_text("Select what is wrong")
    assert_accessible(page)
    page.get_by_label("The end date moved, so the results are not due yet").check()
    page.get_by_label("Explain what is wrong").fill("Cabinet extended the pilot by three months.")
    page.get_by_role("button", name="Send to a moderator").click()
    expect(page.get_by_text("A moderator will review this entry")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The moderator reviews the flag and sets a new due date
    sign_in(page, "moderator@pilotbook.example")
    page.goto("/overdue/moderation/")
    expect(page.get_by_test_id("open-flags")).to_contain_text("Cabinet extended the pilot")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Review")).click()
    page.get_by_label("Set a new date results are due").check()
    new_due = today + dt.timedelta(days=60)
    page.locator("#id_new_due_date_0").fill(str(new_due.day))
    page.locator("#id_new_due_date_1").fill(str(new_due.month))
    page.locator("#id_new_due_date_2").fill(str(new_due.year))
    page.get_by_label(re.compile("^Why")).fill("Cabinet minutes confirm the extension.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Record corrected and logged")).to_be_visible()
    expect(page.get_by_text("No flags are waiting for review.")).to_be_visible()

    # The pilot has left the list, and its entry shows the correction: who, when, what changed and why
    page.goto("/overdue/")
    expect(page.get_by_text("Garden waste by text")).to_have_count(0)
    page.goto(f"/overdue/pilots/{wealden.pilots.get().pk}/")
    corrections = page.get_by_test_id("corrections")
    expect(corrections).to_contain_text("Changed the date results are due")
    expect(corrections).to_contain_text("by Mo Moderator")
    expect(corrections).to_contain_text(f"{new_due.day} {new_due:%B %Y}")
    expect(corrections).to_contain_text("Cabinet minutes confirm the extension.")
    assert_accessible(page)
