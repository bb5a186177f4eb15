"""Background jobs: periodic jobs are queued once per interval, and the worker runs what is queued."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.jobs.models import PeriodicRun
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
