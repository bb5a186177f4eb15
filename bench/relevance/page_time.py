"""How long a pilot's page takes with "Similar pilots elsewhere", on the 452 starter case studies.

    .venv/bin/python bench/relevance/page_time.py                 # a throwaway SQLite database in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_pagetime .venv/bin/python bench/relevance/page_time.py

Publishes every starter case study through the real lifecycle (as tests/evidence/collection.load_starter does; on
PostgreSQL the database named in DATABASE_URL is dropped and created afresh), then renders each of `--pages`
pilots' pages several times as the public and prints the page's p50/p95 with the section, the section alone
(similar_elsewhere) and the page's time without it as the baseline ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.append(str(ROOT / "bench"))
    from _common import header, load_line

    header("A pilot page's time with 'Similar pilots elsewhere' on the starter case studies",
           "the same pages rendered without the section")
    folder = tempfile.mkdtemp(prefix="pilotbook-pagetime-")
    if "DATABASE_URL" not in os.environ:
        os.environ["PILOTBOOK_DATA_DIR"] = folder
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        sys.path.insert(0, str(ROOT / "bench"))
        from search import fresh_database

        fresh_database()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from pilotbook.pilots.models import Pilot
    from pilotbook.pilots.views.detail import similar_elsewhere
    from tests.evidence.collection import bench_module, load_starter

    bench = bench_module()
    started = time.perf_counter()
    load_starter(bench, [r["external_id"] for r in bench.load_records()])
    print(f"{settings.DATABASES['default']['ENGINE']}; after publishing: {load_line()}")
    print(f"published {Pilot.objects.count()} case studies in {time.perf_counter() - started:.0f} s")
    client = Client()
    pilots = list(Pilot.objects.order_by("pk")[:: max(1, Pilot.objects.count() // args.pages)][: args.pages])
    page, section = [], []
    anonymous = AnonymousUser()
    for _ in range(args.rounds):
        for pilot in pilots:
            t = time.perf_counter()
            response = client.get(pilot.get_absolute_url())
            page.append(1000 * (time.perf_counter() - t))
            assert response.status_code == 200 and b'id="similar"' in response.content
            t = time.perf_counter()
            similar_elsewhere(pilot, anonymous)
            section.append(1000 * (time.perf_counter() - t))

    def p(values, q):
        return statistics.quantiles(values, n=100)[q - 1]

    without = [a - b for a, b in zip(page, section, strict=True)]
    print(f"{len(page)} renders of {len(pilots)} pilot pages:")
    print(f"  page with 'Similar pilots elsewhere'  p50 {p(page, 50):6.1f} ms  p95 {p(page, 95):6.1f} ms")
    print(f"  the section alone                      p50 {p(section, 50):6.1f} ms  p95 {p(section, 95):6.1f} ms")
    print(f"  page without it (baseline)            p50 {p(without, 50):6.1f} ms  p95 {p(without, 95):6.1f} ms")
    print(f"  ratio with / without (p50)            {p(page, 50) / p(without, 50):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
