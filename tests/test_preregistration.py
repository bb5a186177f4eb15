"""Pre-registered means the plan was frozen on or before the day the pilot started, not merely frozen at some point.

The issue's case: a pilot registered on 4 December with a start date of 1 September, started, analysed and
published minutes later, was rated 5/5 "registered before the pilot started".
"""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pilotbook.evidence.pooling import pilot_evidence
from pilotbook.pilots import plan as plan_module
from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from pilotbook.stats.rating import rate_pilot
from tests.factories import make_pilot
from tests.pooling.conftest import analysed_binary, group_of

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def today() -> dt.date:
    return timezone.now().astimezone(LONDON).date()


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def dates(start: dt.date) -> dict:
    return {"start_date": start, "end_date": start + dt.timedelta(days=120),
            "results_due_date": start + dt.timedelta(days=200)}


def late(council, user, status=Status.PUBLISHED, **extra) -> Pilot:
    """Registered today, with a start date three months ago, then run to `status` at once (the issue's case)."""
    return make_pilot(council, user, status, visibility="public", **{**dates(today() - dt.timedelta(days=94)),
                                                                     **extra})


def early(council, user, status=Status.PUBLISHED, **extra) -> Pilot:
    """Registered today for a start next week."""
    return make_pilot(council, user, status, visibility="public", **{**dates(today() + dt.timedelta(days=7)),
                                                                     **extra})


# --- the rule ----------------------------------------------------------------------------------------------------


def test_a_plan_registered_after_its_start_date_is_not_preregistered(home_council, officer):
    pilot = late(home_council, officer)
    assert pilot.registered_at is not None
    assert not pilot.preregistered and pilot.registered_after_start
    assert pilot.started_on == today() - dt.timedelta(days=94) and pilot.registered_on == today()


def test_a_plan_registered_before_its_start_date_is_preregistered_even_if_started_early(home_council, officer):
    pilot = early(home_council, officer)  # "Start the pilot" pressed today, a week before the planned date
    assert pilot.preregistered and not pilot.registered_after_start
    assert pilot.started_on == today()  # the earlier of the planned start and the day it was started here


def test_a_plan_registered_on_the_start_date_itself_is_preregistered(home_council, officer):
    pilot = make_pilot(home_council, officer, Status.REGISTERED, **dates(today()))
    assert pilot.preregistered


@pytest.mark.parametrize(
    ("registered_utc", "preregistered"),
    [
        ("2026-08-31T23:30:00+00:00", True),  # 00:30 on 1 September in London (summer time): the start date
        ("2026-09-01T23:30:00+00:00", False),  # 00:30 on 2 September in London: a day late
    ],
)
def test_the_days_compared_are_uk_days(home_council, officer, registered_utc, preregistered):
    pilot = make_pilot(home_council, officer, Status.REGISTERED, **dates(dt.date(2026, 9, 1)))
    Pilot.objects.filter(pk=pilot.pk).update(registered_at=dt.datetime.fromisoformat(registered_utc))
    pilot.refresh_from_db()
    assert pilot.preregistered is preregistered


def test_amending_the_start_date_later_does_not_make_a_late_registration_early(home_council, officer):
    pilot = late(home_council, officer, Status.REGISTERED)
    services.pilot_amend(pilot=pilot, user=officer, fields=dates(today() + dt.timedelta(days=30)),
                         reason="Moved the start", results_seen=False)
    pilot.refresh_from_db()
    assert pilot.start_date > today() and not pilot.preregistered  # the registered plan said it had started


def test_an_imported_case_study_is_never_called_preregistered(tmp_path, home_council, moderator):
    record = {"title": "Shorter reminder", "summary": "A shorter reminder letter.", "council_code": "HOM",
              "verdict": "worked", "effect": "-3",
              "lessons": "Keep it short.", "visibility": "public", "external_id": "case-1",
              "start_date": (today() + dt.timedelta(days=30)).isoformat()}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(record) + "\n")
    call_command("import", str(path), "--user", moderator.email, stdout=io.StringIO(), stderr=io.StringIO())
    case = Pilot.objects.get(external_id="case-1")
    assert case.registered_at is None and not case.preregistered and not case.registered_after_start
    reasons = rate_pilot(pilot_evidence(case)).reasons
    assert "Down 1: the plan was not registered before the pilot started." in reasons
    plan_json = json_of(case, moderator)
    assert plan_json["preregistered"] is False and plan_json["registration_timing"] == "not registered"


# --- the rating --------------------------------------------------------------------------------------------------


def test_the_issues_pilot_loses_a_point_and_the_reason_says_it_was_registered_after_it_started(home_council,
                                                                                                 officer):
    pilot = late(home_council, officer, planned_sample=390)  # reached its sample: nothing else against it
    rating = rate_pilot(pilot_evidence(pilot))
    assert rating.score == 4  # randomised (5), down 1
    started = today() - dt.timedelta(days=94)
    assert (f"Down 1: the plan was registered after the pilot started (registered {long_date(today())}; "
            f"it started {long_date(started)}).") in rating.reasons
    assert not any("registered before the pilot started" in reason for reason in rating.reasons)


