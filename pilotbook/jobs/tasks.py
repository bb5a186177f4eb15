"""Housekeeping jobs for the job queue itself."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .models import SentEmail

KEEP_FINISHED_JOBS = timedelta(days=30)


@task()
def prune_finished_jobs() -> int:
    """Delete records of jobs that finished, and of emails sent, more than 30 days ago; returns how many jobs
    were deleted. (A job is run again within minutes of its worker dying, so an email's record is long done
    with by then.)"""
    cutoff = timezone.now() - KEEP_FINISHED_JOBS
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    SentEmail.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted
