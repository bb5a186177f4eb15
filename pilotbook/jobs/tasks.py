"""Housekeeping jobs for the job queue itself."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

KEEP_FINISHED_JOBS = timedelta(days=30)


@task()
def prune_finished_jobs() -> int:
    """Delete records of jobs that finished more than 30 days ago; returns how many were deleted."""
    cutoff = timezone.now() - KEEP_FINISHED_JOBS
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
