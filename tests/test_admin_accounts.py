"""Only superusers manage accounts, memberships and invitations in the admin; moderators moderate content.

And the admin has no sign-in of its own: /admin/login/ sends people to the service's sign-in.
"""

import pytest
from django.test import Client
from django.urls import reverse

from pilotbook.councils.models import Invitation, Membership, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-by-a-moderator"


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@pilotbook.example", "a-long-superuser-passphrase",
                                         full_name="Sam Superuser")


@pytest.fixture
def superuser_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def invitation(home_council, council_admin):
    return Invitation.objects.create(council=home_council, email="new@home.example", invited_by=council_admin)


def account_urls(user, invitation) -> dict[str, str]:
    return {
        "people": reverse("admin:councils_user_changelist"),
        "add a person": reverse("admin:councils_user_add"),
        "a person": reverse("admin:councils_user_change", args=[user.pk]),
        "a person's password": reverse("admin:auth_user_password_change", args=[user.pk]),
        "delete a person": reverse("admin:councils_user_delete", args=[user.pk]),
        "invitations": reverse("admin:councils_invitation_changelist"),
        "add an invitation": reverse("admin:councils_invitation_add"),
        "an invitation": reverse("admin:councils_invitation_change", args=[invitation.pk]),
    }


def change_form(user, **changes) -> dict:
    """The admin's change form for a person as it stands, with `changes` applied and no membership rows."""
    data = {"email": user.email, "full_name": user.full_name, "is_active": "on" if user.is_active else "",
            "is_moderator": "on" if user.is_moderator else "", "is_superuser": "on" if user.is_superuser else "",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_a_moderator_cannot_open_any_account_page_in_the_admin(persona_client, superuser, invitation):
    client = persona_client("moderator")
    for name, url in account_urls(superuser, invitation).items():
        assert client.get(url).status_code == 403, name


def test_a_moderator_cannot_set_a_superusers_password_and_sign_in_as_them(persona_client, superuser):
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = persona_client("moderator").post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                      "usable_password": "true"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password(NEW_PASSWORD)
    assert not Client().login(username=superuser.email, password=NEW_PASSWORD)


def test_a_moderator_cannot_change_anyones_email_or_active_flag(persona_client, officer):
    url = reverse("admin:councils_user_change", args=[officer.pk])
    response = persona_client("moderator").post(url, change_form(officer, email="mine@evil.example", is_active=""))
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.email == "officer@home.example" and officer.is_active


def test_a_moderator_cannot_give_themselves_membership_of_a_council(persona_client, moderator, home_council):
    url = reverse("admin:councils_user_change", args=[moderator.pk])
    rows = {"memberships-TOTAL_FORMS": "1", "memberships-0-council": home_council.pk, "memberships-0-role": "admin"}
    response = persona_client("moderator").post(url, change_form(moderator, **rows))
    assert response.status_code == 403
    response = persona_client("moderator").post(reverse("admin:councils_invitation_add"),
                                                {"council": home_council.pk, "email": moderator.email,
                                                 "role": "admin", "expires_at": "2099-01-01 00:00"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=moderator).exists()
    assert not Invitation.objects.filter(email=moderator.email).exists()


def test_the_admin_index_shows_a_moderator_no_accounts_but_still_the_pilots(persona_client):
    client = persona_client("moderator")
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:councils_user_changelist") not in page
    assert reverse("admin:councils_invitation_changelist") not in page
    assert reverse("admin:pilots_pilot_changelist") in page
    assert client.get(reverse("admin:pilots_pilot_changelist")).status_code == 200


def test_a_superuser_can_open_every_account_page(superuser_client, superuser, invitation):
    for name, url in account_urls(superuser, invitation).items():
        assert superuser_client.get(url).status_code == 200, name


def test_a_superuser_sets_a_password_changes_an_email_and_gives_a_membership(superuser_client, officer,
                                                                              other_council):
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = superuser_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                           "usable_password": "true"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)

    memberships = {"memberships-TOTAL_FORMS": "1", "memberships-0-council": other_council.pk,
                   "memberships-0-role": Role.OFFICER}
    response = superuser_client.post(reverse("admin:councils_user_change", args=[officer.pk]),
                                     change_form(officer, email="olu@home.example", **memberships))
    assert response.status_code == 302, response.content.decode()
    officer.refresh_from_db()
    assert officer.email == "olu@home.example"
    assert officer.memberships.filter(council=other_council).exists()


# --- /admin/ and /admin/login/ ---------------------------------------------------------------------------------


def test_anonymous_admin_login_goes_to_the_services_sign_in(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("admin:index")


def test_anonymous_admin_login_keeps_where_they_were_going(client, db):
    wanted = reverse("admin:pilots_pilot_changelist")
    response = client.get(reverse("admin:login"), {"next": wanted})
    assert response["Location"] == reverse("login") + "?next=" + wanted


def test_the_admin_login_never_sends_people_to_another_site(client, db):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("login") + "?next=" + reverse("admin:index")


def test_the_admin_login_form_cannot_be_posted_to(client, moderator):
    response = client.post(reverse("admin:login"), {"username": moderator.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_anonymous_admin_ends_on_the_services_sign_in_page(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=" + reverse("admin:index")
    assert "Sign in" in response.content.decode()


def test_a_moderator_signs_in_on_the_service_and_comes_back_to_the_admin(client, moderator):
    response = client.get(reverse("admin:index"), follow=True)
    sign_in = response.redirect_chain[-1][0]
    response = client.post(sign_in, {"username": moderator.email, "password": "correct-horse-battery",
                                     "next": reverse("admin:index")})
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_moderator_at_admin_login_goes_on_to_the_admin(persona_client):
    response = persona_client("moderator").get(reverse("admin:login"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("url_name", ["admin:index", "admin:login"])
def test_a_signed_in_officer_is_told_the_admin_is_for_moderators(persona_client, url_name):
    response = persona_client("officer").get(reverse(url_name), follow=True)
    assert response.status_code == 403
    page = response.content.decode()
    assert "The admin site is for platform moderators" in page and "officer@home.example" in page
