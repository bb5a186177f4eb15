"""The job queue's own records: when each periodic job was last queued, which workers are alive, and which
emails have been sent (ADR 0004, ADR 0010)."""

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


class SentEmail(models.Model):
    """One email Pilotbook has sent, or started to send, from a background job (pilotbook.jobs.outbox).

    The row is committed before the email is handed to the mail server and ``key`` is unique, so the same
    email is never sent twice, even when a job is run again after its worker died. ``sent_at`` is filled in
    once the mail server took it: a row left without it means the worker stopped while sending, and that
    email may not have gone out (it is not sent again)."""

    key = models.CharField(max_length=200, unique=True, help_text="What the email is about and for whom")
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.subject} to {', '.join(self.recipients)}"
