"""`pilotbook worker`: runs queued background jobs (emails, reminders, digests) and queues periodic ones.

Production runs one or more of these beside the web processes; on the embedded default `pilotbook serve`
starts one for you. It is django-tasks-db's worker plus two threads: one queues periodic jobs when due, the
other keeps this worker's lease and queues again the jobs of workers that died (pilotbook.jobs.leases).
"""

import logging
import os
import threading

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from pilotbook.cli.commands import PilotbookCommand
from pilotbook.jobs import leases, supervisor
from pilotbook.jobs.schedule import enqueue_due

logger = logging.getLogger("pilotbook.jobs")


class LeasedWorker(Worker):
    """django-tasks-db's worker, renewing its lease before each job when no heartbeat thread does (--batch)."""

    def run_task(self, db_task_result) -> None:
        if self.batch:
            leases.beat(self.worker_id)
        super().run_task(db_task_result)


class Command(PilotbookCommand):
    help = "Run background jobs and queue periodic ones (reminders, digests)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between checks when idle")
        parser.add_argument("--schedule-every", type=float, default=60.0, help="seconds between schedule checks")
        parser.add_argument("--batch", action="store_true", help="queue due periodic jobs, run every job, exit")

    def handle(self, *, interval, schedule_every, batch, **options):
        worker_id = get_random_string(32)
        worker = LeasedWorker(queue_names=["*"], interval=interval, batch=batch, backend_name="default",
                              startup_delay=not batch, max_tasks=None, worker_id=worker_id,
                              excluded_queue_names=[])
        if batch:
            leases.beat(worker_id)
            leases.recover_lost_jobs()
            enqueue_due()
            try:
                worker.run()
            finally:
                leases.forget(worker_id)
            return
        # From here SIGTERM is a graceful stop, which gives up the lease (below) however early it comes.
        worker.configure_signals()
        parent = os.environ.get(supervisor.PARENT_ENV)
        if parent:  # started by `pilotbook serve`: stop when it stops, however it stops
            supervisor.exit_with_parent(int(parent))
        heartbeat = leases.Heartbeat(worker_id)
        stop = threading.Event()
        try:
            heartbeat.start()
            threading.Thread(target=self._schedule, args=(stop, schedule_every), daemon=True).start()
            worker.run()
        finally:
            stop.set()
            heartbeat.stop()

    def _schedule(self, stop: threading.Event, every: float) -> None:
        while not stop.is_set():
            try:
                queued = enqueue_due()
                if queued:
                    logger.info("Queued periodic jobs: %s", ", ".join(queued))
            except Exception:  # a failed check must not kill the worker; the next one retries
                logger.exception("Checking periodic jobs failed")
            stop.wait(every)
