"""The background-job worker that `pilotbook serve` runs beside gunicorn: restarted when it dies, stopped when
`serve` stops, even when `serve` is killed outright (ADR 0010).

`pilotbook serve` is itself gunicorn's master process, so the supervisor is a thread in it. Gunicorn forks its
web workers from the master's main thread; a fork copies no other thread, so they never run a supervisor, and
no fork happens while the supervisor is starting a worker (see _starting). The master reaps every child that
exits (``waitpid(-1)``), ours included, so the supervisor watches its worker through a pidfd where Linux offers
one: it sees the exit whoever reaped it, and never signals a reused pid.

This module is imported by the ``pilotbook`` command before Django is set up: the standard library only.
"""

from __future__ import annotations

import ctypes
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger("pilotbook.jobs")

PARENT_ENV = "PILOTBOOK_WORKER_PARENT_PID"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


# In the worker.
def exit_with_parent(parent_pid: int) -> None:
    """Stop this worker (SIGTERM, its graceful stop: a running job finishes first) when the process that started
    it dies.

    On Linux the kernel tells us even when the parent is killed with SIGKILL (PR_SET_PDEATHSIG). It sends the
    signal each time the worker is handed from a dying thread of the parent to the next, so it is SIGHUP, taken
    once and turned into one SIGTERM: a second SIGTERM would abandon the running job. Elsewhere a thread checks
    every second whether the worker has been handed to another parent."""
    signal.signal(signal.SIGHUP, _parent_died)
    watched_by_kernel = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            watched_by_kernel = libc.prctl(PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0) == 0
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before we asked to be told
        _parent_died(signal.SIGHUP, None)
    elif not watched_by_kernel:
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="pilotbook-parent", daemon=True).start()


def _parent_died(signum, frame) -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    logger.warning("The process that started this worker has stopped; stopping")
    os.kill(os.getpid(), signal.SIGTERM)


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGHUP)


# In `pilotbook serve`.
# Gunicorn forks web workers from its main thread whenever it likes. A fork while this thread is starting a worker
# would copy into the web worker the pipe through which Popen learns that the exec succeeded; a web worker never
# execs, so Popen would wait for it to exit, and the worker would go unwatched meanwhile. So no fork happens in
# this process while a worker is being started (Popen itself does not run these hooks).
_starting = threading.Lock()
_fork_hooks_registered = False


def _hold_forks_while_starting() -> None:
    global _fork_hooks_registered
    if not _fork_hooks_registered:
        os.register_at_fork(before=_starting.acquire, after_in_parent=_starting.release,
                            after_in_child=_starting.release)
        _fork_hooks_registered = True


class _Child:
    """One worker process, watched through a pidfd when the platform has them."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.status: int | None = None
        self.fd: int | None = None
        with _starting:
            # A session of its own: Ctrl-C in the terminal reaches `serve`, which then stops the worker itself.
            self.popen = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 - fixed arguments
        self.pid = self.popen.pid
        if hasattr(os, "pidfd_open"):
            try:
                self.fd = os.pidfd_open(self.pid)
            except ProcessLookupError:  # already gone and reaped
                self._ended(None)

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the process to end; returns whether it has."""
        if self.popen.returncode is not None:
            return True
        if self.fd is None:
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
            self.status = self.popen.returncode
            return True
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            info = os.waitid(os.P_PIDFD, self.fd, os.WEXITED | os.WNOHANG)
        except ChildProcessError:  # gunicorn's master reaped it first; the exit status is lost
            info = None
        self._ended(None if info is None else info.si_status if info.si_code == os.CLD_EXITED else -info.si_status)
        return True

    def _ended(self, status: int | None) -> None:
        self.status = status
        # Popen must never wait for this pid again: it may belong to another process by now.
        self.popen.returncode = status if status is not None else -1
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def send(self, sig: int) -> None:
        if self.popen.returncode is not None:
            return
        try:
            if self.fd is not None:
                signal.pidfd_send_signal(self.fd, sig)
            else:
                self.popen.send_signal(sig)
        except ProcessLookupError:
            pass

    def describe(self) -> str:
        if self.status is None:
            return "stopped"
        return f"exited with status {self.status}" if self.status >= 0 else f"was killed by signal {-self.status}"


class WorkerSupervisor:
    """Runs one `pilotbook worker` and starts another when it stops, waiting `first_backoff` seconds, doubling
    up to `max_backoff` while workers keep dying within `healthy_after` seconds of starting."""

    def __init__(self, command: list[str] | None = None, *, first_backoff: float = 1.0, max_backoff: float = 60.0,
                 healthy_after: float = 60.0, stop_timeout: float = 30.0):
        self.command = command or [sys.executable, "-m", "pilotbook.cli", "worker"]
        self.first_backoff, self.max_backoff, self.healthy_after = first_backoff, max_backoff, healthy_after
        self.stop_timeout = stop_timeout
        self.child: _Child | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pilotbook-worker-supervisor", daemon=True)

    def start(self) -> None:
        _hold_forks_while_starting()
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker (SIGTERM, so a running job finishes; SIGKILL after `stop_timeout` seconds)."""
        self._stop.set()
        self._thread.join(timeout=self.stop_timeout + 10)

    def _run(self) -> None:
        backoff = self.first_backoff
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                # Started from this thread: the kernel's parent-death signal fires when this thread ends.
                self.child = child = _Child(self.command, env)
            except OSError:
                child = None
                logger.exception("Could not start the background-job worker")
            else:
                while not child.wait(0.5):
                    if self._stop.is_set():
                        self._terminate(child)
                        return
                if self._stop.is_set():
                    return
            if time.monotonic() - started >= self.healthy_after:
                backoff = self.first_backoff
            if child is not None:
                logger.warning("The background-job worker (pid %s) %s; starting another in %g s",
                               child.pid, child.describe(), backoff)
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, self.max_backoff)

    def _terminate(self, child: _Child) -> None:
        child.send(signal.SIGTERM)
        if not child.wait(self.stop_timeout):
            logger.warning("The background-job worker (pid %s) did not stop within %g s; killing it (its job will "
                           "be run again once its lease expires)", child.pid, self.stop_timeout)
            child.send(signal.SIGKILL)
            child.wait(5)
