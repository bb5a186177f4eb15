"""Signing in, password reset by email, and council admins inviting colleagues."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pilotbook.councils.models import Invitation, Membership, Role, User


def test_sign_in_with_email_and_password(client, officer):
    response = client.post(reverse("login"), {"username": "officer@home.example", "password": "correct-horse-battery"})
    assert response.url == reverse("dashboard")
    assert "Homeshire" in client.get(reverse("dashboard")).content.decode()


def test_a_moderator_signing_in_lands_on_their_moderation_work(client, moderator, officer, home_council):
    from pilotbook.discussion import services as discussion
    from pilotbook.pilots.choices import Status
    from tests.factories import make_pilot

    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED)
    comment = discussion.comment_post(target=pilot, author=officer, body="A comment.")
    discussion.comment_report(comment=comment, user=officer, reason="Rude.")
    moderator.set_password("correct-horse-battery")
    moderator.save()
    response = client.post(reverse("login"), {"username": moderator.email, "password": "correct-horse-battery"},
                           follow=True)
    page = response.content.decode()
    assert "Your moderation work" in page and "not a member of any council" not in page
    assert f'href="{reverse("discussion-moderation")}">1 reported comment to review' in page
    assert f'href="{reverse("overdue-moderation")}">0 flagged overdue entries to review' in page


def test_someone_in_no_council_who_is_not_a_moderator_is_told_to_ask_for_an_invitation(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="nobody@home.example"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "You are not a member of any council yet" in page and "moderation work" not in page


def test_a_wrong_password_gets_a_clear_message(client, officer):
    page = client.post(reverse("login"), {"username": "officer@home.example", "password": "nope"}).content.decode()
    assert "Enter a correct email address and password" in page and "There is a problem" in page


def test_sign_out_is_a_post(client, officer):
    client.force_login(officer)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_by_email(client, officer):
    client.post(reverse("password_reset"), {"email": "officer@home.example"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@home.example"]
    link = re.search(r"http://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-passphrase")


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert response.url == reverse("password_reset_done") and not mail.outbox


@pytest.fixture
def admin_client(persona_client):
    return persona_client("council_admin")


def invite(admin_client, email="new.person@home.example", role="champion"):
    admin_client.post(reverse("council-team", args=["HOM"]), {"email": email, "role": role})
    return Invitation.objects.get(email=email)


def test_an_admin_invites_a_colleague_who_joins_by_creating_an_account(admin_client, client):
    invitation = invite(admin_client)
    assert mail.outbox[0].to == ["new.person@home.example"]
    assert invitation.get_absolute_url() in mail.outbox[0].body
    response = client.post(invitation.get_absolute_url(), {
        "full_name": "Nia New", "password1": "a-long-enough-secret", "password2": "a-long-enough-secret"})
    assert response.url == reverse("dashboard")
    user = User.objects.get(email="new.person@home.example")
    assert Membership.objects.get(user=user).role == Role.CHAMPION
    assert client.get(reverse("dashboard")).status_code == 200  # signed in
    assert client.get(invitation.get_absolute_url()).status_code == 410  # used once


def test_accepting_checks_the_password(admin_client, client):
    invitation = invite(admin_client)
    page = client.post(invitation.get_absolute_url(), {"full_name": "N", "password1": "password123",
                                                       "password2": "password123"}).content.decode()
    assert "This password is too common" in page or "too short" in page
    page = client.post(invitation.get_absolute_url(), {"full_name": "N", "password1": "a-long-enough-secret",
                                                       "password2": "different-secret"}).content.decode()
    assert "The passwords do not match" in page
    assert not User.objects.filter(email="new.person@home.example").exists()


def test_an_existing_account_accepts_when_signed_in_with_that_email(admin_client, other_officer, client):
    invitation = invite(admin_client, email="officer@other.example", role="officer")
    client.force_login(other_officer)
    client.post(invitation.get_absolute_url())
    assert set(other_officer.memberships.values_list("council_id", flat=True)) == {"OTH", "HOM"}


def test_an_invitation_is_only_for_its_own_email(admin_client, officer, client, other_officer):
    invitation = invite(admin_client, email="someone.else@home.example")
    client.force_login(other_officer)
    page = client.post(invitation.get_absolute_url()).content.decode()
    assert "This invitation is for someone.else@home.example" in page
    assert not other_officer.memberships.filter(council_id="HOM").exists()


def test_an_expired_invitation_cannot_be_used(admin_client, client):
    invitation = invite(admin_client)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert client.get(invitation.get_absolute_url()).status_code == 410


def test_inviting_a_current_member_says_so(admin_client, officer):
    page = admin_client.post(reverse("council-team", args=["HOM"]),
                             {"email": "officer@home.example", "role": "officer"}).content.decode()
    assert "is already a member of Homeshire" in page and not Invitation.objects.exists()


def test_inviting_needs_a_valid_email(admin_client):
    page = admin_client.post(reverse("council-team", args=["HOM"]), {"email": "not-an-email", "role": "officer"})
    assert "Enter an email address like name@council.gov.uk" in page.content.decode()


def test_moderator_flag_gives_the_admin_site_and_nothing_else(moderator):
    assert moderator.is_staff and not moderator.memberships.exists()
