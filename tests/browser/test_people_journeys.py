"""Journeys for people: a council admin invites a colleague who joins; someone resets a forgotten password."""

import re

from django.core import mail
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in


def link_in_last_email() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def test_council_admin_invites_a_colleague_who_joins(page, wealden_admin, live_server, settings):
    settings.PILOTBOOK_SITE_URL = live_server.url
    # Given the Wealden council admin on their team page
    sign_in(page, "admin@wealden.example")
    page.get_by_role("link", name=re.compile("Your team")).click()
    expect(page.get_by_role("heading", name="Invite a colleague")).to_be_visible()

    # When they send an invitation without an address, then with one
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your colleague's email address")
    assert_accessible(page)
    page.get_by_label("Colleague's email address").fill("new.colleague@wealden.example")
    page.get_by_label("Collaboration champion").check()
    page.get_by_role("button", name="Send invitation").click()

    # Then an email with a personal link is sent
    expect(page.get_by_text("Invitation sent to new.colleague@wealden.example.")).to_be_visible()
    assert mail.outbox[-1].to == ["new.colleague@wealden.example"]
    link = link_in_last_email()
    page.get_by_role("button", name="Sign out").click()

    # When the colleague follows it and creates their account
    page.goto(link)
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Create a password").fill("a-long-enough-passphrase")
    page.get_by_label("Confirm password").fill("a-long-enough-passphrase")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Join|Accept|Create")).click()

    # Then they are signed in as a champion of Wealden
    expect(page.get_by_text("You have joined Wealden.")).to_be_visible()
    expect(page.get_by_text("Collaboration champion")).to_be_visible()
    assert_accessible(page)


def test_person_resets_a_forgotten_password(page, wealden_officer, live_server):
    # Given an officer who has forgotten their password
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill("officer@wealden.example")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    assert_accessible(page)

    # When they ask for a reset link
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label(re.compile("Email")).fill("officer@wealden.example")
    page.get_by_role("button", name=re.compile("Send")).click()
    assert_accessible(page)

    # Then the emailed link lets them choose a new password and sign in with it
    path = re.sub(r"^https?://[^/]+", "", link_in_last_email())
    page.goto(path)
    page.get_by_label("New password", exact=True).fill("brand-new-passphrase-1")
    page.get_by_label(re.compile("confirm", re.I)).fill("brand-new-passphrase-1")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Change|Save|Set")).click()
    sign_in(page, "officer@wealden.example", "brand-new-passphrase-1")
    expect(page.get_by_role("heading", name="Your council", exact=True)).to_be_visible()
