"""Pages at national scale: a pilot page, the evidence search and the API list against the bare 404 page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/pages.py
    ... --reuse              # keep the database if it already holds the pilots (building takes about 2 minutes)
    ... --seconds 10         # per page (default 20)
    ... --as officer         # signed in as a council officer (each client signs in once, through the sign-in page)

Builds (or with --reuse keeps) a PostgreSQL database with 100,000 published case studies (bench/search.py's
generator, imported with `pilotbook import`'s own code), the demo pilots and bench officers; serves it with
`pilotbook serve --no-worker` (gunicorn, DJANGO_DEBUG=0, after collectstatic: as production runs); then, one page
at a time, 32 concurrent clients (aiohttp, keep-alive, in one client process) ask for it as fast as it answers
for a fixed time, split into rounds in which the pages take turns (so each meets the same background load), each
slice after a short warm-up. Before that, each address is asked for once, one at a time (the first visitor's wait,
printed: nothing is cached yet). Pages:

- the 404 page (an address nothing answers: the framework's own not-found path, rendered with the site's layout);
- a published pilot page, in turn over 50 published pilots (the 8 public demo pilots and 42 case studies);
- the evidence search, /evidence/?q=..., in turn over the 60 queries of bench/relevance/queries.jsonl;
- the API list, /api/pilots/.

It prints each page's requests per second, p50 and p95, and its requests per second as a share of the 404 page's
(the goal: at least 0.50, with p95 under 100 ms). The clients run on the same 2 cores as the server and the
database, so every figure is what the machine does with both; their CPU time is printed to show its share.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._common import header, load_line  # noqa: E402
from bench._http import (  # noqa: E402
    BENCH_PASSWORD,
    Server,
    Tally,
    bench_email,
    ensure_database,
    free_port,
    percentile,
    run_clients,
    sign_in,
    timed_get,
)

CLIENTS = 32
SIGN_IN_AT_ONCE = 4
GOAL_SHARE = 0.50
GOAL_P95_MS = 100.0


def pilot_paths(database_url: str) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        demo = conn.execute("SELECT id FROM pilots_pilot WHERE is_demo AND status = 'published' AND visibility = "
                            "'public' ORDER BY id").fetchall()
        studies = conn.execute("SELECT id FROM pilots_pilot WHERE NOT is_demo AND status = 'published' AND "
                               "visibility = 'public' AND external_id LIKE 'bench-%%' ORDER BY id").fetchall()
    step = max(1, len(studies) // 42)
    return [f"/pilots/{pk}/" for (pk,) in demo + studies[::step][:50 - len(demo)]]


def forget_cached_pages(database_url: str) -> None:
    """Empty the table of cached page parts, so the first requests find nothing cached (as after a deployment)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM pilotbook_page_cache")


def search_paths() -> list[str]:
    from urllib.parse import urlencode

    queries = [json.loads(line)["text"] for line in (HERE / "relevance" / "queries.jsonl").read_text().splitlines()
               if line]
    return ["/evidence/?" + urlencode({"q": q}) for q in queries]


def make_clients(session, tally: Tally, deadline: float, numbers: list[int], base: str, name: str,
                 paths: list[str], expect: int, headers: list[dict]):
    async def client(number: int):
        i = number
        while time.perf_counter() < deadline:
            await timed_get(session, tally, name, base + paths[i % len(paths)], expect=expect,
                            headers=headers[number])
            i += 1

    return [client(number) for number in numbers]


def signed_in_headers(base: str, signed_in: bool) -> list[dict]:
    """Each client's Cookie header: signed in once each, through the sign-in page, before anything is timed (as
    the officers of `--as officer`), or none."""
    headers = [{} for _ in range(CLIENTS)]
    if not signed_in:
        return headers

    async def some(session, first):
        for number in range(first, CLIENTS, SIGN_IN_AT_ONCE):
            headers[number] = (await sign_in(session, base, bench_email(number), BENCH_PASSWORD)).header()

    def make(session, tally, deadline, numbers):
        return [some(session, first) for first in numbers]

    # A few at a time: each sign-in hashes a password (about a second of CPU on a busy machine), and 32 at once
    # could take longer than a client waits for an answer; signing in is not what is measured.
    run_clients(make, 1, SIGN_IN_AT_ONCE, 0, ())
    return headers


def first_pass(base: str, name: str, paths: list[str], expect: int, headers: dict) -> list[float]:
    """Each address once, one at a time: what the first visitor of each waits (nothing cached yet)."""
    async def one_client(session, tally: Tally, deadline: float, numbers: list[int]):
        for path in paths:
            await timed_get(session, tally, name, base + path, expect=expect, headers=headers)

    def make(session, tally, deadline, numbers):
        return [one_client(session, tally, deadline, numbers)]

    tally, _elapsed = run_clients(make, 1, 1, 0, ())
    if tally.errors[name]:
        raise RuntimeError(f"{name}: {tally.errors[name][0]}")
    return tally.times[name]


