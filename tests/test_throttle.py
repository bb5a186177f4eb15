"""Sign-in and password-reset emails are throttled per account and per client address (ADR 0008)."""

import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from pilotbook.throttle import services as throttle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"  # the factories' password


@pytest.fixture
def clock(monkeypatch):
    """Time that tests move on by hand: `clock.now += 60`."""

    class Clock:
        now = 1_900_000_000.0

    monkeypatch.setattr(throttle, "now", lambda: Clock.now)
    return Clock


def sign_in(email: str, password: str, address: str = "198.51.100.7", **headers) -> str:
    """Post the sign-in form from a client at `address`; return the page, or "signed in" when it let them in."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("login"), {"username": email, "password": password})
    if response.status_code == 302:
        assert "_auth_user_id" in client.session
        return "signed in"
    assert response.status_code == 200
    return response.content.decode()


def assert_refused(page: str, *, minutes: int = 15, who: str = "this email address") -> None:
    assert page != "signed in"
    assert "There is a problem" in page
    assert f"There have been too many wrong passwords for {who}" in page or (
        who == "your network" and "too many wrong passwords from your network" in page)
    assert f"Wait {minutes} minute{'' if minutes == 1 else 's'}, then try again." in page


# --- sign-in -----------------------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_is_refused(clock, officer):
    for _ in range(50):
        sign_in(officer.email, "wrong-guess")
    assert_refused(sign_in(officer.email, RIGHT))


def test_ten_wrong_passwords_lock_the_account_and_say_how_long_to_wait(clock, officer):
    for _ in range(9):
        assert "Enter a correct email address and password" in sign_in(officer.email, "wrong-guess")
    assert "Enter a correct email address and password" in sign_in(officer.email, "wrong-guess")
    clock.now += 4 * 60
    page = sign_in(officer.email, RIGHT)
    assert_refused(page, minutes=11)
    assert "If you have forgotten your password, reset it." in page


def test_after_the_lockout_the_right_password_works_again(clock, officer):
    for _ in range(10):
        sign_in(officer.email, "wrong-guess")
    clock.now += 15 * 60 - 1
    assert_refused(sign_in(officer.email, RIGHT), minutes=1)
    clock.now += 2
    assert sign_in(officer.email, RIGHT) == "signed in"


def test_wrong_passwords_spread_over_more_than_the_window_do_not_lock(clock, officer):
    for _ in range(9):
        sign_in(officer.email, "wrong-guess")
    clock.now += 15 * 60 + 1
    for _ in range(9):
        sign_in(officer.email, "wrong-guess")
    assert sign_in(officer.email, RIGHT) == "signed in"


def test_the_account_is_locked_whichever_network_the_guesses_come_from(clock, officer):
    for n in range(10):
        sign_in(officer.email, "wrong-guess", address=f"203.0.113.{n}")
    assert_refused(sign_in(officer.email, RIGHT, address="192.0.2.1"))


def test_a_right_password_clears_the_accounts_count(clock, officer):
    for _ in range(9):
        sign_in(officer.email, "wrong-guess")
    assert sign_in(officer.email, RIGHT) == "signed in"
    for _ in range(9):
        sign_in(officer.email, "wrong-guess")
    assert sign_in(officer.email, RIGHT) == "signed in"


def test_the_email_address_is_counted_whatever_its_case_and_spaces(clock, officer):
    for n in range(10):
        sign_in(" Officer@HOME.example " if n % 2 else officer.email, "wrong-guess")
    assert_refused(sign_in(officer.email, RIGHT))


def test_different_accounts_from_one_address_are_throttled_too(clock, officer):
    others = [UserFactory(email=f"person{n}@home.example") for n in range(10)]
    for user in others:  # 5 wrong for each: no single account reaches its limit, the address reaches its 50
        for _ in range(5):
            sign_in(user.email, "wrong-guess", address="198.51.100.7")
    page = sign_in(officer.email, RIGHT, address="198.51.100.7")
    assert_refused(page, who="your network")
    assert "reset it" not in page
    assert sign_in(officer.email, RIGHT, address="192.0.2.1") == "signed in"  # other networks are not affected


def test_a_lockout_does_not_reveal_whether_an_account_exists(clock, officer):
    for _ in range(10):
        sign_in("nobody@home.example", "wrong-guess")
        sign_in(officer.email, "wrong-guess", address="192.0.2.9")
    nobody = sign_in("nobody@home.example", "anything")
    somebody = sign_in(officer.email, "anything", address="192.0.2.9")
    assert_refused(nobody)
    assert_refused(somebody)
    strip = lambda page: re.sub(r'value="[^"]*"|name="csrfmiddlewaretoken"[^>]*', "", page)  # noqa: E731
    assert strip(nobody) == strip(somebody)


def test_a_new_password_from_a_reset_link_lifts_the_lockout(clock, client, officer):
    for _ in range(10):
        sign_in(officer.email, "wrong-guess")
    client.post(reverse("password_reset"), {"email": officer.email})
    link = re.search(r"http://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert sign_in(officer.email, "a-new-long-passphrase") == "signed in"


# --- password reset ----------------------------------------------------------------------------------------------


def ask_for_reset(email: str, address: str = "198.51.100.7") -> None:
    response = Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")


def test_twenty_reset_requests_send_at_most_three_emails_and_every_answer_is_the_same(clock, officer):
    for _ in range(20):
        ask_for_reset(officer.email)
    assert len(mail.outbox) == 3


def test_the_page_after_asking_says_how_many_links_are_sent(client, db):
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account uses that address" in page and "We send at most 3 links an hour to one address" in page


def test_reset_emails_are_sent_again_after_an_hour(clock, officer):
    for _ in range(5):
        ask_for_reset(officer.email)
    clock.now += 60 * 60 + 1
    ask_for_reset(officer.email)
    assert len(mail.outbox) == 4


def test_reset_emails_to_many_accounts_from_one_address_are_limited(clock, db):
    users = [UserFactory(email=f"person{n}@home.example") for n in range(25)]
    for user in users:
        ask_for_reset(user.email)
    assert len(mail.outbox) == 20
    ask_for_reset(users[-1].email, address="192.0.2.1")  # another network still gets its link
    assert len(mail.outbox) == 21


def test_asking_for_addresses_with_no_account_counts_the_same(clock, officer):
    for _ in range(20):
        ask_for_reset("nobody@home.example")
    assert not mail.outbox
    ask_for_reset(officer.email)  # the address's own limit was not used up by others
    assert len(mail.outbox) == 1


# --- the client address ------------------------------------------------------------------------------------------


def address_of(remote: str = "198.51.100.7", forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return throttle.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.PILOTBOOK_TRUSTED_PROXY_COUNT = 0
    assert address_of(forwarded="203.0.113.9") == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is not trusted
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "198.51.100.7"),  # fewer entries than proxies: the header cannot be trusted
        (1, "", "198.51.100.7"),
        (1, "not an address", "198.51.100.7"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
        (1, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        (1, "[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_behind_trusted_proxies_the_address_they_saw_is_used(settings, proxies, forwarded, expected):
    settings.PILOTBOOK_TRUSTED_PROXY_COUNT = proxies
    assert address_of(forwarded=forwarded) == expected


def test_a_missing_or_odd_remote_address_does_not_break_sign_in(clock, officer):
    assert sign_in(officer.email, RIGHT, address="") == "signed in"
    assert address_of(remote="") == "unknown"
    assert throttle.client_address(None) == "unknown"


def test_a_forged_forwarded_header_does_not_dodge_the_limit(clock, officer, settings):
    settings.PILOTBOOK_TRUSTED_PROXY_COUNT = 0
    for n in range(50):
        sign_in(f"person{n}@home.example", "wrong-guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_refused(sign_in(officer.email, RIGHT), who="your network")


def test_behind_one_proxy_people_are_counted_by_the_address_it_saw(clock, officer, settings):
    settings.PILOTBOOK_TRUSTED_PROXY_COUNT = 1
    for n in range(50):
        sign_in(f"person{n}@home.example", "wrong-guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert_refused(sign_in(officer.email, RIGHT, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66"),
                   who="your network")
    assert sign_in(officer.email, RIGHT, address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1") == "signed in"


def test_a_proxy_count_that_is_not_a_number_stops_the_app_with_a_clear_message():
    env = {**os.environ, "PILOTBOOK_TRUSTED_PROXY_COUNT": "one"}
    done = subprocess.run([sys.executable, "-c", "import pilotbook.config.settings"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode != 0 and "Set PILOTBOOK_TRUSTED_PROXY_COUNT to a whole number" in done.stderr


def test_migrate_makes_the_throttle_cache_table():
    assert "pilotbook_cache" in connection.introspection.table_names()


def test_the_counts_are_kept_where_every_web_process_sees_them():
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    assert isinstance(caches[throttle.CACHE], DatabaseCache)  # not each process's own memory
