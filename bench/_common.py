"""What every bench prints first: the machine it ran on and, in one line, what its baseline is.

A figure means little without the machine's core count and how busy it was, and a ratio means nothing unless the
reader knows what the baseline did. Every script under bench/ calls ``header`` before it measures anything and
``load_line`` again after, so a reader can see whether something else was running.
"""

from __future__ import annotations

import os
import platform
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def header(title: str, baseline: str) -> None:
    """Print the bench's title, the machine (cores, load, Python) and its baseline in one line each."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(title)
    print(f"machine: {cores} cores ({usable} usable), {load_line()}, Python {platform.python_version()} "
          f"on {sys.platform}")
    print(f"baseline: {baseline}")
    sys.stdout.flush()


def percentile(values: list[float], q: float) -> float:
    """The value at quantile `q` (nearest rank) of `values`; NaN when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def wait_for_workers(base: str, workers: int, deadline: float) -> bool:
    """gunicorn listens before its workers have loaded the app: until each has, a request waits for a worker's
    start-up, not for the page. Ask for an address nothing answers, a few at once per worker, until every answer
    comes back within a second, so that no timed request (not even a first visitor's) includes a worker starting.
    False if that did not happen by `deadline` (time.monotonic())."""
    import contextlib
    import time
    from concurrent.futures import ThreadPoolExecutor
    from urllib.error import HTTPError
    from urllib.request import urlopen

    def ask(_) -> float:
        started = time.monotonic()
        with contextlib.suppress(HTTPError):  # the 404 is the answer
            urlopen(f"{base}/bench-not-a-page/", timeout=120)  # noqa: S310 - our own local server
        return time.monotonic() - started

    with ThreadPoolExecutor(max_workers=workers * 4) as pool:
        while time.monotonic() < deadline:
            if max(pool.map(ask, range(workers * 4))) < 1.0:
                return True
    return False


def as_in_production(name: str) -> Path:
    """Set this process up as production runs (DJANGO_DEBUG=0, a fresh secret key, collected static files in a
    scratch data directory), for a bench that serves pages in-process through WSGI; returns that directory. Call it
    before Django is set up."""
    scratch = Path(tempfile.mkdtemp(prefix=f"pilotbook-{name}-"))
    os.environ.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                       "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PILOTBOOK_DATA_DIR": str(scratch),
                       "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "pilotbook.config.settings"})
    subprocess.run([str(Path(sys.executable).parent / "pilotbook"), "collectstatic", "--noinput", "-v0"],  # noqa: S603
                   check=True, cwd=scratch)
    return scratch
