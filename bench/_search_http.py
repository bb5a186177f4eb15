"""bench/search.py's HTTP part: the evidence pages served by gunicorn, fetched by a few concurrent clients.

Run through bench/search.py (which builds the 100,000 case studies first); see its docstring.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from bench._common import percentile, wait_for_workers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

GOALS_MS = {"no query": 150.0, "no query, pages 2-50": 150.0, "query": 150.0, "facets": 150.0,
            "query and facets": 150.0, "before you start": 100.0, "404 (baseline)": None}
FACET_VALUES = {"service_area": ["waste", "housing", "revenues_benefits", "adult_social_care", "customer_services"],
                "verdict": ["worked", "no_worthwhile_effect", "made_worse", "inconclusive"],
                "nation": ["England", "Wales", "Scotland"]}


def _queries() -> list[str]:
    return [json.loads(line)["text"] for line in (HERE / "relevance" / "queries.jsonl").read_text().splitlines()
            if line]


def _facet_choices() -> list[dict[str, str]]:
    """Every choice of one facet value, and of two values of different facets."""
    single = [{name: value} for name in sorted(FACET_VALUES) for value in FACET_VALUES[name]]
    pairs = [{**a, **b} for i, a in enumerate(single) for b in single[i + 1:] if a.keys() != b.keys()]
    return single + pairs


def page_kinds() -> dict[str, list[str]]:
    """Each kind of page: the addresses the clients fetch (chosen at random from these)."""
    queries = _queries()
    facets = _facet_choices()
    rng = random.Random(11)
    return {
        "no query": ["/evidence/"],
        "no query, pages 2-50": [f"/evidence/?page={n}" for n in range(2, 51)],
        "query": ["/evidence/?" + urlencode({"q": q}) for q in queries],
        "facets": ["/evidence/?" + urlencode(f) for f in facets],
        "query and facets": ["/evidence/?" + urlencode({"q": q, **rng.choice(facets)}) for q in queries],
        "before you start": ["/evidence/before-you-start/?" + urlencode({"idea": q}) for q in queries],
        "404 (baseline)": ["/no-such-page/"],
    }


class Server:
    """`pilotbook serve --no-worker` serving the app as in production (gunicorn with its worker class, threads and
    access log, DJANGO_DEBUG=0, collected static files) on 127.0.0.1:port; its log goes to a file, not the bench's
    output."""

    def __init__(self, port: int, workers: int = 2):
        self.port, self.workers = port, workers
        self.tmp = tempfile.TemporaryDirectory()
        self.env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
                    "PILOTBOOK_DATA_DIR": self.tmp.name, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}

    def __enter__(self) -> Server:
        bin_dir = Path(sys.executable).parent
        subprocess.run([str(bin_dir / "pilotbook"), "collectstatic", "--noinput", "-v", "0"],  # noqa: S603 (ours)
                       env=self.env, check=True, cwd=ROOT)
        self.log = open(Path(self.tmp.name) / "server.log", "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(  # noqa: S603 (our own server)
            [str(bin_dir / "pilotbook"), "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers)], env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/no-such-page/"), timeout=5)  # noqa: S310 (our own server)
            except urllib.error.HTTPError:  # a 404: it answers; then wait until every worker does
                if wait_for_workers(self.url(""), self.workers, deadline + 120):
                    return self
                break
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy with a slow page: stop it now
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.tmp.cleanup()


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _run_clients(server: Server, clients: int, next_path: Callable[[int], str | None]) -> tuple[list[float], int]:
    """`clients` threads, client n fetching next_path(n)'s address until it gives None; (latencies in ms, errors:
    5xx or no answer)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(number: int) -> None:
        nonlocal errors
        while (path := next_path(number)) is not None:
            started = time.perf_counter()
            try:
                status, _body = _fetch(server.url(path))
            except OSError:
                status = 0
            took = 1000 * (time.perf_counter() - started)
            with lock:
                latencies.append(took)
                errors += status >= 500 or status == 0

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def drive(server: Server, paths: list[str], clients: int, seconds: float, seed: int) -> tuple[list[float], int]:
    """`clients` threads fetching pages at random from `paths` for `seconds`; (latencies in ms, errors: 5xx or no
    answer)."""
    deadline = time.monotonic() + seconds
    rngs = [random.Random(seed * 100 + number) for number in range(clients)]
    return _run_clients(server, clients,
                        lambda number: rngs[number].choice(paths) if time.monotonic() < deadline else None)


