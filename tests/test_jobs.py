"""Background jobs: periodic jobs are queued once per interval, the worker runs what is queued, a job whose
worker died is queued again, and emails from jobs are sent at most once (real processes: test_job_processes)."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.jobs import leases, outbox
from pilotbook.jobs.models import PeriodicRun, SentEmail, WorkerHeartbeat
from pilotbook.jobs.schedule import enqueue_due
from pilotbook.jobs.tasks import KEEP_FINISHED_JOBS, prune_finished_jobs

LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
HOURLY = {"prune": {"task": "pilotbook.jobs.tasks.prune_finished_jobs", "every": 3600}}

pytestmark = pytest.mark.django_db


@override_settings(PILOTBOOK_PERIODIC_TASKS=HOURLY)
def test_a_periodic_job_is_queued_once_per_interval():
    now = timezone.now()
    assert enqueue_due(now) == ["prune"]
    assert enqueue_due(now + timedelta(minutes=59)) == []
    assert DBTaskResult.objects.count() == 1
    assert enqueue_due(now + timedelta(minutes=61)) == ["prune"]
    assert DBTaskResult.objects.count() == 2
    assert PeriodicRun.objects.get(name="prune").last_enqueued_at == now + timedelta(minutes=61)


# The worker closes its database connection between jobs, as a long-running process should, so these
# tests commit for real instead of running inside the test's transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(PILOTBOOK_PERIODIC_TASKS=HOURLY)
def test_the_worker_in_batch_mode_queues_due_jobs_runs_them_and_exits():
    call_command("worker", batch=True)
    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL", job.status


@pytest.mark.django_db(transaction=True)
def test_pruning_deletes_only_old_finished_jobs_and_old_email_records():
    old = prune_finished_jobs.enqueue()
    recent = prune_finished_jobs.enqueue()
    call_command("worker", batch=True)
    long_ago = timezone.now() - KEEP_FINISHED_JOBS - timedelta(days=1)
    DBTaskResult.objects.filter(id=old.id).update(finished_at=long_ago)
    SentEmail.objects.create(key="old", subject="Old", claimed_at=long_ago, sent_at=long_ago)
    SentEmail.objects.create(key="recent", subject="Recent")
    assert prune_finished_jobs.call() == 1
    assert DBTaskResult.objects.filter(id=recent.id).exists()
    assert not DBTaskResult.objects.filter(id=old.id).exists()
    assert list(SentEmail.objects.values_list("key", flat=True)) == ["recent"]


# Leases (ADR 0010): a job whose worker died is queued again, a few times at most.
def running_job(*worker_ids: str, started_ago=timedelta(minutes=5)) -> DBTaskResult:
    job = DBTaskResult.objects.get(id=prune_finished_jobs.enqueue().id)
    DBTaskResult.objects.filter(id=job.id).update(status="RUNNING", worker_ids=list(worker_ids),
                                                  started_at=timezone.now() - started_ago)
    return job


def seen(worker_id: str, ago: timedelta) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker_id, last_seen=timezone.now() - ago)


@override_settings(PILOTBOOK_JOB_LEASE_SECONDS=60, PILOTBOOK_JOB_MAX_ATTEMPTS=3)
def test_a_job_whose_worker_stopped_beating_is_queued_again_and_a_live_workers_job_is_left_alone():
    seen("dead", timedelta(seconds=61))
    seen("alive", timedelta(seconds=5))
    lost = running_job("dead")
    vanished = running_job("gone-without-a-row")
    busy = running_job("alive")
    just_claimed = running_job("dead", started_ago=timedelta(seconds=10))  # not a whole lease since it started
    outcome = leases.recover_lost_jobs()
    assert sorted(outcome["requeued"]) == sorted([str(lost.id), str(vanished.id)])
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[lost.id] == statuses[vanished.id] == "READY"
    assert statuses[busy.id] == statuses[just_claimed.id] == "RUNNING"


@override_settings(PILOTBOOK_JOB_LEASE_SECONDS=60, PILOTBOOK_JOB_MAX_ATTEMPTS=3)
def test_a_job_that_three_workers_died_running_fails_with_the_reason_instead_of_running_again():
    job = running_job("first", "second", "third")
    assert leases.recover_lost_jobs() == {"requeued": [], "failed": [str(job.id)]}
    job.refresh_from_db()
    assert job.status == "FAILED" and job.finished_at is not None
    assert job.exception_class_path == "pilotbook.jobs.leases.WorkerLost"
    assert "stopped without finishing it 3 times" in job.traceback and "first, second, third" in job.traceback


# Emails from jobs are sent at most once (ADR 0010).
def message(to="someone@council.example") -> EmailMessage:
    return EmailMessage(subject="Hello", body="Once only.", to=[to])


@LOCMEM
def test_an_email_is_sent_once_per_key_however_often_a_job_sends_it():
    assert outbox.send_once("greeting:1", message())
    assert not outbox.send_once("greeting:1", message())
    assert outbox.send_once("greeting:2", message())
    assert len(mail.outbox) == 2
    assert SentEmail.objects.filter(sent_at__isnull=False).count() == 2


@LOCMEM
def test_an_email_whose_sending_was_never_confirmed_is_not_sent_again_and_the_log_says_so(caplog):
    SentEmail.objects.create(key="greeting:1", recipients=["someone@council.example"], subject="Hello")
    assert not outbox.send_once("greeting:1", message())
    assert mail.outbox == []
    assert "Not sending 'Hello' to someone@council.example again" in caplog.text


@LOCMEM
def test_an_email_the_mail_server_refused_is_not_on_record_so_a_later_run_sends_it(monkeypatch):
    def refuse(self, fail_silently=False):
        raise SMTPException("Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with pytest.raises(SMTPException):
            outbox.send_once("greeting:1", message())
    assert not SentEmail.objects.exists()
    assert outbox.send_once("greeting:1", message())
    assert len(mail.outbox) == 1


def test_a_moderator_finds_the_emails_never_confirmed_in_the_admin(persona_client):
    SentEmail.objects.create(key="lost", recipients=["a@council.example"], subject="Maybe lost")
    SentEmail.objects.create(key="sent", recipients=["b@council.example"], subject="Went out", sent_at=timezone.now())
    page = persona_client("moderator").get(reverse("admin:jobs_sentemail_changelist") + "?confirmed=no")
    assert page.status_code == 200
    assert "Maybe lost" in page.content.decode() and "Went out" not in page.content.decode()