def test_an_honestly_registered_pilot_keeps_its_point(home_council, officer):
    rating = rate_pilot(pilot_evidence(early(home_council, officer, planned_sample=390)))
    assert rating.score == 5
    assert "No change: the plan was registered before the pilot started and not changed after results." in (
        rating.reasons)


def test_the_pooled_rating_says_how_many_pilots_were_registered_after_they_started(client, home_council, officer,
                                                                                   other_council, other_officer):
    pilots = [analysed_binary(home_council, officer, ((60, 200), (45, 200)), "Texts late",
                              **dates(today() - dt.timedelta(days=94))),
              analysed_binary(other_council, other_officer, ((130, 400), (100, 400)), "Texts on time",
                              **dates(today() + dt.timedelta(days=7)))]
    page = client.get(group_of(pilots).get_absolute_url()).content.decode()
    assert "1 of the 2 pilots was registered after it started" in page
    line = re.search(r"Texts late</a>.*?</li>", page, re.S).group(0)
    assert "Down 1: the plan was registered after the pilot started" in line


# --- the plan JSON -----------------------------------------------------------------------------------------------


def json_of(pilot, reader) -> dict:
    client = Client()
    client.force_login(reader)
    response = client.get(reverse("pilot-plan-json", args=[pilot.pk]))
    assert response.status_code == 200
    return response.json()


def test_the_plan_json_says_registered_after_it_started_beside_the_unchanged_plan(home_council, officer,
                                                                                  moderator):
    pilot = late(home_council, officer)
    frozen_hash = pilot.registered_plan_hash
    data = json_of(pilot, moderator)
    assert data["preregistered"] is False and data["registration_timing"] == "registered after it started"
    assert data["registered_on"] == today().isoformat()
    assert data["started_on"] == (today() - dt.timedelta(days=94)).isoformat()
    assert "on or before the day the pilot started" in data["preregistered_means"]
    # Beside the plan, not in it: the registered plan and its SHA-256 are as they were frozen.
    assert set(data["registered_plan"]) == set(plan_module.PLAN_FIELDS)
    assert data["registered_plan_sha256"] == frozen_hash == plan_module.plan_hash(data["registered_plan"])


def test_the_plan_json_says_registered_before_it_started(home_council, officer, moderator):
    data = json_of(early(home_council, officer), moderator)
    assert data["preregistered"] is True and data["registration_timing"] == "registered before it started"


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_pilot_page_says_plainly_it_was_registered_after_it_started(client, home_council, officer):
    pilot = late(home_council, officer)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">Registered after it started</strong>' in page
    row = re.search(r'data-testid="preregistered">(.*?)</dd>', page, re.S).group(1)
    started = today() - dt.timedelta(days=94)
    assert row.startswith("No: registered after it started.")
    assert f"frozen on {long_date(today())}, after the pilot started on {long_date(started)}" in row
    report = client.get(reverse("pilot-report", args=[pilot.pk])).content.decode()
    assert f"registered after it started on {long_date(started)}" in report


def test_the_pilot_page_says_when_it_was_registered_before_it_started(client, home_council, officer):
    page = client.get(early(home_council, officer).get_absolute_url()).content.decode()
    assert "Registered after it started</strong>" not in page
    row = re.search(r'data-testid="preregistered">(.*?)</dd>', page, re.S).group(1)
    assert row.startswith("Yes: the plan was frozen on or before the day the pilot started")


def test_registering_with_a_start_date_in_the_past_warns_but_still_registers(persona_client, home_council, officer):
    client = persona_client("officer")
    start = today() - dt.timedelta(days=94)
    pilot = make_pilot(home_council, officer, Status.DRAFT, **dates(start))
    page = client.get(reverse("pilot-check", args=[pilot.pk])).content.decode()
    warning = re.search(r'data-testid="start-date-passed">(.*?)</div>', page, re.S).group(1)
    assert f"The start date, {long_date(start)}, has passed." in warning
    assert "shown as registered after it started" in warning
    assert reverse("pilot-step", args=[pilot.pk, "dates"]) + "?return=check" in page
    response = client.post(reverse("pilot-check", args=[pilot.pk]), follow=True)
    pilot.refresh_from_db()
    assert pilot.status == Status.REGISTERED and not pilot.preregistered
    assert "It started before it was registered, so it is shown as registered after it started." in (
        response.content.decode())


def test_registering_with_a_start_date_to_come_has_no_warning(persona_client, home_council, officer):
    pilot = make_pilot(home_council, officer, Status.DRAFT, **dates(today()))
    page = persona_client("officer").get(reverse("pilot-check", args=[pilot.pk])).content.decode()
    assert "start-date-passed" not in page
