"""CPU time per request, in process, for a signed-in bench officer: the 404 page (the baseline), a published pilot
page (in turn over bench/pages.py's 50) and the dashboard, each after one request has cached what it may.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench PILOTBOOK_DATA_DIR=/tmp/x \\
        .venv/bin/python bench/cpu_per_request.py [--n 200] [--profile pilot|dashboard|404]

Needs the database bench/pages.py builds, and `pilotbook collectstatic` into PILOTBOOK_DATA_DIR (DEBUG is off, as
in production). Django's test client, no HTTP server: CPU time (time.process_time) is what the machine's load
changes least, so before/after figures on a shared machine compare. It prints each page's CPU and wall time per
request and its CPU as a multiple of the 404 page's; --profile prints a cProfile (CPU time) of 50 requests.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="requests per page (a tenth of it for the dashboard)")
    parser.add_argument("--profile", choices=("404", "pilot", "dashboard"))
    parser.add_argument("--email", default="officer-0@bench.example")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core import signals
    from django.db import close_old_connections
    from django.test import Client
    from django.urls import reverse

    from bench.pages import pilot_paths
    from pilotbook.councils.models import User

    # Keep the one connection, as a server process with CONN_MAX_AGE does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(User.objects.get(email=args.email))
    pages = {"404": (["/no-such-page-bench/"], 404), "pilot": (pilot_paths(os.environ["DATABASE_URL"]), 200),
             "dashboard": ([reverse("dashboard")], 200)}
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    baseline = None
    for name, (paths, status) in pages.items():
        for path in paths:
            assert client.get(path).status_code == status, path
        n = args.n if name != "dashboard" else max(10, args.n // 10)
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(n):
            client.get(paths[i % len(paths)])
        cpu, wall = (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000
        baseline = baseline or cpu
        print(f"{name:10s} {cpu:7.2f} ms CPU/request ({cpu / baseline:4.2f} x the 404 page's), {wall:7.2f} ms wall, "
              f"{n} requests", flush=True)
    if args.profile:
        paths = pages[args.profile][0]
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for i in range(50):
            client.get(paths[i % len(paths)])
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"pilotbook|django/template/(base|loader)", 50)


if __name__ == "__main__":
    main()
