"""Overdue pages: who sees which pilots, who may flag, who may correct, and withheld council names."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.overdue import services
from pilotbook.overdue.models import Correction, Flag
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.models import Pilot, Result

from .helpers import pilot_due

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
MATRIX_PERSONAS = ("anonymous", "officer", "other_officer", "moderator")


@pytest.fixture
def pilots(home_council, officer):
    past = timezone.localdate() - 10 * DAY
    return {
        "councils": pilot_due(home_council, officer, past, title="Councils-only overdue"),
        "public": pilot_due(home_council, officer, past, title="Public overdue", visibility="public"),
        "draft": pilot_due(home_council, officer, past, status="draft", title="Draft past due"),
    }


@pytest.mark.parametrize("persona,expected", [
    ("anonymous", {"Public overdue"}),
    ("officer", {"Public overdue", "Councils-only overdue"}),
    ("other_officer", {"Public overdue", "Councils-only overdue"}),
    ("moderator", {"Public overdue", "Councils-only overdue"}),
])
def test_the_lists_show_only_pilots_the_viewer_may_see(persona_client, pilots, home_council, persona, expected):
    client = persona_client(persona)
    for url in (reverse("overdue-list"), reverse("overdue-council", args=[home_council.code])):
        html = client.get(url).content.decode()
        shown = {title for title in ("Public overdue", "Councils-only overdue", "Draft past due") if title in html}
        assert shown == expected, (persona, url)


@pytest.mark.parametrize("persona,status", [("anonymous", 404), ("officer", 200), ("other_officer", 200),
                                            ("moderator", 200)])
def test_an_entry_is_found_only_by_those_who_may_see_the_pilot(persona_client, pilots, persona, status):
    response = persona_client(persona).get(reverse("overdue-entry", args=[pilots["councils"].pk]))
    assert response.status_code == status


@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("officer", 200), ("other_officer", 403),
                                            ("moderator", 403)])
def test_only_the_pilots_council_may_flag_its_entry(persona_client, pilots, persona, status):
    url = reverse("overdue-flag", args=[pilots["public"].pk])
    client = persona_client(persona)
    assert client.get(url).status_code == status
    response = client.post(url, {"kind": "other", "reason": "Not ours to report yet."})
    assert response.status_code == (302 if persona == "officer" else status)
    assert Flag.objects.exists() is (persona == "officer")
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("officer", 403), ("other_officer", 403),
                                            ("moderator", 200)])
def test_only_moderators_review_and_correct(persona_client, pilots, officer, persona, status):
    flag = services.flag_raise(pilot=pilots["public"], user=officer, kind="other", reason="Wrong date.")
    client = persona_client(persona)
    for url in (reverse("overdue-moderation"), reverse("overdue-review", args=[flag.pk]),
                reverse("overdue-correct", args=[pilots["public"].pk])):
        assert client.get(url).status_code == status, url
    new_due = timezone.localdate() + 30 * DAY
    client.post(reverse("overdue-correct", args=[pilots["public"].pk]), {
        "decision": "due_date", "new_due_date_0": new_due.day, "new_due_date_1": new_due.month,
        "new_due_date_2": new_due.year, "reason": "Council emailed."})
    assert Correction.objects.exists() is (persona == "moderator")


def test_flag_then_moderator_correction_through_the_pages(client, persona_client, pilots, officer):
    officer_client = persona_client("officer")
    entry = reverse("overdue-entry", args=[pilots["public"].pk])
    response = officer_client.post(reverse("overdue-flag", args=[pilots["public"].pk]), {
        "kind": "reported_elsewhere", "reason": "Published on our website in May.",
        "link": "https://home.example/results"})
    assert response.status_code == 302 and response["Location"] == entry
    flag = Flag.objects.get()

    moderator_client = persona_client("moderator")
    assert "Published on our website in May." in moderator_client.get(reverse("overdue-moderation")).content.decode()
    review = reverse("overdue-review", args=[flag.pk])
    # The form says what is missing.
    response = moderator_client.post(review, {"decision": "reported_elsewhere", "reason": "Checked."})
    assert "Enter the date the results were reported" in response.content.decode()
    reported = timezone.localdate() - 5 * DAY
    response = moderator_client.post(review, {
        "decision": "reported_elsewhere", "url": "https://home.example/results", "reported_on_0": reported.day,
        "reported_on_1": reported.month, "reported_on_2": reported.year, "reason": "Checked the link: it is there."})
    assert response.status_code == 302

    # Off the list, the correction is logged on the entry for anyone who may see the pilot.
    assert "Public overdue" not in client.get(reverse("overdue-list")).content.decode()
    html = client.get(entry).content.decode()
    assert "Marked as reported elsewhere" in html and "Mo Moderator" in html
    assert "Checked the link: it is there." in html
    assert f"Results reported elsewhere on {reported.day} {reported:%B %Y}." in html  # a date people read
    assert "Published on our website in May." not in html          # flags are for the council and moderators
    assert "Published on our website in May." in officer_client.get(entry).content.decode()
    # The council is told: the outcome email is queued in the same transaction.
    assert DBTaskResult.objects.filter(task_path="pilotbook.overdue.tasks.send_outcome").count() == 1
    assert mail.outbox == []  # sent by the worker, not during the request


@pytest.mark.parametrize("persona,sees_name", [("anonymous", False), ("officer", True), ("other_officer", False),
                                               ("moderator", True)])
def test_a_withheld_council_name_is_never_revealed(persona_client, home_council, officer, moderator, persona,
                                                   sees_name):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 10 * DAY, title="Quiet pilot")
    pilot_services.pilot_set_visibility(pilot=pilot, user=officer, visibility="public_anonymous")
    services.record_correct(pilot=pilot, moderator=moderator, action="due_date", new_due_date=pilot.results_due_date
                            - DAY, reason="Homeshire's plan said so.")
    client = persona_client(persona)
    listing = client.get(reverse("overdue-list")).content.decode()
    assert "Quiet pilot" in listing
    entry = client.get(reverse("overdue-entry", args=[pilot.pk])).content.decode()
    council = client.get(reverse("overdue-council", args=[home_council.code])).content.decode()
    assert ("Quiet pilot" in council) is sees_name
    for html in (listing, entry):
        assert ("Homeshire" in html) is sees_name, persona
    if not sees_name:
        assert "name withheld" in listing and "name withheld" in entry


def test_rates_on_the_pages_say_how_many_pilots_they_are_based_on(client, home_council, officer):
    today = timezone.localdate()
    pilot_due(home_council, officer, today - 10 * DAY, title="Late", visibility="public")
    done = pilot_due(home_council, officer, today + 5 * DAY, title="Early", visibility="public")
    pilot_services.result_record(pilot=done, user=officer, estimate=1, ci_low=0, ci_high=2)
    Pilot.objects.filter(pk=done.pk).update(results_due_date=today - DAY)
    Result.objects.filter(pilot=done).update(first_recorded_at=timezone.now() - 2 * DAY)
    html = client.get(reverse("overdue-council", args=[home_council.code])).content.decode()
    assert "Reporting rate: 50%, 1 of 2 pilots reported by their due date." in html
    rates = client.get(reverse("overdue-list")).content.decode()
    assert "50%" in rates


def test_the_flag_page_of_a_pilot_not_overdue_says_so_before_the_form(client, home_council, officer):
    pilot = pilot_due(home_council, officer, timezone.localdate() + 5 * DAY, title="Not due yet")
    client.force_login(officer)
    response = client.get(reverse("overdue-flag", args=[pilot.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("overdue-entry", args=[pilot.pk])
    assert "not on the overdue list, so there is nothing to flag" in page and ">Important</h2>" in page
