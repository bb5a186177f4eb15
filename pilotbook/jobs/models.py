"""The job queue's own records: when each periodic job was last queued and which workers are alive
(ADR 0004, ADR 0008)."""

from django.db import models
from django.utils import timezone


class PeriodicRun(models.Model):
    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (last queued {self.last_enqueued_at:%Y-%m-%d %H:%M})"


class WorkerHeartbeat(models.Model):
    """A running `pilotbook worker`. It refreshes ``last_seen`` every few seconds; once it is older than the
    lease (settings.PILOTBOOK_JOB_LEASE_SECONDS) the worker is taken for dead and the job it was running is
    queued again (pilotbook.jobs.leases)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.host})"
