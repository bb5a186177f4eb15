"""The evidence facets counted two ways in the same run, alternated: by GROUPING SETS over the matching pilots
joined with their results and councils (the baseline: what selectors did before facet cells, still its fallback)
and by facet cell (pilotbook.evidence.facetcells). Checks both give the same counts; prints the medians of 5 each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a database bench/search.py built> .venv/bin/python \\
        bench/facet_counts.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")


def _same(a, b) -> bool:
    return a[0] == b[0] and {k: sorted(v, key=repr) for k, v in a[1].items()} == {
        k: sorted(v, key=repr) for k, v in b[1].items()}


def main() -> int:
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser

    from pilotbook.evidence import selectors
    from pilotbook.evidence.search import Matches

    user = AnonymousUser()
    by_cell = selectors._facet_counts_by_cell
    released = selectors.released(user)
    cases = {"no query": released,
             "service_area=waste": selectors._apply(released, {"service_area": "waste"}, user),
             "q=arrears": Matches("arrears", queryset=released).queryset,
             "q=council tax reminders": Matches("council tax reminders", queryset=released).queryset}
    for name, queryset in cases.items():
        took: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(5):
            found = {}
            for which in ("before", "after"):
                selectors._facet_counts_by_cell = (lambda *_: None) if which == "before" else by_cell
                started = time.perf_counter()
                found[which] = selectors._facet_counts_grouped(queryset, user)
                took[which].append(1000 * (time.perf_counter() - started))
            assert _same(found["before"], found["after"]), name
        before, after = statistics.median(took["before"]), statistics.median(took["after"])
        print(f"{name:24} {found['after'][0]:7,} pilots: GROUPING SETS (baseline) {before:7.1f} ms, by facet cell "
              f"{after:6.1f} ms, {before / after:.1f} times faster (same counts)")
    print("load average " + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
