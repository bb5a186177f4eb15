"""A mixed workload: 200 concurrent clients for 10 minutes against gunicorn on PostgreSQL, with 0 errors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/load.py --reuse
    ... --seconds 60          # a shorter run (default 600)

The database is bench/pages.py's (100,000 published case studies, the demo, bench officers; built unless --reuse
finds it). It is served by `pilotbook serve --no-worker` (gunicorn with the command's production default of 2
workers, DJANGO_DEBUG=0, after collectstatic). The clients, in two client processes on the same machine (they
share its 2 cores with the server and the database), each loop with no pause:

- 100 anonymous searchers: the evidence search with one of the 60 bench queries, sometimes narrowed by a facet;
- 40 anonymous readers: a published pilot's page, one of 1,000 (a demo pilot or a case study);
- 20 anonymous API users: a page of /api/pilots/, one of the first 100;
- 40 signed-in officers (bench accounts, each a member of a council with a running pilot of its own), each signed
  in once through the sign-in page, then in turn: their dashboard; registering a pilot (the first question page,
  its CSRF token, the idea posted: a real draft pilot, then its next question page); measuring their own running
  pilot (the upload page, a real 40-row CSV posted with its CSRF token, then the page mapping its columns); their
  pilot's page.

Every response must have the status a person would get (200, or 302 after a form); anything else, or a failure to
connect or a timeout (60 s), is an error, counted and printed. It prints throughput and p50/p95/p99 per page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._common import header, load_line  # noqa: E402
from bench._http import (  # noqa: E402
    BENCH_PASSWORD,
    CSRF_FIELD,
    Server,
    Tally,
    bench_email,
    ensure_database,
    free_port,
    run_clients,
    sign_in,
    summary_line,
    timed_get,
)

SEARCHERS, READERS, API_USERS, OFFICERS = 100, 40, 20, 40
CLIENTS = SEARCHERS + READERS + API_USERS + OFFICERS
FACETS = ["", "&service_area=housing", "&verdict=worked", "&service_area=waste", "&intervention_type=letter_message"]


def outcome_csv(rng: random.Random, rows: int = 40) -> bytes:
    """A small outcome file as a council would upload it: one row per household, its group and whether it paid."""
    lines = ["household,group,paid_on_time"]
    for i in range(rows):
        group = "reminder" if i % 2 else "usual letter"
        lines.append(f"H{i:04d},{group},{int(rng.random() < (0.7 if i % 2 else 0.55))}")
    return ("\n".join(lines) + "\n").encode()


async def timed(session, tally: Tally, name: str, method: str, url: str, expect: int, cookies, **kwargs):
    """A request tallied under `name`, with the client's cookies; the body, or None when it went wrong."""
    started = time.perf_counter()
    try:
        async with session.request(method, url, allow_redirects=False, headers=cookies.header(), **kwargs) as reply:
            body = await reply.text()
            status, location = reply.status, reply.headers.get("Location", "")
            cookies.keep(reply)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        tally.errors[name].append(f"{type(error).__name__}: {error}")
        return None
    tally.times[name].append(time.perf_counter() - started)
    if status != expect:
        tally.errors[name].append(f"{method} {url} answered {status}, not {expect}")
        return None
    return location if expect == 302 else body


