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

    # When the moderator signs in and opens Moderation
    sign_in(page, "moderator@pilotbook.example")
    page.get_by_role("link", name="Moderation").click()

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
    expect(page.get_by_label("Password")).to_be_visible()  # the admin asks for a moderator's sign-in
    expect(page.get_by_text(re.compile("not authori[sz]ed|not have permission", re.I))).to_be_visible()
