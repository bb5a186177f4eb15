"""Where `pilotbook import` spends its CPU: the bench's case studies imported in-process into a fresh database (the
one DATABASE_URL names, dropped and created afresh, as bench/search.py does), timed in CPU seconds and optionally
profiled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pilotbook_import_bench .venv/bin/python bench/import_profile.py
    ... --pilots 20000          # how many case studies (bench/search.py's records, the same seed)
    ... --profile 30            # cProfile both threads (the checking one and the writer) and print the top 30
    ... --dump                  # import for real (committed) and print an md5 of what it wrote (see `dump`)
    ... --varied                # every fifth record made one of the other kinds (see `vary`)

Wall-clock time on a shared machine says more about the neighbours than the code; CPU time (time.process_time,
every thread of this process) is what a change to the import's Python changes. It prints that, each thread's
share (time.thread_time), and the CPU of the import's PostgreSQL backend (its /proc stat: NaN when the server is
on another machine), which is not the process's. bench/search.py times the whole import, wall-clock, against its
goal.

The writer thread (pilotbook.api.importing.copying.Writer) does part of the Python work (facet cells, COPY rows,
search features); with --profile it runs under its own profiler and the two profiles are printed together.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotbook.config.settings")

from bench._common import header, load_line  # noqa: E402

# What the import writes, in an order and form that does not depend on ids or the time it ran: each query's rows
# are hashed (COPY ... TO STDOUT) and the md5s printed, one per table, then one of them all.
DUMPS = {
    "search documents": "SELECT p.external_id, d.title, d.problem, d.change, d.lessons, d.partners, d.council, "
                        "d.facets, d.vector::text FROM evidence_searchdocument d JOIN pilots_pilot p "
                        "ON p.id = d.pilot_id ORDER BY p.external_id",
    "facet cells": "SELECT key, service_area, intervention_type, verdict, design, organisation, country, year, "
                   "nation, council_type, anonymous FROM evidence_facetcell ORDER BY key",
    "pilots' cells": "SELECT p.external_id, f.key FROM pilots_pilot p LEFT JOIN evidence_facetcell f "
                     "ON f.id = p.facet_cell ORDER BY p.external_id",
    "search terms": "SELECT term, doc_count FROM evidence_searchterm ORDER BY term",
    "index state": "SELECT doc_count, len_title, len_problem, len_change, len_lessons, len_partners, len_council, "
                   "len_facets, thesaurus_version FROM evidence_searchindexstate",
    "pilots": "SELECT to_jsonb(p) - 'id' - 'created_at' - 'updated_at' - 'published_at' - 'facet_cell' "
              "FROM pilots_pilot p ORDER BY p.external_id",
    "results": "SELECT p.external_id, to_jsonb(r) - 'id' - 'pilot_id' - 'recorded_at' - 'first_recorded_at' "
               "FROM pilots_result r JOIN pilots_pilot p ON p.id = r.pilot_id ORDER BY p.external_id",
    "joint councils": "SELECT p.external_id, j.council_id FROM pilots_pilot_joint_councils j JOIN pilots_pilot p "
                      "ON p.id = j.pilot_id ORDER BY 1, 2",
}


def dump() -> None:
    """An md5 per table of what the import wrote (ids and times left out), and of them all."""
    from django.db import connection

    everything = hashlib.md5()  # noqa: S324 (a checksum, not security)
    with connection.cursor() as wrapper:
        for name, sql in DUMPS.items():
            digest = hashlib.md5()  # noqa: S324
            with wrapper.cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    digest.update(block)
            wrapper.execute(f"SELECT count(*) FROM ({sql}) q")  # noqa: S608 (constant queries)
            rows = wrapper.fetchone()[0]
            everything.update(digest.digest())
            print(f"  {name:16} {rows:7,} rows  md5 {digest.hexdigest()}")
    print(f"  {'all':16} {'':12}  md5 {everything.hexdigest()}")


def vary(path: Path) -> None:
    """Every fifth of bench/search.py's records made another kind, so a dump covers more than one council's
    measured case study: joint councils, an organisation abroad, a council's name withheld, lessons in four parts,
    the effect in words, a verdict of not_reported, a draft (not indexed), and accents and stop words."""
    import json

    lines = path.read_text(encoding="utf-8").splitlines()
    kinds = [
        lambda r, i: r.update(council_codes=[r.pop("council_code"), "BIR", "MAN"][: 2 + i % 2]),
        lambda r, i: r.pop("council_code") and r.update(organisation=f"Caf\u00e9 Trust {i % 13}", country="FR"),
        lambda r, i: r.update(visibility="public_anonymous"),
        lambda r, i: r.update(lessons={"aim": "To see", "happened": "It did", "why": "The bins",
                                       "differently": r["lessons"]}),
        lambda r, i: r.update(effect="About a fifth fewer missed bins, the source says."),
        lambda r, i: r.update(verdict="not_reported", effect=None),
        lambda r, i: [r.pop(key) for key in ("verdict", "effect", "visibility")],
        lambda r, i: r.update(title=r["title"] + " \u2014 na\u00efve r\u00e9sum\u00e9 of the and a"),
    ]
    out = []
    for i, line in enumerate(lines):
        record = json.loads(line)
        if i % 5 == 4:
            kinds[(i // 5) % len(kinds)](record, i)
        out.append(json.dumps(record))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _cpu_of(stat: Path) -> float:
    """User and system CPU seconds of a process on this machine (its /proc stat), NaN when it cannot be read."""
    try:
        fields = stat.read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU time of pilotbook import, in-process.")
    parser.add_argument("--pilots", type=int, default=20_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the top N functions")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--dump", action="store_true", help="the import committed, md5s printed")
    parser.add_argument("--varied", action="store_true", help="every fifth record another kind (vary)")
    args = parser.parse_args(argv)
    import django

    header("pilotbook import, in-process CPU time", "CPU seconds of this process (both threads); the database's "
           "work is not counted")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.search import fresh_database, write_case_studies
    from pilotbook.api.importing import import_records, read_records
    from pilotbook.api.importing.copying import Writer

    if connection.vendor != "postgresql":
        sys.exit("bench/import_profile.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    fresh_database()
    call_command("migrate", verbosity=0)
    call_command("load_councils", verbosity=0)

    writer_profile = cProfile.Profile() if args.profile else None
    writer_cpu = []
    run = Writer._run

    def timed_run(self):  # the writer thread's own CPU time, and its Python under its own profiler
        started = time.thread_time()
        try:
            return run(self) if writer_profile is None else writer_profile.runcall(run, self)
        finally:
            writer_cpu.append(time.thread_time() - started)

    Writer._run = timed_run
    main_profile = cProfile.Profile() if args.profile else None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case-studies.jsonl"
        write_case_studies(args.pilots, path)
        if args.varied:
            vary(path)
        cpu, wall = time.process_time(), time.perf_counter()
        records = read_records(path)
        read_cpu = time.process_time() - cpu
        main_cpu, pg_cpu = time.thread_time(), _cpu_of(backend)
        try:
            with transaction.atomic():
                if main_profile is not None:
                    main_profile.enable()
                report = import_records(records)
                if main_profile is not None:
                    main_profile.disable()
                cpu_total, wall_total = time.process_time() - cpu, time.perf_counter() - wall
                main_cpu, pg_cpu = time.thread_time() - main_cpu, _cpu_of(backend) - pg_cpu
                if args.dump:
                    dump()
                else:
                    transaction.set_rollback(True)  # nothing to keep
        finally:
            Writer._run = run
    assert len(report.created) == args.pilots, report
    print(f"imported {args.pilots:,} case studies{'' if args.dump else ' (rolled back)'}: CPU read {read_cpu:.2f} s, "
          f"check+insert+index {cpu_total - read_cpu:.2f} s, total {cpu_total:.2f} s; wall {wall_total:.2f} s"
          f"{' (profiled)' if args.profile else ''}; {load_line()}")
    print(f"CPU of the import by thread: checking (main) {main_cpu:.2f} s, writer {sum(writer_cpu):.2f} s; "
          f"PostgreSQL backend {pg_cpu:.2f} s")
    if args.profile:
        stats = pstats.Stats(main_profile)
        stats.add(writer_profile)
        stats.sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