def make_clients(session, tally: Tally, deadline: float, numbers: list[int], base: str, pilots: list[int],
                 own_pilots: dict[int, int], queries: list[str]):
    from urllib.parse import quote

    async def searcher(rng):
        while time.perf_counter() < deadline:
            url = f"{base}/evidence/?q={quote(rng.choice(queries))}{rng.choice(FACETS)}"
            await timed_get(session, tally, "evidence search", url)

    async def reader(rng):
        while time.perf_counter() < deadline:
            await timed_get(session, tally, "pilot page", f"{base}/pilots/{rng.choice(pilots)}/")

    async def api_user(rng):
        while time.perf_counter() < deadline:
            await timed_get(session, tally, "API list", f"{base}/api/pilots/?page={rng.randint(1, 100)}")

    async def officer(rng, number: int):
        try:
            cookies = await sign_in(session, base, bench_email(number), BENCH_PASSWORD)
        except Exception as error:  # noqa: BLE001 - counted as an error of signing in
            tally.errors["sign in"].append(f"{type(error).__name__}: {error}")
            return
        own = own_pilots[number]
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            await timed(session, tally, "dashboard", "GET", f"{base}/dashboard/", 200, cookies)
            page = await timed(session, tally, "register: idea page", "GET", f"{base}/pilots/new/", 200, cookies)
            if page:
                token = CSRF_FIELD.search(page).group(1)
                where = await timed(session, tally, "register: post idea", "POST", f"{base}/pilots/new/", 302,
                                    cookies, data={"csrfmiddlewaretoken": token,
                                                   "title": f"Load test idea {number}-{n}: weekend bulky waste",
                                                   "problem": "Fly-tipping rises after bank holidays.",
                                                   "change": "A free weekend bulky-waste collection."})
                if where:
                    await timed(session, tally, "register: next question", "GET", base + where, 200, cookies)
            page = await timed(session, tally, "measure: upload page", "GET",
                               f"{base}/pilots/{own}/measure/upload/", 200, cookies)
            if page:
                import aiohttp

                form = aiohttp.FormData()
                form.add_field("csrfmiddlewaretoken", CSRF_FIELD.search(page).group(1))
                form.add_field("file", outcome_csv(rng), filename="outcomes.csv", content_type="text/csv")
                where = await timed(session, tally, "measure: upload CSV", "POST",
                                    f"{base}/pilots/{own}/measure/upload/", 302, cookies, data=form)
                if where:
                    await timed(session, tally, "measure: columns page", "GET", base + where, 200, cookies)
            await timed(session, tally, "own pilot page", "GET", f"{base}/pilots/{own}/", 200, cookies)

    coroutines = []
    for number in numbers:
        rng = random.Random(number)
        if number < SEARCHERS:
            coroutines.append(searcher(rng))
        elif number < SEARCHERS + READERS:
            coroutines.append(reader(rng))
        elif number < SEARCHERS + READERS + API_USERS:
            coroutines.append(api_user(rng))
        else:
            coroutines.append(officer(rng, number - (SEARCHERS + READERS + API_USERS)))
    return coroutines


def bench_data(database_url: str) -> tuple[list[int], dict[int, int]]:
    """1,000 published public pilots to read, and each bench officer's own running pilot."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        pilots = [pk for (pk,) in conn.execute(
            "SELECT id FROM pilots_pilot WHERE status = 'published' AND visibility = 'public' ORDER BY id")]
        own = dict(conn.execute(
            "SELECT substring(u.email from 'officer-([0-9]+)@')::int, p.id FROM councils_user u JOIN pilots_pilot p "
            "ON p.created_by_id = u.id WHERE u.email LIKE 'officer-%%@bench.example' AND p.status = 'running'"
        ).fetchall())
    step = max(1, len(pilots) // 1000)
    return pilots[::step][:1000], own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A mixed workload of 200 clients against gunicorn on PostgreSQL.")
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--pilots", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds the pilots")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                        help="gunicorn workers (default: `pilotbook serve`'s, WEB_CONCURRENCY or 2)")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--port-range", default="8300-8399")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    header(f"Mixed load: {CLIENTS} concurrent clients for {args.seconds:.0f} s at {args.pilots:,} pilots on PostgreSQL",
           "none: throughput and latency per page of one mixed run, and its errors (the goal: 0)")
    ensure_database(database_url, args.pilots, OFFICERS, args.reuse)
    pilots, own = bench_data(database_url)
    queries = [json.loads(line)["text"] for line in (HERE / "relevance" / "queries.jsonl").read_text().splitlines()
               if line]
    low, high = (int(x) for x in args.port_range.split("-"))
    with Server(database_url, free_port(low, high), workers=args.workers) as server:
        print(f"server: pilotbook serve --no-worker --workers {args.workers} (gunicorn, DJANGO_DEBUG=0) at "
              f"{server.base}; clients: aiohttp in {args.client_processes} processes on the same 2 cores")
        print(f"clients: {SEARCHERS} searching, {READERS} reading pilot pages, {API_USERS} on the API, {OFFICERS} "
              "signed-in officers registering pilots and measuring theirs")
        tally, elapsed = run_clients(make_clients, args.client_processes, CLIENTS, args.seconds,
                                     (server.base, pilots, own, queries))
        log_tail = server.tail(lines=10_000, skip_access=True)[-6000:]
    total = sum(len(times) for times in tally.times.values())
    errors = sum(len(errs) for errs in tally.errors.values())
    print(f"{total:,} requests in {elapsed:.0f} s: {total / elapsed:.1f} req/s, {errors} errors")
    for name in sorted(set(tally.times) | set(tally.errors)):
        print(summary_line(name, tally.times[name], tally.errors[name], elapsed))
    for name, errs in tally.errors.items():
        if errs:
            print(f"{name}: first error: {errs[0]}")
    if errors:
        print("--- the server's log, less its access lines ---\n" + log_tail)
    print(load_line())
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
