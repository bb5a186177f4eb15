"""The session store (pilotbook.web.sessions): Django's database sessions, read with one SQL statement. Every read
goes to the database, so a session ended anywhere (signing out, expiry, clearsessions) ends at once everywhere."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pilotbook.web.sessions import SessionStore


def signed_in_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_settings_use_it():
    assert settings.SESSION_ENGINE == "pilotbook.web.sessions"


def test_a_session_reads_back_what_was_saved_and_nothing_for_an_unknown_or_malformed_key(db):
    store = SessionStore()
    store["colour"] = "green"
    store.save()
    assert SessionStore(store.session_key)["colour"] == "green"
    for key in ("x" * 32, "not a key; DROP TABLE django_session", ""):
        unknown = SessionStore(key)
        assert unknown.load() == {} and unknown.session_key is None
    assert SessionStore(store.session_key)["colour"] == "green"


def test_an_expired_session_is_not_read(db):
    store = SessionStore()
    store["colour"] = "green"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_signing_out_in_one_browser_ends_a_copy_of_the_session_at_once(officer):
    """Two clients with the same session cookie, as two workers serving one person: signing out through one (the
    row deleted) leaves the other signed out on its next request."""
    first = signed_in_as(officer)
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    assert "Signed in as Olu Officer." in second.get("/no-such-page/").content.decode()
    assert first.post(reverse("logout")).status_code == 302
    assert "Signed in as" not in second.get("/no-such-page/").content.decode()
    assert second.get(reverse("dashboard")).status_code == 302  # to sign in


def test_each_cookie_reads_its_own_persons_session(officer, other_officer):
    pages = {user.full_name: signed_in_as(user).get("/no-such-page/").content.decode()
             for user in (officer, other_officer, officer)}
    assert "Signed in as Olu Officer." in pages["Olu Officer"] and "Otto Other" not in pages["Olu Officer"]
    assert "Signed in as Otto Other." in pages["Otto Other"] and "Olu Officer" not in pages["Otto Other"]


def test_a_session_deleted_by_another_process_ends_at_once(officer):
    """Another worker signing the person out (or clearsessions) deletes the row: nothing kept here serves it on."""
    client = signed_in_as(officer)
    assert "Signed in as Olu Officer." in client.get("/no-such-page/").content.decode()
    Session.objects.filter(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).delete()
    assert "Signed in as" not in client.get("/no-such-page/").content.decode()
