"""Reminder emails 14 days before, on and 14 days after the due date: each sent once, by real jobs."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.jobs.models import PeriodicRun
from pilotbook.overdue import services
from pilotbook.overdue.models import Correction, Reminder
from pilotbook.overdue.tasks import send_outcome, send_reminder
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.choices import Status

from .helpers import pilot_due

DAY = dt.timedelta(days=1)
DUE = dt.date(2026, 9, 1)


def kinds_due(today):
    return [(p.title, kind) for p, kind in services.reminders_due(today)]


@pytest.mark.django_db
def test_each_reminder_comes_due_on_its_day_and_is_queued_once(home_council, officer):
    pilot_due(home_council, officer, DUE, title="Arrears")
    assert kinds_due(DUE - 15 * DAY) == []
    assert kinds_due(DUE - 14 * DAY) == [("Arrears", "before")]
    assert len(services.reminders_queue(DUE - 14 * DAY)) == 1
    assert services.reminders_queue(DUE - 14 * DAY) == []      # running the job again queues nothing
    assert kinds_due(DUE - DAY) == []
    assert kinds_due(DUE) == [("Arrears", "due")]
    services.reminders_queue(DUE)
    assert kinds_due(DUE + 13 * DAY) == []
    assert kinds_due(DUE + 14 * DAY) == [("Arrears", "after")]
    services.reminders_queue(DUE + 14 * DAY)
    assert kinds_due(DUE + 100 * DAY) == []
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["after", "before", "due"]
    assert DBTaskResult.objects.filter(task_path="pilotbook.overdue.tasks.send_reminder").count() == 3


@pytest.mark.django_db
def test_a_missed_day_is_caught_up_but_stale_reminders_are_not_sent(home_council, officer):
    pilot_due(home_council, officer, DUE, title="Arrears")
    assert kinds_due(DUE - 3 * DAY) == [("Arrears", "before")]   # the job did not run 14 days before
    assert kinds_due(DUE + 40 * DAY) == [("Arrears", "after")]   # long overdue: only the "after" reminder


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.RESULTS_RECORDED, Status.PUBLISHED, Status.WITHDRAWN,
                                    Status.STOPPED_EARLY])
def test_no_reminders_once_results_are_in_or_the_pilot_ended(home_council, officer, status):
    pilot_due(home_council, officer, DUE, status=status)
    assert kinds_due(DUE) == []


@pytest.mark.django_db
def test_a_reminder_is_emailed_once_to_the_owner(home_council, officer, council_admin):
    pilot_due(home_council, officer, DUE, title="Arrears")
    (reminder,) = services.reminders_queue(DUE + 14 * DAY)
    assert send_reminder.call(reminder.pk) == "sent"
    assert send_reminder.call(reminder.pk) == "sent"   # a second run of the same job sends nothing more
    (email,) = mail.outbox
    assert email.to == ["officer@home.example"]
    assert email.subject == "Results for \u201cArrears\u201d are overdue"
    assert "1 September 2026" in email.body and "/overdue/pilots/" in email.body
    assert "list of overdue results, which every council on Pilotbook can see" in email.body  # not the public
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.recipients == ["officer@home.example"]


@pytest.mark.django_db
def test_a_reminder_sent_by_a_worker_that_died_before_recording_it_is_not_sent_again(home_council, officer):
    pilot_due(home_council, officer, DUE)
    (reminder,) = services.reminders_queue(DUE + 14 * DAY)
    send_reminder.call(reminder.pk)
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=None, recipients=[])  # died before recording it
    assert send_reminder.call(reminder.pk) == "sent"
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


@pytest.mark.django_db
def test_the_outcome_of_a_flag_is_told_once_however_often_its_job_runs(home_council, officer, moderator):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 20 * DAY)
    flag = services.flag_raise(pilot=pilot, user=officer, kind="reported_elsewhere", reason="On our site.")
    services.flag_reject(flag=flag, moderator=moderator, reason="Not found there.")
    assert send_outcome.call(None, flag.pk) == ["officer@home.example"]
    send_outcome.call(None, flag.pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("visibility", "who"), [
    ("councils", "which every council on Pilotbook can see."),
    ("public", "which anyone can see."),
    ("public_anonymous", "which anyone can see, with your council's name withheld."),
])
def test_an_overdue_reminder_says_who_sees_the_overdue_list(home_council, officer, visibility, who):
    pilot_due(home_council, officer, DUE, visibility=visibility)
    (reminder,) = services.reminders_queue(DUE + 14 * DAY)
    send_reminder.call(reminder.pk)
    assert f"on Pilotbook's list of overdue results, {who}" in " ".join(mail.outbox[0].body.split())


@pytest.mark.django_db
def test_a_reminder_goes_to_the_council_admins_when_the_creator_has_left(home_council, officer, council_admin):
    pilot_due(home_council, officer, DUE)
    officer.memberships.all().delete()
    (reminder,) = services.reminders_queue(DUE - 14 * DAY)
    send_reminder.call(reminder.pk)
    assert [m.to for m in mail.outbox] == [["admin@home.example"]]
    assert "due in 14 days" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_queued_reminder_is_skipped_if_the_result_is_recorded_or_the_date_corrected(home_council, officer,
                                                                                      moderator):
    recorded = pilot_due(home_council, officer, DUE, title="Recorded")
    moved = pilot_due(home_council, officer, DUE, title="Moved")
    reminders = {r.pilot.title: r for r in services.reminders_queue(DUE)}
    pilot_services.result_record(pilot=recorded, user=officer, estimate=Decimal("-5"), ci_low=Decimal("-9"),
                                 ci_high=Decimal("-1"))
    services.record_correct(pilot=moved, moderator=moderator, action=Correction.Action.DUE_DATE,
                            reason="End date moved.", new_due_date=DUE + 60 * DAY)
    assert send_reminder.call(reminders["Recorded"].pk) == "skipped: Results no longer outstanding"
    assert send_reminder.call(reminders["Moved"].pk) == "skipped: The due date changed"
    assert mail.outbox == []
    # The corrected due date gets its own reminders in time.
    assert kinds_due(DUE + 46 * DAY) == [("Moved", "before")]


# The worker closes its database connection between jobs, so these tests commit for real (see tests/test_jobs.py).
@pytest.mark.django_db(transaction=True)
def test_the_daily_job_run_by_the_worker_sends_each_reminder_once(home_council, officer):
    today = timezone.localdate()
    pilot_due(home_council, officer, today + 14 * DAY, title="Due in a fortnight")
    pilot_due(home_council, officer, today, title="Due today")
    pilot_due(home_council, officer, today - 20 * DAY, title="Long overdue")
    pilot_due(home_council, officer, today + 20 * DAY, title="Not yet")

    call_command("worker", batch=True)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Results for \u201cDue in a fortnight\u201d are due in 14 days",
                        "Results for \u201cDue today\u201d are due today",
                        "Results for \u201cLong overdue\u201d are overdue"]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    # Run the daily job again (as if a day had passed on the schedule): nothing is sent twice.
    PeriodicRun.objects.filter(name="overdue_reminders").delete()
    call_command("worker", batch=True)
    assert len(mail.outbox) == 3
    assert DBTaskResult.objects.filter(task_path="pilotbook.overdue.tasks.queue_reminders").count() == 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_tells_the_council_the_outcome_of_a_flag(home_council, officer, moderator):
    pilot = pilot_due(home_council, officer, timezone.localdate() - 20 * DAY, title="Arrears")
    flag = services.flag_raise(pilot=pilot, user=officer, kind="reported_elsewhere", reason="On our site.")
    services.record_correct(pilot=pilot, moderator=moderator, action="reported_elsewhere", flag=flag,
                            reason="Link checked.", url="https://home.example/results",
                            reported_on=timezone.localdate())
    call_command("worker", batch=True)
    outcome = [m for m in mail.outbox if "corrected" in m.subject]
    assert len(outcome) == 1 and outcome[0].to == ["officer@home.example"]
    assert "Link checked." in outcome[0].body
    assert not Reminder.objects.exists()  # reported elsewhere: no reminders for it
