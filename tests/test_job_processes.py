"""Background jobs with real processes (ADR 0010): a worker killed with SIGKILL in the middle of a job, and
`pilotbook serve`'s worker killed, or `serve` itself.

Each test runs real `pilotbook worker` processes on a throwaway SQLite file (migrated once for the module and
copied), emails go to files (tests/mail_files.py), and every wait is bounded."""

import os
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pilotbook.jobs.supervisor import WorkerSupervisor
from tests import mail_files

ROOT = Path(__file__).resolve().parent.parent
LEASE = 3  # seconds; the setting is 60 in production


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"Waited {timeout} s for {what}")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "pilotbook.sqlite3"
    subprocess.run([sys.executable, "-m", "pilotbook.cli", "migrate", "-v0"], cwd=ROOT, check=True, timeout=300,
                   env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"})
    return path


class Site:
    """A throwaway database, a mail folder, and the processes started on them (killed at the end)."""

    def __init__(self, folder: Path, template: Path):
        self.folder = folder
        self.db = folder / "pilotbook.sqlite3"
        shutil.copy(template, self.db)
        self.mail = folder / "mail"
        self.mail.mkdir()
        self.processes: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": f"sqlite:///{self.db}", "DJANGO_DEBUG": "1",
                "DJANGO_EMAIL_BACKEND": "tests.mail_files.EmailBackend", "PILOTBOOK_TEST_MAIL_DIR": str(self.mail),
                "PILOTBOOK_JOB_HEARTBEAT_SECONDS": "0.5", "PILOTBOOK_JOB_LEASE_SECONDS": str(LEASE), **extra}

    def shell(self, code: str) -> None:
        result = subprocess.run([sys.executable, "-m", "pilotbook.cli", "shell", "-c", code], cwd=ROOT,
                                env=self.env(), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "pilotbook.cli", *args], cwd=ROOT, env=self.env(**env),
                                   stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db, timeout=20) as db:
            return db.execute(sql, params).fetchall()

    def jobs(self, task: str) -> list[str]:
        return [status for (status,) in self.query(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?", task)]

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        # Anything else started on this database: a worker orphaned by a killed `serve`, gunicorn's web workers.
        marker = f"DATABASE_URL=sqlite:///{self.db}".encode()
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
            try:
                if entry.name.isdigit() and marker in (entry / "environ").read_bytes().split(b"\0"):
                    os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                continue


@pytest.fixture
def site(tmp_path, migrated):
    site = Site(tmp_path, migrated)
    yield site
    site.stop_all()


# Three people on the pilot's team, a question from another council, and no periodic job due (so no digest).
QUESTION_FOR_THREE = """
from django.conf import settings
from django.utils import timezone
from pilotbook.councils.models import Role
from pilotbook.discussion import services
from pilotbook.jobs.models import PeriodicRun
from pilotbook.pilots.choices import Status
from tests.factories import CouncilFactory, make_pilot, member
for name in settings.PILOTBOOK_PERIODIC_TASKS:
    PeriodicRun.objects.create(name=name, last_enqueued_at=timezone.now())
home, other = CouncilFactory(code="HOM", name="Homeshire"), CouncilFactory(code="OTH", name="Otherborough")
officer = member(home, Role.OFFICER, email="officer@home.example")
member(home, Role.CHAMPION, email="champion@home.example")
member(home, Role.ADMIN, email="admin@home.example")
asker = member(other, Role.OFFICER, email="officer@other.example")
pilot = make_pilot(home, officer, status=Status.PUBLISHED)
services.comment_post(target=pilot, author=asker, kind="question", body="How did you measure contact?")
"""
TEAM = ["admin@home.example", "champion@home.example", "officer@home.example"]
QUESTION_JOB = "pilotbook.discussion.tasks.email_question_to_team"


def test_a_worker_killed_after_the_first_of_three_emails_leaves_the_job_to_another_which_sends_the_other_two_once(
        site):
    site.shell(QUESTION_FOR_THREE)
    assert site.jobs(QUESTION_JOB) == ["READY"]

    # The first worker sends one email, then stalls before recording it, and is killed there.
    first = site.start("first", "worker", "--interval", "0.2", PILOTBOOK_TEST_MAIL_PAUSE="120")
    (first_recipient,) = wait_for(lambda: mail_files.read(site.mail), 60, "the first email")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert site.jobs(QUESTION_JOB) == ["RUNNING"]

    # Another worker takes the job up once the dead worker's lease has run out, and finishes it.
    started = time.monotonic()
    second = site.start("second", "worker", "--interval", "0.2")
    wait_for(lambda: site.jobs(QUESTION_JOB) == ["SUCCESSFUL"], 30 + LEASE, "the job to be run again and finish")
    assert time.monotonic() - started >= LEASE - 1  # not before the lease ran out
    assert "queued again: worker" in site.log("second")

    # Everyone got exactly one email: the first was not sent again.
    assert sorted(mail_files.read(site.mail)) == TEAM
    # The email whose sending was never confirmed is on record, and the log says it was not sent again.
    assert site.query("SELECT recipients FROM jobs_sentemail WHERE sent_at IS NULL") == [(f'["{first_recipient}"]',)]
    assert f"Not sending 'Question on your pilot: Clearer arrears letter' to {first_recipient} again" in site.log(
        "second")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=15) == 0


# `pilotbook serve` runs one worker beside gunicorn: restarted when it dies, and never outliving `serve`.
def children(pid: int) -> list[tuple[int, list[str]]]:
    """The live (not zombie) child processes of `pid`, with their arguments."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if int(ppid) == pid and state != "Z":
            found.append((int(entry.name), args))
    return found


def job_worker(serve_pid: int) -> int | None:
    """The one `pilotbook worker` that `serve` started (gunicorn's web workers are forks of `serve` itself)."""
    pids = [pid for pid, args in children(serve_pid) if "worker" in args and "serve" not in args]
    return pids[0] if len(pids) == 1 else None


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(site, tmp_path):
    """`pilotbook serve` on a free port with one web worker; its own home, so gunicorn's control socket too."""
    process = site.start("serve", "serve", "--port", str(free_port()), "--workers", "1",
                         HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path))
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def heartbeat_of(site: Site, pid: int) -> bool:
    return bool(site.query("SELECT 1 FROM jobs_workerheartbeat WHERE pid = ?", pid))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_serves_worker_killed_outright_is_replaced_within_seconds(site, serve):
    first = wait_for(lambda: job_worker(serve.pid), 30, "serve's worker to start")
    wait_for(lambda: heartbeat_of(site, first), 30, "the worker to record its heartbeat")
    gone = os.pidfd_open(first)
    os.kill(first, signal.SIGKILL)
    # Wholly gone first (every thread), so the wait below measures `serve` alone.
    assert select.select([gone], [], [], 60)[0], "the killed worker never exited"
    os.close(gone)
    second = wait_for(lambda: (pid := job_worker(serve.pid)) != first and pid, 10, "a new worker")
    wait_for(lambda: heartbeat_of(site, second), 30, "the new worker to record its heartbeat")
    assert f"The background-job worker (pid {first})" in site.log("serve")  # and said so


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_serves_worker_stops_when_serve_is_killed_outright(site, serve):
    worker = wait_for(lambda: job_worker(serve.pid), 30, "serve's worker to start")
    wait_for(lambda: heartbeat_of(site, worker), 30, "the worker to record its heartbeat")
    serve.send_signal(signal.SIGKILL)
    serve.wait(timeout=10)
    wait_for(lambda: not running(worker), 10, "the worker to stop after serve was killed")
    assert not heartbeat_of(site, worker)  # it stopped cleanly, giving up its lease


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pidfd")
def test_a_worker_started_while_the_web_server_forks_is_still_watched_and_replaced(monkeypatch):
    """Gunicorn's master forks web workers whenever it likes. Here it forks at the worst moment, while the
    supervisor is starting a worker (Popen's pipe for news of the exec is open), and the fork lives on."""
    want_fork, forked = threading.Event(), threading.Event()
    fork_exec = subprocess._fork_exec  # Popen's own fork and exec, after it opened that pipe

    def fork_exec_once_the_master_forked(*args):
        want_fork.set()
        forked.wait(2)  # the supervisor holds forks back while it starts a worker: then this waits in vain
        return fork_exec(*args)

    monkeypatch.setattr(subprocess, "_fork_exec", fork_exec_once_the_master_forked)
    supervisor = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"], first_backoff=0.1)
    web_worker = None
    try:
        supervisor.start()
        assert want_fork.wait(10)
        web_worker = os.fork()
        if web_worker == 0:
            time.sleep(30)
            os._exit(0)
        forked.set()
        first = wait_for(lambda: supervisor.child and supervisor.child.pid, 10, "the worker to be started")
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: supervisor.child.pid != first, 5, "a new worker")
    finally:
        if web_worker:
            os.kill(web_worker, signal.SIGKILL)
            os.waitpid(web_worker, 0)
        supervisor.stop()
