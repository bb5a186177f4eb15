"""Cold evidence pages in-process: database time and buffers per page kind, steadier than wall-clock over HTTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/cold_pages.py
    ... --kinds query "query and facets" --pages 20 --each     # some kinds, 20 addresses each, a line per page

Asks up to --pages addresses of each of bench/_search_http.py's page kinds through Django's test client, each just
after a data change (its forget(): a new data version and no kept counts, as for the first visitor after a save),
on the database bench/search.py built (--reuse). Per kind: queries, database time (connection.queries), process
CPU, and the buffers PostgreSQL touched (pg_stat_database of this database: close a concurrent run on the same
database, and autovacuum, to keep them exact). Buffers do not move with the machine's load; times do.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")


def _buffers(connection) -> int:
    """Buffers read or found in memory in this database so far (its statistics flushed first)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # a new statement: the flush above has happened
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cold evidence pages in-process: database time and buffers.")
    parser.add_argument("--kinds", nargs="*", help="only these page kinds (bench/_search_http.py names them)")
    parser.add_argument("--pages", type=int, default=20, help="addresses asked per kind (a kind with one: repeats)")
    parser.add_argument("--each", action="store_true", help="a line per page too")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    from bench._common import header, load_line
    from bench._search_http import forget, page_kinds

    if connection.vendor != "postgresql":
        sys.exit("bench/cold_pages.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    client, rng = Client(), random.Random(5)
    header("Cold evidence pages in-process: queries, database time, CPU and buffers per page kind",
           "none in the run: the same addresses on the same database before and after a change (bench/search.py "
           "times the pages over HTTP against Django's 404 page and the goal)")
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["*"]):
        for kind, paths in page_kinds().items():
            if (args.kinds and kind not in args.kinds) or kind in ("before you start", "404 (baseline)"):
                continue
            client.get(paths[0])  # code and templates warmed once
            chosen = rng.sample(paths, min(args.pages, len(paths))) if len(paths) > 1 else paths * args.pages
            database, cpu, buffers, queries = [], [], [], []
            for path in chosen:
                forget()
                before = _buffers(connection)
                reset_queries()
                started = time.process_time()
                status = client.get(path).status_code
                cpu.append(1000 * (time.process_time() - started))
                database.append(1000 * sum(float(q["time"]) for q in connection.queries))
                queries.append(len(connection.queries))
                buffers.append(_buffers(connection) - before)
                if status != 200:
                    sys.exit(f"{path} answered {status}")
                if args.each:
                    print(f"    {buffers[-1]:8,} buffers {database[-1]:7.1f} ms database  {path}")
            print(f"  {kind:22} {len(chosen):3} pages, {statistics.median(queries):.0f} queries: database p50 "
                  f"{statistics.median(database):6.1f} ms (max {max(database):6.1f}), Python CPU p50 "
                  f"{statistics.median(cpu):5.1f} ms, buffers p50 {statistics.median(buffers):8,.0f} "
                  f"(max {max(buffers):8,})")
    print(load_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
