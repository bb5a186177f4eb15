"""The service navigation on every page (pilotbook.web.context_processors.navigation, issue 19).

Its addresses and labels are worked out once per language and kept by the process; what is personal in it (the
"Register a pilot" link for a council member, the unread notifications count, the moderation link) is read for the
person asking on every request, with their councils, in one query. These tests ask in both orders, in one process,
so that whatever the first person's request left behind would show on the second's page if anything personal were
kept.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from pilotbook.discussion import services
from pilotbook.discussion.models import Kind, Notification
from pilotbook.pilots.choices import Status

from .factories import UserFactory, make_pilot

NAV = re.compile(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', re.S)


def navigation_of(user, path: str = "/no-such-page/") -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    return NAV.search(response.content.decode()).group(1)


def notify(recipient_council, pilot, count: int, author) -> None:
    """`count` notifications for the members of `recipient_council` (questions on their council's pilot)."""
    for i in range(count):
        services.comment_post(target=pilot, author=author, body=f"Question {i}?", kind=Kind.QUESTION)
    assert Notification.objects.filter(recipient__memberships__council=recipient_council).exists()


def test_each_person_sees_their_own_unread_count_and_links_whoever_asked_first(home_council, officer,
                                                                                other_officer, moderator):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    notify(home_council, pilot, 3, author=other_officer)
    no_council = UserFactory(email="nobody@example.org", full_name="Nia Nobody")
    people = [officer, other_officer, no_council, moderator, None]
    for order in (people, people[::-1]):
        navs = {person: navigation_of(person) for person in order}
        assert "Notifications (3)" in navs[officer]
        for person in (other_officer, no_council, moderator):
            assert "Notifications (" not in navs[person] and "Notifications" in navs[person]
        assert "Notifications" not in navs[None] and "Your council" not in navs[None]
        # Registering a pilot is offered to members of a council only; moderation to moderators only.
        create = reverse("pilot-create")
        assert create in navs[officer] and create in navs[other_officer]
        assert create not in navs[no_council] and create not in navs[moderator] and create not in navs[None]
        admin = reverse("admin:index")
        assert admin in navs[moderator] and all(admin not in navs[p] for p in people if p is not moderator)


def test_the_count_follows_reading_them_at_once(client, home_council, officer, other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    notify(home_council, pilot, 2, author=other_officer)
    client.force_login(officer)
    assert "Notifications (2)" in client.get("/no-such-page/").content.decode()
    page = client.post(reverse("discussion-notifications-read"), follow=True).content.decode()
    assert "Notifications (" not in NAV.search(page).group(1)


def test_marking_read_on_the_user_object_counts_afresh(home_council, officer, other_officer):
    """The count is kept on the user object for its request; marking them read through the service forgets it."""
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    notify(home_council, pilot, 1, author=other_officer)
    assert officer.unread_notification_count() == 1
    services.notifications_mark_read(user=officer)
    assert officer.unread_notification_count() == 0


def test_councils_and_unread_count_are_one_query_of_the_persons_own_rows(home_council, other_council, officer,
                                                                         other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    notify(home_council, pilot, 2, author=other_officer)
    for person, councils, unread in ((officer, {"HOM"}, 2), (other_officer, {"OTH"}, 0)):
        fresh = type(person).objects.get(pk=person.pk)
        with CaptureQueriesContext(connection) as queries:
            assert (fresh.council_codes(), fresh.unread_notification_count()) == (frozenset(councils), unread)
            fresh.council_codes()
        assert len(queries) == 1


def test_the_links_follow_the_script_prefix(officer):
    """Kept per script prefix too: an app mounted under /pilotbook/ links there, though the links were worked out
    for / first. (The test client leaves the prefix alone, so it is set here as the WSGI handler sets it.)"""
    client = Client()
    client.force_login(officer)
    assert f'href="{reverse("evidence-search")}"' in navigation_of(officer)
    set_script_prefix("/pilotbook/")
    try:
        nav = NAV.search(client.get("/no-such-page/").content.decode()).group(1)
    finally:
        set_script_prefix("/")
    assert 'href="/pilotbook/evidence/"' in nav and 'href="/evidence/"' not in nav
    assert 'href="/evidence/"' in navigation_of(officer)
