"""Reporting rates: reported on or before the due date, out of pilots that have come due."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pilotbook.overdue import selectors
from pilotbook.overdue.models import ReportedElsewhere
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result

from .helpers import pilot_due

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 9, 1)
DAY = dt.timedelta(days=1)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))


def recorded(council, user, due, on, title):
    pilot = pilot_due(council, user, due, status=Status.RESULTS_RECORDED, title=title)
    Result.objects.filter(pilot=pilot).update(first_recorded_at=at(on))
    return pilot


def ended(council, user, due, on, status, title):
    pilot = pilot_due(council, user, due, status=status, title=title)
    Pilot.objects.filter(pk=pilot.pk).update(ended_at=at(on))
    return pilot


def rate_of(user, council, today=TODAY):
    (rate,) = selectors.reporting_rates(user, today=today, council=council)
    return rate


def test_reporting_rate_counts_each_case_as_documented(home_council, officer, moderator):
    due = TODAY - 20 * DAY
    recorded(home_council, officer, due, due, "On the due date")                        # on time
    recorded(home_council, officer, due, due + DAY, "A day late")                      # late
    pilot_due(home_council, officer, due, title="Still running")                        # late, overdue now
    ended(home_council, officer, due, due - DAY, Status.STOPPED_EARLY, "Stopped early")  # on time
    ended(home_council, officer, due, due, Status.WITHDRAWN, "Withdrawn in time")         # left out
    ended(home_council, officer, due, due + DAY, Status.WITHDRAWN, "Withdrawn late")      # late
    pilot_due(home_council, officer, TODAY, title="Due today")                          # not come due
    pilot_due(home_council, officer, due, status=Status.DRAFT, title="Draft")           # not come due
    rate = rate_of(moderator, home_council)
    assert (rate.came_due, rate.on_time, rate.overdue_now) == (5, 2, 1)
    assert rate.rate == pytest.approx(0.4) and rate.percent == 40


def test_published_pilots_and_results_reported_elsewhere_count_by_their_dates(home_council, officer, moderator):
    due = TODAY - 20 * DAY
    published = pilot_due(home_council, officer, due, status=Status.PUBLISHED, title="Published")
    Result.objects.filter(pilot=published).update(first_recorded_at=at(due - 5 * DAY))
    elsewhere_on_time = pilot_due(home_council, officer, due, title="Elsewhere on time")
    ReportedElsewhere.objects.create(pilot=elsewhere_on_time, url="https://example.org/a", reported_on=due)
    elsewhere_late = pilot_due(home_council, officer, due, title="Elsewhere late")
    ReportedElsewhere.objects.create(pilot=elsewhere_late, url="https://example.org/b", reported_on=due + DAY)
    rate = rate_of(moderator, home_council)
    assert (rate.came_due, rate.on_time, rate.overdue_now) == (3, 2, 0)


def test_recording_a_result_late_does_not_make_it_on_time(home_council, officer, moderator):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 3 * DAY)
    pilot_services.result_record(pilot=pilot, user=officer, estimate=Decimal("-5"), ci_low=Decimal("-9"),
                                 ci_high=Decimal("-1"))
    rate = rate_of(moderator, home_council, today=timezone.localdate())
    assert (rate.came_due, rate.on_time, rate.overdue_now) == (1, 0, 0)


def test_rates_count_only_pilots_the_viewer_may_see_and_attribute(home_council, other_council, officer,
                                                                 other_officer, moderator):
    from django.contrib.auth.models import AnonymousUser

    due = TODAY - 20 * DAY
    recorded(home_council, officer, due, due, "Shared with councils")
    public = recorded(home_council, officer, due, due, "Public")
    pilot_services.pilot_set_visibility(pilot=public, user=officer, visibility="public")
    withheld = pilot_due(home_council, officer, due, title="Withheld")
    pilot_services.pilot_set_visibility(pilot=withheld, user=officer, visibility="public_anonymous")

    assert (rate_of(moderator, home_council).came_due, rate_of(officer, home_council).came_due) == (3, 3)
    assert rate_of(other_officer, home_council).came_due == 2   # the withheld one is not attributed
    assert rate_of(AnonymousUser(), home_council).came_due == 1  # only the public one
    # The withheld pilot is still on the sector list, without its council.
    assert "Withheld" in set(selectors.overdue_pilots(other_officer, today=TODAY).values_list("title", flat=True))
    assert not selectors.overdue_pilots(other_officer, today=TODAY, council=home_council).exists()


def test_sector_totals_add_up_the_councils(home_council, other_council, officer, other_officer, moderator):
    due = TODAY - 20 * DAY
    recorded(home_council, officer, due, due, "Home on time")
    pilot_due(home_council, officer, due, title="Home overdue")
    recorded(other_council, other_officer, due, due - DAY, "Other on time")
    rates = selectors.reporting_rates(moderator, today=TODAY)
    assert [(r.council.code, r.on_time, r.came_due) for r in rates] == [("HOM", 1, 2), ("OTH", 1, 1)]
    totals = selectors.sector_totals(rates)
    assert (totals.on_time, totals.came_due, totals.overdue_now, totals.percent) == (2, 3, 1, 67)


def test_changing_a_result_after_the_due_date_keeps_an_on_time_report_on_time(home_council, officer, moderator):
    """The result was recorded before the due date; a moderator edits its summary in the admin afterwards."""
    due = timezone.localdate() - 3 * DAY
    pilot = pilot_due(home_council, officer, due)
    pilot_services.result_record(pilot=pilot, user=officer, estimate=Decimal("-5"), ci_low=Decimal("-9"),
                                 ci_high=Decimal("-1"))
    Result.objects.filter(pilot=pilot).update(first_recorded_at=at(due - 2 * DAY), recorded_at=at(due - 2 * DAY))
    result = Result.objects.get(pilot=pilot)
    result.summary = "Corrected wording."
    result.save()  # recorded_at moves to today
    assert timezone.localdate(Result.objects.get(pilot=pilot).recorded_at) == timezone.localdate()
    rate = rate_of(moderator, home_council, today=timezone.localdate())
    assert (rate.came_due, rate.on_time) == (1, 1)


def test_imported_case_studies_are_left_out_of_reporting_rates(home_council, officer, moderator):
    due = TODAY - 20 * DAY
    recorded(home_council, officer, due, due, "On time")
    imported = pilot_due(home_council, officer, due, status=Status.PUBLISHED, title="Imported case study")
    Result.objects.filter(pilot=imported).update(source=Result.Source.REPORTED, first_recorded_at=at(TODAY))
    rate = rate_of(moderator, home_council)
    assert (rate.came_due, rate.on_time) == (1, 1)
