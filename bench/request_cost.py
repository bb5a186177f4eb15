"""What one request costs the server in CPU, in-process: the app as gunicorn calls it, with no network and no clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/request_cost.py
    ... --requests 2000      # per page (default 1000; a tenth of it for the dashboard), after a warm-up that fills
                             # the page caches
    ... --as officer         # signed in as a bench officer (officer-0@bench.example; --email for another)
    ... --profile 404        # cProfile one page's loop, printing the 35 costliest functions (cumulative)
    ... --batches 8          # the requests in 8 batches, CPU per request of the cheapest batch (steadier on a
                             # loaded machine), and the Python function calls per request (as cProfile counts
                             # them: what the load cannot change)

Runs with DJANGO_DEBUG=0 after `collectstatic` into a temporary folder (as bench/pages.py's server does), calls the
WSGI application in a loop for each page (the 404 page, a published pilot page, /evidence/?q=arrears,
/api/pilots/ and, signed in, the dashboard), and prints the process's CPU time (user + system) per request, as a
multiple of the 404 page's, and the queries each request sends; PostgreSQL's own share of each query is not in
these figures. CPU time is what a shared machine's load changes least, so before/after figures compare. Use a
database bench/pages.py built. The 404 page is the baseline: what every request costs before a view does anything
of its own.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench._common import as_in_production, load_line  # noqa: E402


def environ(path: str, cookie: str = "") -> dict:
    target, _, query = path.partition("?")
    return {"HTTP_COOKIE": cookie,
        "REQUEST_METHOD": "GET", "PATH_INFO": target, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "HTTP_ACCEPT": "*/*", "HTTP_ACCEPT_ENCODING": "gzip, deflate", "HTTP_USER_AGENT": "bench",
    }


def call(application, path: str, cookie: str = "") -> tuple[str, int]:
    status = []

    def start_response(code, headers, exc_info=None):
        status.append(code)

    body = application(environ(path, cookie), start_response)
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return status[0], size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU per request, in-process, DEBUG off.")
    parser.add_argument("--as", dest="who", choices=("anonymous", "officer"), default="anonymous")
    parser.add_argument("--email", default="officer-0@bench.example", help="the officer, with --as officer")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--profile", help="page to profile: 404, pilot, evidence, api or dashboard")
    parser.add_argument("--pilot", help="the pilot page's address (default: the first public demo pilot)")
    parser.add_argument("--batches", type=int, default=1,
                        help="split each page's requests into this many batches and report the cheapest batch's CPU "
                             "per request and the Python calls per request (default 1: all requests, no call count)")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/request_cost.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    as_in_production("cost")
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, reset_queries

    application = get_wsgi_application()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # not a "Not Found" line per 404 page asked for
    pilot = args.pilot
    if pilot is None:
        from pilotbook.pilots.models import Pilot

        first = Pilot.objects.filter(is_demo=True, status="published", visibility="public").order_by("id").first()
        pilot = f"/pilots/{first.pk}/"
    pages = {"404": "/no-such-page-bench/", "pilot": pilot, "evidence": "/evidence/?q=arrears", "api": "/api/pilots/"}
    cookie = ""
    if args.who == "officer":
        from django.conf import settings
        from django.test import Client

        from pilotbook.councils.models import User

        signed_in = Client()
        signed_in.force_login(User.objects.get(email=args.email))
        cookie = f"{settings.SESSION_COOKIE_NAME}={signed_in.cookies[settings.SESSION_COOKIE_NAME].value}"
        pages["dashboard"] = "/dashboard/"
    who = f"signed in as {args.email}" if cookie else "signed out"
    cheapest = f", the cheapest of {args.batches} batches" if args.batches > 1 else ""
    print(f"CPU per request, in-process (WSGI, DJANGO_DEBUG=0, {who}), {args.requests} requests per page{cheapest}")
    print(load_line())
    baseline = None
    for name, path in pages.items():
        if args.profile and name != args.profile:
            continue
        requests = args.requests if name != "dashboard" else max(10, args.requests // 10)
        for _ in range(20):  # warm-up: the caches filled, the connection open, templates compiled
            status, size = call(application, path, cookie)
        connection.force_debug_cursor = True
        reset_queries()
        call(application, path, cookie)
        queries = len(connection.queries)
        connection.force_debug_cursor = False
        profiler = cProfile.Profile(time.thread_time) if args.profile else None
        if profiler:
            profiler.enable()
        batches = max(1, args.batches)
        size_of_batch = max(1, requests // batches)
        timings = []  # (CPU, wall) per request, of each batch
        for _ in range(batches):
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(size_of_batch):
                call(application, path, cookie)
            timings.append(((time.process_time() - cpu) / size_of_batch, (time.perf_counter() - wall) / size_of_batch))
        if profiler:
            profiler.disable()
        per_request, wall = min(timings)  # the cheapest batch (the only one by default)
        baseline = baseline or per_request
        calls = ""
        if batches > 1:
            counter = cProfile.Profile()
            counter.enable()
            for _ in range(10):
                call(application, path, cookie)
            counter.disable()
            calls = f"  {pstats.Stats(counter).total_calls / 10:6.0f} Python calls/request"
        print(f"{name:9} {path[:40]:40} {status:16} {size:7d} B  {queries:2d} queries  "
              f"CPU {1e6 * per_request:7.0f} us/request ({per_request / baseline:4.2f} x the 404 page's)  "
              f"wall {1e6 * wall:7.0f} us{calls}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
