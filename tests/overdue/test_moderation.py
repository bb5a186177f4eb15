"""A council flags an overdue entry as wrong; a moderator corrects the record (logged) or leaves it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.overdue import selectors, services
from pilotbook.overdue.models import Correction, Flag, ReportedElsewhere
from pilotbook.overdue.tasks import send_outcome
from pilotbook.pilots.models import Pilot

from .helpers import pilot_due

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def overdue(home_council, officer):
    return pilot_due(home_council, officer, timezone.localdate() - 10 * DAY, title="Arrears letter")


def run_queued_outcome_emails():
    """Run the queued outcome jobs' function directly (the worker itself is tested in test_reminders)."""
    for job in DBTaskResult.objects.filter(task_path="pilotbook.overdue.tasks.send_outcome"):
        send_outcome.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])


def test_only_the_pilots_council_can_flag_and_only_once_at_a_time(overdue, officer, other_officer, moderator):
    for outsider in (other_officer, moderator):
        with pytest.raises(PermissionDenied):
            services.flag_raise(pilot=overdue, user=outsider, kind="other", reason="Wrong.")
    with pytest.raises(services.OverdueError):
        services.flag_raise(pilot=overdue, user=officer, kind="other", reason="  ")
    services.flag_raise(pilot=overdue, user=officer, kind="end_date_moved", reason="Extended to June.",
                        proposed_due_date=timezone.localdate() + 60 * DAY)
    with pytest.raises(services.OverdueError):
        services.flag_raise(pilot=overdue, user=officer, kind="other", reason="Again.")
    assert Flag.objects.filter(pilot=overdue, state="open").count() == 1


def test_a_pilot_not_on_the_list_cannot_be_flagged(home_council, officer):
    pilot = pilot_due(home_council, officer, timezone.localdate() + DAY)
    with pytest.raises(services.OverdueError):
        services.flag_raise(pilot=pilot, user=officer, kind="other", reason="Not due yet.")


def test_moderator_sets_a_new_due_date_logged_and_the_council_is_told(overdue, officer, council_admin, moderator):
    flag = services.flag_raise(pilot=overdue, user=officer, kind="end_date_moved", reason="Extended to June.")
    old_due = overdue.results_due_date
    new_due = timezone.localdate() + 30 * DAY
    with pytest.raises(PermissionDenied):
        services.record_correct(pilot=overdue, moderator=officer, action="due_date", reason="x", new_due_date=new_due)
    with pytest.raises(services.OverdueError):
        services.record_correct(pilot=overdue, moderator=moderator, action="due_date", reason="", new_due_date=new_due)

    correction = services.record_correct(pilot=overdue, moderator=moderator, action="due_date", flag=flag,
                                         reason="The council extended the pilot; minutes seen.", new_due_date=new_due)

    overdue.refresh_from_db()
    flag.refresh_from_db()
    assert overdue.results_due_date == new_due and not selectors.is_overdue(overdue)
    assert (correction.made_by, correction.action, correction.flag) == (moderator, "due_date", flag)
    assert correction.changes == {"results_due_date": {"old": old_due.isoformat(), "new": new_due.isoformat()}}
    assert correction.made_at is not None and correction.reason.startswith("The council extended")
    assert (flag.state, flag.resolved_by) == ("corrected", moderator)
    run_queued_outcome_emails()
    (email,) = mail.outbox
    assert email.to == ["officer@home.example"]
    assert "corrected" in email.subject and "minutes seen" in email.body and new_due.strftime("%Y") in email.body
    with pytest.raises(services.OverdueError):  # a reviewed flag cannot be reviewed again
        services.flag_reject(flag=flag, moderator=moderator, reason="Changed my mind.")


def test_marking_as_reported_elsewhere_takes_the_pilot_off_the_list(overdue, officer, moderator):
    flag = services.flag_raise(pilot=overdue, user=officer, kind="reported_elsewhere", reason="On our website.",
                               link="https://council.example/results")
    services.record_correct(pilot=overdue, moderator=moderator, action="reported_elsewhere", flag=flag,
                            reason="Checked the link.", url="https://council.example/results",
                            reported_on=timezone.localdate() - 2 * DAY)
    assert not selectors.is_overdue(overdue)
    assert ReportedElsewhere.objects.get(pilot=overdue).marked_by == moderator
    (correction,) = selectors.corrections_for(overdue)
    assert correction.changes["reported_elsewhere"]["new"]["url"] == "https://council.example/results"
    with pytest.raises(services.OverdueError):
        services.record_correct(pilot=overdue, moderator=moderator, action="reported_elsewhere", reason="again",
                                url="https://x.example/", reported_on=timezone.localdate())


