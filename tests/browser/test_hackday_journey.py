"""Journey: a council admin organises a hack day, adds an idea, opens voting, votes, closes voting, shortlists
the idea and turns it into a pilot draft with its answers carried over; the pages pass an axe check."""

import re

from playwright.sync_api import expect

from pilotbook.hackdays.models import Idea

from .conftest import assert_accessible, sign_in


def test_hack_day_from_creation_to_a_pilot_draft(page, wealden_admin):
    # Given a council admin signed in
    sign_in(page, "admin@wealden.example")

    # When they organise a hack day
    page.get_by_role("link", name="Hack days").first.click()
    page.get_by_role("link", name="Organise a hack day").click()
    page.get_by_label("Name of the hack day").fill("Spring hack day")
    page.get_by_label("Theme").fill("Fewer missed bin collections")
    date = page.get_by_role("group", name="Date")
    date.get_by_label("Day").fill("18")
    date.get_by_label("Month").fill("3")
    date.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Create the hack day").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the place, the online link, or both")
    assert_accessible(page)
    page.get_by_label("Place").fill("Council offices, Hailsham")
    page.get_by_label("Votes per person").fill("2")
    page.get_by_label("Challenges staff may tackle").fill("Residents miss bin days\nCrews miss assisted collections")
    page.get_by_role("button", name="Create the hack day").click()
    expect(page.get_by_role("heading", level=1, name="Spring hack day")).to_be_visible()
    expect(page.get_by_text("Collecting ideas")).to_be_visible()

    # And add an idea for one of the challenges
    page.get_by_role("link", name="Add an idea").click()
    page.get_by_label("Challenge it tackles").select_option(label="Residents miss bin days")
    page.get_by_label("Title of the idea").fill("Text reminder the night before")
    page.get_by_label("The problem").fill("Residents forget which week is recycling.")
    page.get_by_label("The idea", exact=True).fill("Send a text the evening before collection.")
    page.get_by_label("Expected benefit").fill("Fewer missed collections and complaints.")
    page.get_by_label("Who it affects").fill("Households who sign up.")
    page.get_by_role("button", name="Add the idea").click()
    expect(page.get_by_role("heading", name="Text reminder the night before")).to_be_visible()

    # And open voting, then vote
    page.get_by_role("link", name="Open voting").click()
    page.get_by_role("button", name="Open voting").click()
    expect(page.get_by_text("You have 2 votes left.")).to_be_visible()
    page.get_by_role("button", name="Vote for Text reminder the night before").click()
    expect(page.get_by_text("You have 1 vote left.")).to_be_visible()
    expect(page.get_by_text("You voted for this")).to_be_visible()
    assert_accessible(page)

    # And close voting: the count is shown now
    page.get_by_role("link", name="Close voting").click()
    page.get_by_role("button", name="Close voting").click()
    expect(page.get_by_text("1 vote", exact=True)).to_be_visible()

    # Then they shortlist the idea and make it a pilot in one action
    page.get_by_role("button", name="Shortlist Text reminder the night before").click()
    expect(page.get_by_text("Shortlisted", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Make it a pilot")).click()
    page.get_by_role("button", name="Create the pilot draft").click()
    expect(page.get_by_role("heading", level=1, name="Text reminder the night before")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/pilots/\d+/$"))
    idea = Idea.objects.get()
    assert idea.pilot is not None and idea.pilot.change == "Send a text the evening before collection."
    assert_accessible(page)

    # And the hack day page shows what became of the idea
    page.goto(idea.hack_day.get_absolute_url())
    expect(page.get_by_text("Piloted", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Text reminder the night before")).to_be_visible()
    assert_accessible(page)
