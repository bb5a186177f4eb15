"""Background jobs: periodic jobs are queued once per interval, and the worker runs what is queued."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.jobs import leases
from pilotbook.jobs.models import PeriodicRun, WorkerHeartbeat
from pilotbook.jobs.schedule import enqueue_due
from pilotbook.jobs.tasks import KEEP_FINISHED_JOBS, prune_finished_jobs

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
def test_pruning_deletes_only_old_finished_jobs():
    old = prune_finished_jobs.enqueue()
    recent = prune_finished_jobs.enqueue()
    call_command("worker", batch=True)
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - KEEP_FINISHED_JOBS - timedelta(days=1))
    assert prune_finished_jobs.call() == 1
    assert DBTaskResult.objects.filter(id=recent.id).exists()
    assert not DBTaskResult.objects.filter(id=old.id).exists()


# Leases (ADR 0008): a job whose worker died is queued again, a few times at most.
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
