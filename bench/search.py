"""Evidence search at scale: 100,000 published pilots on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/search.py
    ... --pilots 10000        # a quicker run

Builds a throwaway database (the name in DATABASE_URL, dropped and created afresh), loads N published pilots
with results made by recombining the 158 realistic descriptions of bench/relevance/ across real councils, builds
the search index with the same service the app uses (pilotbook.evidence.index.search_reindex_all), then times
the 60 relevance-bench queries through search_pilots and "before you start" (similar_pilots), several rounds
each. Prints p50/p95 per kind and each p95 against its goal (search 50 ms, similar 100 ms) and the load+index
time against the import goal (60 s).

The load uses bulk inserts, not `pilotbook import` (which does not exist yet; see the issue note), so the
load+index figure is what the index build costs on top of inserting rows.
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


def load(n: int, seed: int = 7) -> float:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from pilotbook.councils.models import Council
    from pilotbook.evidence.index import search_reindex_all
    from pilotbook.pilots.choices import Status, Verdict
    from pilotbook.pilots.models import Pilot, Result

    call_command("migrate", verbosity=0)
    call_command("load_councils", verbosity=0)
    templates = [json.loads(line) for line in (HERE / "relevance" / "pilots.jsonl").read_text().splitlines() if line]
    councils = list(Council.objects.values_list("code", "name"))
    user = get_user_model().objects.create_user(email="bench@council.example", full_name="Bench", password=None)
    rng = random.Random(seed)
    verdicts = list(Verdict.values)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, n, 5000):
            pilots = []
            for i in range(start, min(n, start + 5000)):
                t = templates[i % len(templates)]
                code, name = councils[rng.randrange(len(councils))]
                pilots.append(Pilot(
                    council_id=code, created_by=user, title=f"{t['title']} ({name}, {2019 + i % 7})",
                    problem=t["problem"], change=t["change"], partners=t.get("partners", ""),
                    lessons_happened=t.get("lessons", ""), service_area=t["service_area"],
                    intervention_type=t["intervention_type"], outcome_name="Primary outcome", outcome_unit="points",
                    outcome_kind="binary", better_direction="higher", design="randomised_individual",
                    status=Status.PUBLISHED, visibility="public", published_at=now, registered_at=now,
                ))
            Pilot.objects.bulk_create(pilots)
            Result.objects.bulk_create(
                Result(pilot=p, estimate=1, ci_low=0, ci_high=2, verdict=rng.choice(verdicts)) for p in pilots)
    inserted = time.perf_counter() - started
    search_reindex_all()
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load; the planner needs the counts
        cursor.execute("ANALYZE")
    total = time.perf_counter() - started
    print(f"loaded {n:,} published pilots: insert {inserted:.1f} s, index {total - inserted:.1f} s, "
          f"total {total:.1f} s (goal {IMPORT_GOAL_S:.0f} s, {total / IMPORT_GOAL_S:.2f} of it)")
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


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
    args = parser.parse_args(argv)
    import django

    django.setup()
    fresh_database()
    load(args.pilots)
    timings = time_queries(args.rounds)
    for kind, values in timings.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        goal = GOALS_MS[kind]
        print(f"{kind:8} {len(values)} queries over {args.pilots:,} pilots: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(goal p95 < {goal:.0f} ms, {p95 / goal:.2f} of it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
