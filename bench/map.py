"""Benchmark the partner map with 20,000 partner locations: the map's data must load in under 300 ms, the
coverage page in under 500 ms, and the map page (which checks every location against the council's outline,
ADR 0013) in under 800 ms on PostgreSQL. The bench council takes Wealden's code, so it has Wealden's outline;
its random locations fall about half inside it, so the check and its 500 m margin both have work to do.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_partners .venv/bin/python bench/map.py

Works in a throwaway test database (created and dropped here), so it never touches real data. Prints the
median and worst of several timed requests through Django's test client (whole request: middleware, query,
JSON or template), and the ratio to each target.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

LOCATIONS = 20_000
RUNS = 7
TARGETS_MS = {"map data (map.json)": 300, "coverage page": 500, "map page": 800, "outline (geojson)": 50}
CODE = "WEA"  # Wealden's code, for its outline; the throwaway database holds no other council


def populate() -> Client:
    from pilotbook.councils.models import Council, Membership, User
    from pilotbook.partners.choices import Frequency, ResidentGroup
    from pilotbook.partners.models import Location, Partner, Sector, Touchpoint

    rng = random.Random(20)  # noqa: S311 - reproducible fake data
    council = Council.objects.create(code=CODE, name="Benchshire", official_name="Benchshire Council",
                                     nation="England", authority_type="NMD", authority_type_name="District")
    user = User.objects.create_user("bench@council.example", "bench-password-123", full_name="Bench Officer")
    Membership.objects.create(user=user, council=council)
    sectors = list(Sector.objects.filter(council=None))
    groups, frequencies = list(ResidentGroup.values), list(Frequency.values)
    partners = Partner.objects.bulk_create(
        [Partner(council=council, name=f"Partner {i:05d}", sector=rng.choice(sectors),
                 can_refer=rng.random() < 0.4, visits_homes=rng.random() < 0.2) for i in range(LOCATIONS)],
        batch_size=2000)
    Location.objects.bulk_create(
        [Location(partner=p, latitude=50.8 + rng.random() * 0.4, longitude=-0.1 + rng.random() * 0.5,
                  postal_code="TN22 1AA") for p in partners], batch_size=2000)
    Touchpoint.objects.bulk_create(
        [Touchpoint(partner=p, group=g, frequency=rng.choice(frequencies))
         for p in partners for g in rng.sample(groups, rng.randint(1, 3))], batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    return client


def timed(client: Client, url: str) -> list[float]:
    client.get(url)  # warm: templates compiled, connection open
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        client = populate()
        print(f"{connection.vendor}: {LOCATIONS:,} partner locations loaded in {time.perf_counter() - started:.1f} s")
        urls = {"map data (map.json)": reverse("partner-map-data", args=[CODE]),
                "coverage page": reverse("partner-coverage", args=[CODE]),
                "map page": reverse("partner-map", args=[CODE]),
                "outline (geojson)": reverse("council-outline", args=[CODE])}
        points = len(client.get(urls["map data (map.json)"]).json()["points"])
        assert points == LOCATIONS, points
        failed = False
        for name, url in urls.items():
            times = timed(client, url)
            median, worst, target = statistics.median(times), max(times), TARGETS_MS[name]
            failed |= median > target
            print(f"{name:22} median {median:7.1f} ms  worst {worst:7.1f} ms  target {target} ms  "
                  f"ratio {median / target:.2f}  {'OK' if median <= target else 'TOO SLOW'}")
        filtered = timed(client, urls["map data (map.json)"] + "?group=older_people")
        print(f"{'map data, one group':22} median {statistics.median(filtered):7.1f} ms")
        from pilotbook.councils.models import Council
        from pilotbook.partners import placement

        started = time.perf_counter()
        problems = placement.location_problems(Council.objects.get(pk=CODE))
        print(f"{'area check alone':22} {(time.perf_counter() - started) * 1000:7.1f} ms  "
              f"({problems.outside_count:,} of {LOCATIONS:,} locations outside the outline)")
        return 1 if failed else 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
