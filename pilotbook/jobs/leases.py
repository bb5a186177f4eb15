"""Leases: a job whose worker died is run again (ADR 0010).

Each `pilotbook worker` records itself in WorkerHeartbeat and refreshes ``last_seen`` every
PILOTBOOK_JOB_HEARTBEAT_SECONDS from a thread of its own, also while a job runs. On every beat each worker also
looks for jobs left RUNNING by a worker not seen for PILOTBOOK_JOB_LEASE_SECONDS (killed, crashed, its machine
gone) and queues them again; a job that has been started PILOTBOOK_JOB_MAX_ATTEMPTS times without finishing is
marked FAILED with the reason instead, so a job that kills its worker cannot kill every worker in turn.

A lease says a worker is alive, not that its job is making progress, and a worker cut off from the database
for longer than the lease may still be running a job that another worker starts again: jobs must be safe to run
twice. Emails are (pilotbook.jobs.outbox); the other jobs delete or claim rows and are so by nature.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .models import WorkerHeartbeat

logger = logging.getLogger("pilotbook.jobs")

# Rows of workers that stopped are kept this long, so the admin shows recent deaths; then deleted.
KEEP_DEAD_WORKERS = timedelta(days=1)


class WorkerLost(Exception):
    """Recorded as the failure of a job whose workers kept dying while running it."""


def heartbeat_seconds() -> float:
    return float(settings.PILOTBOOK_JOB_HEARTBEAT_SECONDS)


def lease_seconds() -> float:
    return float(settings.PILOTBOOK_JOB_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.PILOTBOOK_JOB_MAX_ATTEMPTS)


def beat(worker_id: str) -> bool:
    """Record that this worker is alive; returns False if its row had gone (its lease had expired)."""
    _, created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": timezone.now(), "host": socket.gethostname()[:255], "pid": os.getpid()},
    )
    return not created


def forget(worker_id: str) -> None:
    """A worker stopping cleanly removes its row (it finished or gave up its job first)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def recover_lost_jobs(now=None) -> dict[str, list[str]]:
    """Queue again every job left RUNNING by a worker whose lease expired, or fail it after too many attempts.

    Returns the ids of the jobs queued again and of those failed. Safe to run from several workers at once:
    the rows are locked (SKIP LOCKED on PostgreSQL, an exclusive transaction on SQLite)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=lease_seconds())
    outcome: dict[str, list[str]] = {"requeued": [], "failed": []}
    with exclusive_transaction(DBTaskResult.objects.db):
        alive = set(WorkerHeartbeat.objects.filter(last_seen__gt=cutoff).values_list("worker_id", flat=True))
        # A worker records its first heartbeat before it claims a job, so a job's worker missing from `alive`
        # has not been seen for a whole lease (or stopped and removed its row).
        running = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for job in running:
            if job.worker_ids and job.worker_ids[-1] in alive:
                continue
            attempts = len(job.worker_ids)
            if attempts >= max_attempts():
                reason = (f"Its worker stopped without finishing it {attempts} times (no heartbeat for "
                          f"{lease_seconds():g} s); not tried again. Workers: {', '.join(job.worker_ids)}.")
                job.status, job.finished_at, job.return_value = TaskResultStatus.FAILED, now, None
                job.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                job.traceback = f"{job.exception_class_path}: {reason}\n"
                job.save(update_fields=["status", "finished_at", "return_value", "exception_class_path",
                                        "traceback"])
                logger.error("Job %s (%s) failed: %s", job.id, job.task_path, reason)
                outcome["failed"].append(str(job.id))
            else:
                job.status = TaskResultStatus.READY
                job.save(update_fields=["status"])
                logger.warning("Job %s (%s) queued again: worker %s stopped while running it (attempt %d of %d)",
                               job.id, job.task_path, job.worker_ids[-1] if job.worker_ids else "?", attempts,
                               max_attempts())
                outcome["requeued"].append(str(job.id))
        WorkerHeartbeat.objects.filter(last_seen__lt=now - KEEP_DEAD_WORKERS).delete()
    return outcome


class Heartbeat:
    """The thread that keeps one worker's lease and recovers other workers' lost jobs."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pilotbook-heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id)  # before the first claim, so a job of this worker always has a live row
        self.tick()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=heartbeat_seconds() + 5)
        forget(self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                self.tick()
        finally:
            connection.close()  # this thread's own connection

    def tick(self) -> None:
        try:
            close_old_connections()
            if not beat(self.worker_id):
                logger.warning("Worker %s was not seen for longer than the lease; a job it is running may have "
                               "been started again by another worker", self.worker_id)
            recover_lost_jobs()
        except Exception:  # the database may be away for a moment; the next beat tries again
            logger.exception("Worker %s could not record its heartbeat", self.worker_id)
