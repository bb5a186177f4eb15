"""bench/search.py's generated case studies pass `pilotbook import`'s checks (the bench is not run by the suite)."""

import importlib.util
from pathlib import Path

from django.core.management import call_command

from pilotbook.api.importing import import_records, read_records

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search.py"


def test_the_search_bench_writes_records_that_import(tmp_path, db):
    spec = importlib.util.spec_from_file_location("search_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    call_command("load_councils", verbosity=0)
    path = tmp_path / "case-studies.jsonl"
    bench.write_case_studies(1000, path)  # the same seeded records as the first 1,000 of a bench run
    assert len(import_records(read_records(path)).published) == 1000
