"""CPU per idea of "before you start", in-process, and the results it gives, to compare two versions of the code.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_bench .venv/bin/python bench/similar_cpu.py
    ... --dump before.json        # also write every idea's results (to compare with --compare)
    ... --compare before.json     # check this code gives the same results as the dump, idea by idea
    ... --profile 30              # the 30 most costly functions of the page (cProfile, cumulative)

Runs on a database bench/search.py built (100,000 case studies). For each of the relevance bench's 60 queries
(bench/relevance/queries.jsonl, the ideas bench/search.py times) it measures the CPU time this process spends
(time.process_time: Python's own work, not the database's, and not other processes on a shared machine) in
similar_pilots, and in the whole page (GET /evidence/before-you-start/?idea=..., signed out: first asked just after a
data change, so nothing cached is used, then asked again, as a reload or a shared link is), several rounds, and
prints the mean and p95 per idea, and the mean and p95 of each idea's least CPU over the rounds (the figure a
busy machine inflates least). The page is asked as gunicorn asks it (the WSGI application, DJANGO_DEBUG=0,
static files collected into a temporary folder: bench/request_cost.py's way).

The dump holds, for each idea, what similar_pilots gives (every pilot shown, in order, with its score, closeness,
label, near-duplicate and highlights; with the page's limit of 5 and with no limit) and the pilots the page lists
in order with their labels and closeness, so a change meant to save time only can be shown to change nothing else.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench._common import as_in_production, header, load_line, percentile  # noqa: E402
from bench._search_http import forget  # noqa: E402

_application = None


def page(idea: str) -> tuple[str, bytes]:
    """The page for `idea` as gunicorn's worker would answer it (status, body)."""
    global _application
    if _application is None:
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
    from bench.request_cost import environ

    chunks: list[bytes] = []
    status: list[str] = []
    body = _application(environ("/evidence/before-you-start/?" + urlencode({"idea": idea})),
                        lambda code, headers, exc_info=None: status.append(code))
    chunks.extend(body)
    if hasattr(body, "close"):
        body.close()
    return status[0], b"".join(chunks)


def _ideas() -> list[str]:
    return [json.loads(line)["text"] for line in (HERE / "relevance" / "queries.jsonl").read_text().splitlines()
            if line]


def _hit(hit) -> dict:
    return {"pilot": hit.pilot_id, "score": hit.score, "closeness": hit.closeness, "label": hit.label,
            "duplicate_of": hit.duplicate_of, "highlights": {k: str(v) for k, v in sorted(hit.highlights.items())}}


def results(ideas: list[str]) -> dict[str, dict]:
    """Each idea's results: similar_pilots with the page's limit and with none, and the page's pilots in order."""
    from django.contrib.auth.models import AnonymousUser

    from pilotbook.evidence.search import similar_pilots
    from pilotbook.pilots.models import Pilot

    visible = Pilot.objects.visible_to(AnonymousUser())
    out = {}
    for idea in ideas:
        status, body = page(idea)
        out[idea] = {
            "limit 5": [_hit(h) for h in similar_pilots(idea, queryset=visible, limit=5)],
            "no limit": [_hit(h) for h in similar_pilots(idea, queryset=visible, limit=0)],
            "page": [[int(pk), label, float(score)] for pk, label, score in re.findall(
                r'data-pilot="(\d+)" data-closeness="(\w+)" data-score="([\d.]+)"', body.decode())],
            "page status": status,
        }
    return out


def cpu_per_idea(ideas: list[str], rounds: int) -> dict[str, list[float]]:
    """CPU ms this process spends per idea: in similar_pilots, and in the whole page (WSGI)."""
    from django.contrib.auth.models import AnonymousUser

    from pilotbook.evidence.search import similar_pilots
    from pilotbook.pilots.models import Pilot

    visible = Pilot.objects.visible_to(AnonymousUser())
    for idea in ideas[:5]:  # code, caches and templates warmed once
        similar_pilots(idea, queryset=visible, limit=5)
        page(idea)
    cpu: dict[str, list[float]] = {"similar_pilots": [], "page": [], "page again": []}
    for _ in range(rounds):
        for idea in ideas:
            started = time.process_time()
            similar_pilots(idea, queryset=visible, limit=5)
            cpu["similar_pilots"].append(1000 * (time.process_time() - started))
            forget()
            started = time.process_time()
            page(idea)
            cpu["page"].append(1000 * (time.process_time() - started))
            started = time.process_time()
            page(idea)
            cpu["page again"].append(1000 * (time.process_time() - started))
    return cpu


def profile(ideas: list[str], top: int) -> None:
    for idea in ideas[:5]:
        page(idea)
    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting for the database
    for idea in ideas:
        forget()  # each page as first asked after a data change (nothing cached)
        profiler.enable()
        page(idea)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def compare(dumped: dict, now: dict) -> int:
    differ = [idea for idea in dumped if dumped[idea] != now.get(idea)]
    shown = sum(len(r["no limit"]) for r in now.values())
    print(f"compared {len(dumped)} ideas ({shown} pilots shown with no limit, "
          f"{sum(len(r['page']) for r in now.values())} on the pages): {len(differ)} differ")
    for idea in differ[:5]:
        print(f"  differs: {idea!r}")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description='CPU per idea of "before you start", and its results.')
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every idea's results here")
    parser.add_argument("--compare", type=Path, help="check the results are the ones dumped here")
    parser.add_argument("--profile", type=int, metavar="N", help="print the N most costly functions of the page")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/similar_cpu.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    as_in_production("similar")
    import django

    header('"Before you start": CPU per idea in-process (time.process_time) over the 60 bench ideas',
           "the same ideas on the same database before and after a change; CPU, not wall-clock time")
    django.setup()
    ideas = _ideas()
    if args.profile:
        profile(ideas, args.profile)
        return 0
    status = 0
    if args.dump or args.compare:
        now = results(ideas)
        if args.dump:
            args.dump.write_text(json.dumps(now, indent=1, sort_keys=True))
            print(f"wrote {len(now)} ideas' results to {args.dump}")
        if args.compare:
            status = compare(json.loads(args.compare.read_text()), now)
    cpu = cpu_per_idea(ideas, args.rounds)
    for what, values in cpu.items():
        # Each idea's least CPU over the rounds: what other processes' load inflates least (caches, shared cores).
        least = [min(values[i::len(ideas)]) for i in range(len(ideas))]
        print(f"{what:15} CPU per idea over {len(values)} ({len(ideas)} ideas x {args.rounds}): "
              f"mean {statistics.mean(values):.1f} ms, p50 {statistics.median(values):.1f} ms, "
              f"p95 {percentile(values, 0.95):.1f} ms; each idea's least of its rounds: "
              f"mean {statistics.mean(least):.1f} ms, p95 {percentile(least, 0.95):.1f} ms")
    print(load_line())
    return status


if __name__ == "__main__":
    raise SystemExit(main())
