"""What every bench prints first: the machine it ran on and, in one line, what its baseline is.

A figure means little without the machine's core count and how busy it was, and a ratio means nothing unless the
reader knows what the baseline did. Every script under bench/ calls ``header`` before it measures anything and
``load_line`` again after, so a reader can see whether something else was running.
"""

from __future__ import annotations

import os
import platform
import sys


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