def test_reported_elsewhere_cannot_be_dated_in_the_future(overdue, moderator):
    with pytest.raises(services.OverdueError):
        services.record_correct(pilot=overdue, moderator=moderator, action="reported_elsewhere", reason="x",
                                url="https://x.example/", reported_on=timezone.localdate() + DAY)
    assert not Correction.objects.exists()


def test_results_cannot_be_due_before_the_pilot_ends(overdue, officer, moderator):
    before_end = overdue.end_date - DAY
    with pytest.raises(services.OverdueError, match="on or after the pilot's end date"):
        services.record_correct(pilot=overdue, moderator=moderator, action="due_date", reason="x",
                                new_due_date=before_end)
    with pytest.raises(services.OverdueError, match="on or after the pilot's end date"):
        services.flag_raise(pilot=overdue, user=officer, kind=Flag.Kind.END_DATE_MOVED, reason="Moved.",
                            proposed_due_date=before_end)
    assert not Correction.objects.exists() and not Flag.objects.exists()
    overdue.refresh_from_db()
    assert overdue.results_due_date == timezone.localdate() - 10 * DAY
    services.record_correct(pilot=overdue, moderator=moderator, action="due_date", reason="Ended late.",
                            new_due_date=overdue.end_date)  # the end date itself is allowed


def test_reported_elsewhere_cannot_be_dated_before_the_pilot_started(overdue, moderator):
    with pytest.raises(services.OverdueError, match="cannot be before the pilot started"):
        services.record_correct(pilot=overdue, moderator=moderator, action="reported_elsewhere", reason="x",
                                url="https://x.example/", reported_on=overdue.start_date - DAY)
    assert not ReportedElsewhere.objects.exists()


def test_an_end_date_moved_flag_needs_a_due_date_still_to_come(overdue, officer):
    with pytest.raises(services.OverdueError, match="a date still to come"):
        services.flag_raise(pilot=overdue, user=officer, kind=Flag.Kind.END_DATE_MOVED, reason="Moved.",
                            proposed_due_date=timezone.localdate())
    services.flag_raise(pilot=overdue, user=officer, kind=Flag.Kind.END_DATE_MOVED, reason="Moved.",
                        proposed_due_date=timezone.localdate() + 30 * DAY)
    assert Flag.objects.count() == 1


def test_rejecting_a_flag_leaves_the_record_and_tells_the_flagger(overdue, officer, champion, moderator):
    flag = services.flag_raise(pilot=overdue, user=champion, kind="other", reason="We think it is not due.")
    services.flag_reject(flag=flag, moderator=moderator, reason="The plan's end date has not changed.")
    flag.refresh_from_db()
    assert flag.state == "rejected" and flag.outcome == "The plan's end date has not changed."
    assert selectors.is_overdue(overdue) and not Correction.objects.exists()
    run_queued_outcome_emails()
    (email,) = mail.outbox
    assert sorted(email.to) == ["champion@home.example", "officer@home.example"]
    assert "left as it was" in email.body


def test_the_council_admins_are_told_when_the_creator_has_left(overdue, officer, council_admin, moderator):
    officer.memberships.all().delete()
    assert services.owner_emails(overdue) == ["admin@home.example"]
    officer.memberships.create(council=overdue.council)
    officer.is_active = False
    officer.save()
    assert services.owner_emails(Pilot.objects.get(pk=overdue.pk)) == ["admin@home.example"]


@pytest.mark.django_db(transaction=True)
def test_flagging_locks_the_pilot_inside_its_own_transaction(home_council, officer):
    """Called outside any transaction, as a view is in autocommit mode: on PostgreSQL, select_for_update outside
    a transaction is an error, so this fails if flag_raise loses its @transaction.atomic."""
    pilot = pilot_due(home_council, officer, timezone.localdate() - 10 * DAY, title="Arrears letter")
    services.flag_raise(pilot=pilot, user=officer, kind=Flag.Kind.REPORTED_ELSEWHERE, reason="On our website.",
                        link="https://home.example/results")
    assert Flag.objects.filter(pilot=pilot).count() == 1
