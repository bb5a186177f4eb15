"""Periodic jobs: each named job in settings.PILOTBOOK_PERIODIC_TASKS is queued once per interval.

The setting maps a name to {"task": "dotted.path.to.task", "every": seconds}. `enqueue_due()` is called by
every worker (pilotbook.jobs.management.commands.worker) about once a minute; the row lock on PeriodicRun
makes exactly one of several workers queue each run, whichever database is in use.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicRun


def periodic_jobs() -> dict[str, dict]:
    return getattr(settings, "PILOTBOOK_PERIODIC_TASKS", {})


def enqueue_due(now=None) -> list[str]:
    """Queue every periodic job whose interval has passed; returns the names queued."""
    now = now or timezone.now()
    return [name for name, job in periodic_jobs().items() if _enqueue_if_due(name, job, now)]


@transaction.atomic
def _enqueue_if_due(name: str, job: dict, now) -> bool:
    run, created = PeriodicRun.objects.select_for_update().get_or_create(
        name=name, defaults={"last_enqueued_at": now}
    )
    if not created and run.last_enqueued_at + timedelta(seconds=job["every"]) > now:
        return False
    run.last_enqueued_at = now
    run.save(update_fields=["last_enqueued_at"])
    # Queued inside the same transaction: if queuing fails, the run is not marked as done.
    import_string(job["task"]).enqueue()
    return True
