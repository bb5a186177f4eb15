"""What pages cache under the data version is never shown once the data changed, nor to another audience (ADR 0020)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.web import versions

from .factories import make_pilot


def test_a_pilot_made_councils_only_leaves_every_cached_signed_out_page_at_once(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    link = f'/pilots/{pilot.pk}/"'  # in the API's records and the search's results alike
    pages = [reverse("api-pilots"), reverse("evidence-search") + "?q=arrears"]
    for _ in range(2):  # built, then served from the cache
        assert all(link in client.get(url).content.decode() for url in pages)
        assert client.get(pilot.get_absolute_url()).status_code == 200
    services.pilot_set_visibility(pilot=pilot, user=officer, visibility="councils")
    assert client.get(pilot.get_absolute_url()).status_code == 404
    assert not any(link in client.get(url).content.decode() for url in pages)


def test_an_audience_never_gets_what_was_built_for_another(client, home_council, other_council, officer,
                                                          other_officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, visibility="councils")
    client.force_login(officer)
    assert "Measure the pilot" in client.get(pilot.get_absolute_url()).content.decode()
    client.force_login(other_officer)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert pilot.title in page and "Measure the pilot" not in page  # only its own council may act on it
    client.logout()
    assert client.get(pilot.get_absolute_url()).status_code == 404


def test_a_draft_changes_only_the_version_of_those_who_can_see_drafts(home_council, officer):
    public, everyone = versions.current(public=True), versions.current()
    draft = make_pilot(home_council, officer, status=Status.DRAFT)
    assert versions.current(public=True) == public and versions.current() != everyone
    everyone = versions.current()
    services.pilot_register(pilot=draft, user=officer)
    assert versions.current(public=True) != public and versions.current() != everyone


def test_a_change_is_recorded_again_once_its_transaction_commits(home_council, officer):
    make_pilot(home_council, officer, status=Status.DRAFT)
    make_pilot(home_council, officer, status=Status.DRAFT)
    pending = [func for _ids, func, _robust in connection.run_on_commit if isinstance(func, versions._AfterCommit)]
    assert len(pending) == 1  # once per transaction, however many changes it made
    before = versions.current()
    pending[0]()  # what happens when the transaction commits
    assert versions.current() != before


def test_signing_in_or_saving_a_session_changes_no_version(client, officer):
    everyone = versions.current()
    client.force_login(officer)  # saves the session and the last sign-in time
    assert versions.current() == everyone


def test_an_import_changes_the_version_though_it_sends_no_signal(home_council):
    from pilotbook.api.importing import import_records

    before = versions.current(public=True)
    import_records([("record 1", {"title": "Imported letter", "council_code": "HOM", "problem": "Late contact.",
                                  "change": "A clearer letter.", "visibility": "public"})])
    assert versions.current(public=True) != before


def test_a_moderator_who_belongs_to_a_council_shares_nothing_with_one_who_does_not(client, home_council, officer,
                                                                                   moderator):
    from pilotbook.councils.models import Membership, Role

    from .factories import UserFactory

    pilot = make_pilot(home_council, officer, status=Status.RUNNING, visibility="councils")
    member_moderator = UserFactory(email="mod-member@pilotbook.example", is_moderator=True)
    Membership.objects.create(user=member_moderator, council=home_council, role=Role.OFFICER)
    client.force_login(member_moderator)
    assert "Measure the pilot" in client.get(pilot.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "Measure the pilot" not in client.get(pilot.get_absolute_url()).content.decode()


def test_an_embargo_ending_changes_the_version_with_no_write(home_council, officer):
    """The next embargo's end is part of the version; it is asked again only when the data changed or it passed."""
    import datetime as dt
    from unittest import mock

    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    start = timezone.now()
    release = start + dt.timedelta(days=2)
    type(pilot).objects.filter(pk=pilot.pk).update(published_at=release)
    versions.bump()  # update() sends no signal
    with mock.patch("django.utils.timezone.now", return_value=start):
        before = versions.current(public=True)
        with CaptureQueriesContext(connection) as queries:
            assert versions.current(public=True) == before
        assert len(queries) == 1  # the newest change only: the embargo is still the same
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(days=1)):
        assert versions.current(public=True) == before
    with mock.patch("django.utils.timezone.now", return_value=release + dt.timedelta(seconds=1)):
        released = versions.current(public=True)
        assert released != before  # no write: the moment passed
    with mock.patch("django.utils.timezone.now", return_value=start):  # a clock set back asks again, too
        assert versions.current(public=True) == before
    # A second embargo, sooner, is a write: a new token, so the clock is asked again at once.
    sooner = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    type(pilot).objects.filter(pk=sooner.pk).update(published_at=start + dt.timedelta(hours=1))
    versions.bump()
    with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=30)):
        assert (start + dt.timedelta(hours=1)).isoformat() in versions.current(public=True)


def _kept_kinds() -> set[str]:
    """The kinds of entry in the shared page table ("signed-out", "evidence-search", ...)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM pilotbook_page_cache")
        return {key.split(":")[3] for (key,) in cursor.fetchall()}


def test_a_page_kept_whole_for_signed_out_visitors_keeps_no_part_of_it_apart(client, home_council, officer):
    """Signed out, the evidence search's whole response is kept, and its body is not kept apart as well (no later
    visitor would read it); with a session cookie (not shared) the body is kept, and the pages are the same."""
    from django.core.cache import caches

    make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    url = reverse("evidence-search") + "?q=arrears"
    for name in ("pages", "shared_pages"):
        caches[name].clear()
    whole = client.get(url).content.decode()
    assert _kept_kinds() == {"signed-out"}
    assert client.get(url).content.decode() == whole  # from what was kept
    client.cookies["sessionid"] = "not-a-session"  # someone who may have something of their own: nothing shared
    assert client.get(url).content.decode() == whole
    assert _kept_kinds() == {"signed-out", "evidence-search"}


def test_a_pilots_page_keeps_its_body_for_its_other_addresses(client, home_council, officer):
    """A pilot's page kept whole for signed-out visitors is kept under its address; its body, kept under the pilot,
    serves the same page asked with another query string (a link shared with tracking parameters) without building
    it again."""
    from django.core.cache import caches

    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    for name in ("pages", "shared_pages"):
        caches[name].clear()
    client.get(pilot.get_absolute_url())
    assert {"signed-out", "pilot-page"} <= _kept_kinds()
    with CaptureQueriesContext(connection) as first:
        client.get(pilot.get_absolute_url() + "?utm_source=a")
    with CaptureQueriesContext(connection) as again:
        client.get(pilot.get_absolute_url() + "?utm_source=b")
    assert len(again) == len(first) < 12  # the body found (7 queries), not built again (17)
