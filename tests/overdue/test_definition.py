"""What "overdue" means: registered or running, due date passed, not reported elsewhere."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbook.overdue import selectors
from pilotbook.overdue.models import ReportedElsewhere
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.choices import Status

from .helpers import pilot_due

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 1)
DAY = dt.timedelta(days=1)


def listed(user, today=TODAY):
    return set(selectors.overdue_pilots(user, today=today).values_list("title", flat=True))


def test_results_are_overdue_from_the_day_after_the_due_date(home_council, officer):
    pilot_due(home_council, officer, TODAY + DAY, title="Due tomorrow")
    pilot_due(home_council, officer, TODAY, title="Due today")
    yesterday = pilot_due(home_council, officer, TODAY - DAY, title="Due yesterday")
    assert listed(officer) == {"Due yesterday"}
    assert selectors.days_overdue(yesterday, TODAY) == 1
    assert selectors.is_overdue(yesterday, TODAY) and not selectors.is_overdue(yesterday, TODAY - DAY)


def test_the_default_due_date_is_twelve_weeks_after_the_end(home_council, officer, settings):
    assert settings.PILOTBOOK_RESULTS_DUE_AFTER_DAYS == 84
    pilot = pilot_due(home_council, officer, TODAY)
    assert pilot.default_results_due_date() == pilot.end_date + dt.timedelta(weeks=12) == TODAY


@pytest.mark.parametrize("status,overdue", [
    (Status.DRAFT, False), (Status.REGISTERED, True), (Status.RUNNING, True), (Status.RESULTS_RECORDED, False),
    (Status.PUBLISHED, False), (Status.WITHDRAWN, False), (Status.STOPPED_EARLY, False),
])
def test_only_registered_and_running_pilots_are_overdue(home_council, officer, status, overdue):
    pilot = pilot_due(home_council, officer, TODAY - 30 * DAY, status=status)
    assert selectors.is_overdue(pilot, TODAY) is overdue
    assert (pilot.title in listed(officer)) is overdue


def test_a_pilot_leaves_the_list_the_moment_its_result_is_recorded(home_council, officer, client):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 10 * DAY, visibility="public", title="Arrears")
    assert "Arrears" in client.get(reverse("overdue-list")).content.decode()
    pilot_services.result_record(pilot=pilot, user=officer, estimate=Decimal("-5"), ci_low=Decimal("-9"),
                                 ci_high=Decimal("-1"))
    assert "Arrears" not in client.get(reverse("overdue-list")).content.decode()
    assert not selectors.overdue_pilots(officer).exists()


def test_a_pilot_leaves_the_list_the_moment_it_is_withdrawn_with_a_reason(home_council, officer, client):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 10 * DAY, visibility="public", title="Arrears")
    council_page = reverse("overdue-council", args=[home_council.code])
    assert "Arrears" in client.get(council_page).content.decode()
    with pytest.raises(pilot_services.PilotStateError):  # withdrawing needs a reason
        pilot_services.pilot_end_early(pilot=pilot, user=officer, status=Status.WITHDRAWN, reason=" ")
    assert selectors.is_overdue(pilot)
    pilot_services.pilot_end_early(pilot=pilot, user=officer, status=Status.WITHDRAWN, reason="Partner pulled out.")
    assert "Arrears" not in client.get(council_page).content.decode()
    assert not selectors.is_overdue(pilot)


def test_results_reported_elsewhere_take_a_pilot_off_the_list(home_council, officer, moderator):
    pilot = pilot_due(home_council, officer, TODAY - 10 * DAY)
    ReportedElsewhere.objects.create(pilot=pilot, url="https://example.org/r", reported_on=TODAY, marked_by=moderator)
    assert not selectors.is_overdue(pilot, TODAY)


def test_the_list_is_longest_overdue_first(home_council, officer):
    pilot_due(home_council, officer, TODAY - 3 * DAY, title="Three days")
    pilot_due(home_council, officer, TODAY - 90 * DAY, title="Ninety days")
    assert list(selectors.overdue_pilots(officer, today=TODAY).values_list("title", flat=True)) == [
        "Ninety days", "Three days"]
