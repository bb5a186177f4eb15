"""Evidence search at scale: 100,000 published pilots on PostgreSQL, in the search functions and through HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/search.py
    ... --pilots 10000        # a quicker run
    ... --reuse               # keep the database the last run built (no import timed)
    ... --port 8200 --clients 4 --seconds 20   # the HTTP part (--no-http to leave it out)

Builds a throwaway database (the name in DATABASE_URL, dropped and created afresh), writes N case studies as
JSON Lines by recombining the 158 realistic descriptions of bench/relevance/ across real councils, and imports
them with `pilotbook import`'s own functions (read, check every record, insert, index), timed against the import
goal (60 s). Then it times the 60 relevance-bench queries through search_pilots and "before you start"
(similar_pilots), several rounds each, and prints p50/p95 per kind with each p95 against its goal (search 50 ms,
similar 100 ms).

The HTTP part serves the app with `pilotbook serve` (gunicorn as in production: DJANGO_DEBUG=0, collected static
files, its 2 workers of 4 threads) and has a few
concurrent clients fetch each kind of evidence page for a while: /evidence/ with no query (its first page and
pages further on), with a query, with facets (with and without a query), "before you start" for an idea, and
Django's own 404 page on the same server as the baseline (the bare framework). Each kind is timed cold (every
address once, each just after a data change: a new data version and no kept counts, so nothing cached is used,
as for the first visitor after any save), new at once (the clients together, each address once after a data change,
so each request is the first for its address: several people asking different new things at the same moment) and
warm (every address built once, then asked again by the clients).
It prints p50/p95 per kind against its goal (evidence pages p95 150 ms, before you start 100 ms), the queries
and database time each page kind takes (in-process, through Django's test client, after a data change), and
checks that the page's count is the number of matches and that the export holds them all.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")

from bench._common import header, load_line, percentile  # noqa: E402

GOALS_MS = {"search": 50.0, "similar": 100.0}
IMPORT_GOAL_S = 60.0


def fresh_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def write_case_studies(n: int, path: Path, seed: int = 7) -> None:
    """N case-study records (JSON Lines, the `pilotbook import` format) recombining the bench's descriptions."""
    from pilotbook.councils.models import Council
    from pilotbook.pilots.choices import MEASURED_VERDICTS

    templates = [json.loads(line) for line in (HERE / "relevance" / "pilots.jsonl").read_text().splitlines() if line]
    councils = list(Council.objects.values_list("code", "name"))
    rng = random.Random(seed)
    verdicts = [verdict.value for verdict in MEASURED_VERDICTS]  # not_reported has no effect to give
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            t = templates[i % len(templates)]
            code, name = councils[rng.randrange(len(councils))]
            estimate = round(rng.uniform(-5, 5), 2)
            out.write(json.dumps({
                "external_id": f"bench-{i}", "title": f"{t['title']} ({name}, {2019 + i % 7})",
                "council_code": code, "problem": t["problem"], "change": t["change"],
                "partners": t.get("partners", ""), "service_area": t["service_area"],
                "intervention_type": t["intervention_type"], "visibility": "public",
                "verdict": rng.choice(verdicts), "lessons": t.get("lessons") or "None recorded.",
                "effect": {"estimate": estimate, "ci_low": estimate - 2, "ci_high": estimate + 2},
                "source_url": f"https://case-studies.example/{i}",
            }) + "\n")


def load(n: int) -> float:
    """Import N case studies with `pilotbook import`'s own code (read, check, insert, index); seconds taken."""
    import tempfile

    from django.core.management import call_command
    from django.db import connection

    from pilotbook.api.importing import import_records, read_records

    call_command("migrate", verbosity=0)
    call_command("load_councils", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case-studies.jsonl"
        write_case_studies(n, path)
        started = time.perf_counter()
        records = read_records(path)
        read = time.perf_counter() - started
        report = import_records(records)
        total = time.perf_counter() - started
    assert len(report.published) == n
    print(f"imported {n:,} case studies with pilotbook import: read {read:.1f} s, check+insert+index "
          f"{total - read:.1f} s, total {total:.1f} s (goal {IMPORT_GOAL_S:.0f} s, {total / IMPORT_GOAL_S:.2f} of it)")
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load, done now so it is not timed
        cursor.execute("VACUUM ANALYZE")
    return total


def time_queries(rounds: int) -> dict[str, list[float]]:
    from django.contrib.auth.models import AnonymousUser

    from pilotbook.evidence.search import search_pilots, similar_pilots
    from pilotbook.pilots.models import Pilot

    queries = [json.loads(line)["text"] for line in (HERE / "relevance" / "queries.jsonl").read_text().splitlines()
               if line]
    visible = Pilot.objects.visible_to(AnonymousUser())
    timings: dict[str, list[float]] = {"search": [], "similar": []}
    for q in queries[:5]:  # warm the caches once
        search_pilots(q, queryset=visible, limit=20)
    for _ in range(rounds):
        for q in queries:
            started = time.perf_counter()
            search_pilots(q, queryset=visible, limit=20)
            timings["search"].append(1000 * (time.perf_counter() - started))
            started = time.perf_counter()
            similar_pilots(q, queryset=visible, limit=5)
            timings["similar"].append(1000 * (time.perf_counter() - started))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evidence search latency at scale on PostgreSQL.")
    parser.add_argument("--pilots", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the database the last run built")
    parser.add_argument("--no-http", action="store_true", help="leave out the HTTP part")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="per page kind")
    parser.add_argument("--kinds", nargs="*", help="only these page kinds (bench/_search_http.py names them)")
    args = parser.parse_args(argv)
    import django

    header("Evidence search at scale on PostgreSQL: import, search, before you start, evidence pages over HTTP",
           "each figure against its goal in issue 19 (import 60 s, search p95 50 ms, similar p95 100 ms, evidence "
           "pages p95 150 ms, before you start p95 100 ms); over HTTP, Django's own 404 page on the same server")
    django.setup()
    if not args.reuse:
        fresh_database()
        load(args.pilots)
    else:  # a database kept from an older checkout gets this one's migrations first, as an upgrade would
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    timings = time_queries(args.rounds)
    for kind, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        goal = GOALS_MS[kind]
        print(f"{kind:8} {len(values)} queries over {args.pilots:,} pilots: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(goal p95 < {goal:.0f} ms, {p95 / goal:.2f} of it)")
    if not args.no_http:
        from bench import _search_http

        _search_http.run(args.port, args.clients, args.seconds, args.kinds)
    print(load_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