def drive(base: str, name: str, paths: list[str], expect: int, seconds: float, warmup: float,
          headers: list[dict]) -> tuple[Tally, float, float]:
    """Warm up, then CLIENTS clients for `seconds`; the tally, the seconds measured and the clients' CPU seconds."""
    run_clients(make_clients, 1, CLIENTS, warmup, (base, name, paths, expect, headers))
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    tally, elapsed = run_clients(make_clients, 1, CLIENTS, seconds, (base, name, paths, expect, headers))
    after = resource.getrusage(resource.RUSAGE_SELF)
    return tally, elapsed, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pages against the bare 404 page, 32 clients, on PostgreSQL.")
    parser.add_argument("--pilots", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds the pilots")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each slice")
    parser.add_argument("--rounds", type=int, default=4, help="the pages take turns this many times")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                        help="gunicorn workers (default: `pilotbook serve`'s, WEB_CONCURRENCY or 2)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: pilotbook serve's)")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false",
                        help="serve without gunicorn's access log (default: with it, as pilotbook serve runs)")
    parser.add_argument("--as", dest="who", choices=("anonymous", "officer"), default="anonymous")
    parser.add_argument("--port-range", default="8300-8399")
    parser.add_argument("--only", nargs="*", help="page names to run (404 always runs)")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("bench/pages.py measures PostgreSQL: set DATABASE_URL=postgres://...")

    header(f"Pages at {args.pilots:,} pilots on PostgreSQL, {CLIENTS} concurrent clients, {args.who}",
           f"Django's 404 page on the same gunicorn server, same clients, same run (goal: each page >= "
           f"{GOAL_SHARE:.2f} of its req/s, p95 < {GOAL_P95_MS:.0f} ms)")
    ensure_database(database_url, args.pilots, CLIENTS, args.reuse)
    pages = [
        ("404 page", ["/no-such-page-bench/"], 404),
        ("pilot page", pilot_paths(database_url), 200),
        ("evidence search", search_paths(), 200),
        ("API list", ["/api/pilots/"], 200),
    ]
    if args.only:
        pages = [page for page in pages if page[0] == "404 page" or page[0] in args.only]
    low, high = (int(x) for x in args.port_range.split("-"))
    forget_cached_pages(database_url)
    signed_in = args.who == "officer"
    tallies = {name: Tally() for name, _paths, _expect in pages}
    spent = dict.fromkeys(tallies, 0.0)
    client_cpu = dict.fromkeys(tallies, 0.0)
    with Server(database_url, free_port(low, high), workers=args.workers, threads=args.threads,
                access_log=args.access_log) as server:
        print(f"server: pilotbook serve --no-worker --workers {args.workers}"
              f"{f' --threads {args.threads}' if args.threads else ''}{'' if args.access_log else ' --no-access-log'}"
              f" (gunicorn, DJANGO_DEBUG=0) at "
              f"{server.base}; clients: aiohttp, 1 process on the same machine")
        headers = signed_in_headers(server.base, signed_in)
        for name, paths, expect in pages:
            cold = first_pass(server.base, name, paths, expect, headers[0])
            print(f"{name}: first request of each of its {len(paths)} addresses, one at a time, nothing cached: "
                  f"p50 {1000 * percentile(cold, 0.5):.1f} ms, max {1000 * max(cold):.1f} ms")
        # The pages take turns, a slice each per round, so each meets the same background load of the machine.
        for _round in range(args.rounds):
            for name, paths, expect in pages:
                tally, elapsed, cpu = drive(server.base, name, paths, expect, args.seconds / args.rounds,
                                            args.warmup, headers)
                tallies[name].merge(tally)
                spent[name] += elapsed
                client_cpu[name] += cpu
        for name in tallies:
            if tallies[name].errors[name]:
                print(f"{name}: {len(tallies[name].errors[name])} errors, first: {tallies[name].errors[name][0]}")
        if any(tally.errors[name] for name, tally in tallies.items()):
            print("--- the server's log, less its access lines ---")
            print(server.tail(lines=10_000, skip_access=True)[-6000:])
    results = []
    for name, tally in tallies.items():
        times, errors = tally.times[name], tally.errors[name]
        results.append((name, len(times) / spent[name], percentile(times, 0.5), percentile(times, 0.95), errors,
                        client_cpu[name] / spent[name]))
    baseline = results[0][1]
    print(f"{'page':16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'share of 404':>13} {'clients CPU':>12}  goal")
    ok = True
    for name, rate, p50, p95, errors, client_share in results:
        share = rate / baseline if baseline else 0.0
        meets = (name == "404 page") or (share >= GOAL_SHARE and 1000 * p95 < GOAL_P95_MS)
        ok &= meets and not errors
        goal = "baseline" if name == "404 page" else ("met" if meets else "NOT met")
        print(f"{name:16} {rate:8.1f} {1000 * p50:8.1f} {1000 * p95:8.1f} {share:13.2f} {client_share:11.0%}  "
              f"{goal}{f'  ({len(errors)} errors)' if errors else ''}")
    print(f"clients CPU: the load generator's CPU time over the run, as a share of one core (2 cores in all); "
          f"{load_line()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
