"""Journey: a platform moderator corrects a pilot's record in the admin site; officers cannot get in."""

import re

from playwright.sync_api import expect

from pilotbook.pilots.choices import Status
from tests.factories import UserFactory, make_pilot

from .conftest import PASSWORD, assert_accessible, sign_in


def test_moderator_finds_and_opens_any_pilot_in_the_admin(page, wealden, wealden_officer):
    # Given a draft at Wealden (which only Wealden sees on the site) and a moderator
    make_pilot(wealden, wealden_officer, status=Status.DRAFT, title="Draft at Wealden")
    UserFactory(email="moderator@pilotbook.example", full_name="Mo Moderator", is_moderator=True, password=PASSWORD)

    # When the moderator signs in, they land on their moderation work (not "You are not a member of any council")
    sign_in(page, "moderator@pilotbook.example")
    expect(page.get_by_role("heading", name="Your moderation work", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="0 reported comments to review")).to_be_visible()
    expect(page.get_by_text("You are not a member of any council")).to_have_count(0)
    assert_accessible(page)

    # When they open Moderation
    page.get_by_role("link", name="Moderation", exact=True).click()

    # Then they can search the pilots and open the draft
    page.get_by_role("row", name=re.compile("^Pilots Add")).get_by_role("link", name="Pilots").click()
    page.get_by_role("textbox").first.fill("Draft at Wealden")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Draft at Wealden").click()
    expect(page.get_by_role("heading", name="Draft at Wealden")).to_be_visible()
    assert_accessible(page)


def test_an_officer_is_not_let_into_the_admin(page, wealden_officer):
    sign_in(page, "officer@wealden.example")
    expect(page.get_by_role("link", name="Moderation")).to_have_count(0)
    page.goto("/admin/")
    # The admin has no sign-in form of its own: a signed-in officer is told plainly it is for moderators.
    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    expect(page.get_by_text("The admin site is for platform moderators")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    assert_accessible(page)


def test_a_moderator_going_to_the_admin_signs_in_on_the_service_and_arrives_there(page, live_server):
    UserFactory(email="moderator@pilotbook.example", full_name="Mo Moderator", is_moderator=True, password=PASSWORD)
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # the service's own sign-in page
    page.get_by_label("Email address").fill("moderator@pilotbook.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Keep the shared record accurate")).to_be_visible()