def forget() -> None:
    """A data change, as any save makes: a new data version (so no page cached before is used, in any gunicorn
    worker's memory or the shared table) and no counts kept. What follows is a first visit after a change."""
    from pilotbook.web import versions

    versions.bump()
    try:
        from pilotbook.evidence.selectors import counts_changed
    except ImportError:  # before counts were kept (the code before ADR 0018), so none to forget
        pass
    else:
        counts_changed()


def profile(kinds: list[str] | None = None) -> None:
    """Queries and database time per page kind, in-process through Django's test client (one of each, asked
    twice, with a data change between: the second, cold, is shown)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    logging.getLogger("django.request").setLevel(logging.ERROR)  # not a "Not Found" line for the 404 kind asked for
    rng = random.Random(3)
    client = Client()
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["*"]):
        for kind, paths in page_kinds().items():
            if kinds and kind not in kinds:
                continue
            path = rng.choice(paths)
            client.get(path)  # code and templates warmed once: the figures below are for the page after a change
            forget()
            reset_queries()
            started = time.perf_counter()
            status = client.get(path).status_code
            took = 1000 * (time.perf_counter() - started)
            sql = sum(float(q["time"]) for q in connection.queries) * 1000
            slowest = max(connection.queries, key=lambda q: float(q["time"]), default={"time": "0", "sql": ""})
            print(f"  {kind:22} {status} {len(connection.queries):3} queries, database {sql:6.1f} ms of "
                  f"{took:6.1f} ms; slowest {float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:90]}")


def _matching(query: str) -> int:
    """Counted here, apart from the app's code: public released pilots whose search document holds any of the
    query's features (the ranking core's, as the index stores them)."""
    from django.db import connection

    from pilotbook.evidence import ranking

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM evidence_searchdocument d JOIN pilots_pilot p ON p.id = d.pilot_id "
                       "WHERE d.vector @@ to_tsquery('simple', %s) AND p.status = 'published' "
                       "AND p.published_at <= now() AND p.visibility IN ('public', 'public_anonymous')",
                       [" | ".join(sorted(ranking.query_weights(query)))])
        return cursor.fetchone()[0]


def check_counts(server: Server, query: str = "arrears") -> None:
    """The page's count of matches, the export's rows and the pages' rows are the same number."""
    _status, body = _fetch(server.url("/evidence/?" + urlencode({"q": query})))
    shown = re.search(r"([\d,]+) published pilots?", body.decode())
    said = int(shown.group(1).replace(",", "")) if shown else None
    started = time.perf_counter()
    _status, body = _fetch(server.url("/export/evidence.csv?" + urlencode({"q": query})))
    rows = len(list(csv.DictReader(io.StringIO(body.decode()))))
    took = time.perf_counter() - started
    _status, body = _fetch(server.url("/evidence/?" + urlencode({"q": query, "page": 10_000})))
    last = re.findall(r'data-testid="result"', body.decode())
    pages = -(-said // 20) if said else 0
    expected = _matching(query)
    truthful = said == rows == expected and len(last) == said - 20 * (pages - 1)
    print(f"counts: /evidence/?q={query} says {said:,} published pilots; the database holds {expected:,} public "
          f"released pilots whose search document has a word of it; the CSV export holds {rows:,} rows ({took:.1f} s); "
          f"the last page ({pages:,}) lists {len(last)} ({'truthful' if truthful else 'NOT truthful'})")
    _status, body = _fetch(server.url("/evidence/"))
    shown = re.search(r"([\d,]+) published pilots?", body.decode())
    print(f"counts: /evidence/ with no query says {shown.group(1) if shown else '?'} published pilots")


COLD_REPEATS = 20  # a kind with one address is asked this many times, each after a data change


def first_asks(server: Server, paths: list[str]) -> list[float]:
    """Each address fetched once, one at a time, each just after a data change (forget): nothing cached, no counts
    kept, as for the first visitor after any save (ms each). A kind with one address is asked COLD_REPEATS times."""
    latencies = []
    for path in paths if len(paths) > 1 else paths * COLD_REPEATS:
        forget()
        started = time.perf_counter()
        _fetch(server.url(path))
        latencies.append(1000 * (time.perf_counter() - started))
    return latencies


NEW_ROUNDS = 3  # how many times new_at_once asks every address of a kind, a data change before each round


def new_at_once(server: Server, paths: list[str], clients: int) -> tuple[list[float], int]:
    """Every address asked once per round by `clients` threads together, after one data change per round: each
    request is the first for its address at that data version (nothing built for it is cached), as when several
    people ask different new things at the same moment. What a cache of repeated addresses cannot help with. A kind
    with one address is left out (all but the first client would be asking again). (latencies in ms, errors)"""
    latencies: list[float] = []
    errors = 0
    for _ in range(NEW_ROUNDS):
        forget()
        waiting, lock = list(paths), threading.Lock()

        def next_path(_number: int, waiting: list[str] = waiting, lock: threading.Lock = lock) -> str | None:
            with lock:
                return waiting.pop() if waiting else None

        got, failed = _run_clients(server, clients, next_path)
        latencies += got
        errors += failed
    return latencies, errors


def _line(kind: str, what: str, latencies: list[float], seconds: float | None, errors: int | None) -> str:
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    goal = GOALS_MS[kind]
    verdict = f"goal p95 < {goal:.0f} ms, {p95 / goal:.2f} of it" if goal else "the bare framework"
    rate = (f" ({len(latencies) / seconds:5.1f}/s), {errors} errors" if seconds
            else f", {errors} errors" if errors is not None else "")
    return (f"  {kind:22} {what:14} {len(latencies):5} requests{rate}: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms "
            f"({verdict})")


def run(port: int, clients: int, seconds: float, kinds: list[str] | None = None) -> None:
    print(f"HTTP: pilotbook serve (gunicorn, 2 workers of 4 threads), DJANGO_DEBUG=0, on 127.0.0.1:{port}; "
          f"{clients} concurrent clients, {seconds:.0f} s per page kind")
    print("queries per page (in-process, one request of each kind):")
    profile(kinds)
    sys.stdout.flush()
    chosen = {kind: paths for kind, paths in page_kinds().items() if not kinds or kind in kinds}
    with Server(port) as server:
        for paths in chosen.values():  # each worker's code, templates and connection warmed once
            for path in paths[:2]:
                _fetch(server.url(path))
        print(f"cold: each address once (a kind with one address {COLD_REPEATS} times), 1 client, each just after a "
              "data change (nothing cached, no counts kept); then warm: the clients at random among the same "
              "addresses, asked again; and new at once: every address once per round, the clients together, a data "
              f"change before each of {NEW_ROUNDS} rounds (each request the first for its address)")
        for seed, (kind, paths) in enumerate(chosen.items()):
            print(_line(kind, "cold", first_asks(server, paths), None, None))
            if len(paths) > 1:
                latencies, errors = new_at_once(server, paths, clients)
                print(_line(kind, f"new, {clients} at once", latencies, None, errors))
            for path in paths:  # each built once at the data version the cold pass ended on, so warm is warm
                _fetch(server.url(path))
            latencies, errors = drive(server, paths, clients, seconds, seed)
            print(_line(kind, "warm", latencies, seconds, errors))
            sys.stdout.flush()
        check_counts(server)
