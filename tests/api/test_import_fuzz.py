"""Fuzzing `pilotbook import` (JSON Lines, a JSON array, an export document, CSV): whatever the file, the command
imports it or exits 2 with its problems named, never a traceback, and a failed import writes nothing.

The hostile files of issue 15 are explicit seeds (@example); hypothesis adds records built from the import's own
fields (each value sometimes right, sometimes anything), CSV built from its columns, and raw bytes.
"""

import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pilotbook.api.importing import CSV_COLUMNS
from pilotbook.pilots.models import Pilot, Result

from .helpers import import_problems

WORDS = ["HOM", "OTH", "ZZZ", "worked", "no_worthwhile_effect", "made_worse", "public", "councils", "waste",
         "binary", "higher", "2026-01-05", "2026-02-30", "https://example.org/case", "1e400", "NaN", "\x00", "\ud800",
         "x" * 2001]
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from([10**30, 2.00001])
           | st.sampled_from(WORDS) | st.text(max_size=15))
json_values = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                           | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=15)


def maybe(right):
    return right | json_values


numbers = st.floats(-100, 100).map(lambda x: round(x, 2)) | st.integers(-1000, 1000)
texts = st.text(min_size=1, max_size=20) | st.sampled_from(WORDS)
record = st.fixed_dictionaries({"title": maybe(texts)}, optional={
    "council_code": maybe(st.sampled_from(["HOM", "OTH", "hom", "ZZZ"])),
    "summary": maybe(texts), "problem": maybe(texts), "external_id": maybe(st.text(min_size=1, max_size=8)),
    "verdict": maybe(st.sampled_from(["worked", "no_worthwhile_effect", "made_worse", "inconclusive"])),
    "effect": maybe(numbers | texts | st.fixed_dictionaries({"estimate": maybe(numbers)},
                                                           optional={"ci_low": maybe(numbers),
                                                                     "ci_high": maybe(numbers)})),
    "lessons": maybe(texts | st.fixed_dictionaries({}, optional={"aim": texts, "why": texts})),
    "source_url": maybe(st.sampled_from(["https://example.org/case", "ftp://x", "http://" + "a" * 600])),
    "service_area": maybe(st.sampled_from(["waste", "housing", "nope"])),
    "outcome": maybe(st.fixed_dictionaries({"name": maybe(texts), "unit": maybe(texts),
                                            "kind": maybe(st.sampled_from(["binary", "continuous"])),
                                            "better_direction": maybe(st.sampled_from(["higher", "lower"])),
                                            "worthwhile_effect": maybe(numbers)})),
    "start_date": maybe(st.dates().map(str)), "end_date": maybe(st.dates().map(str)),
    "planned_sample": maybe(st.integers(-5, 10**12)), "sample_size": maybe(st.integers(-5, 10**12)),
    "method": maybe(texts), "visibility": maybe(st.sampled_from(["public", "councils", "public_anonymous"])),
    "failure_reason": maybe(st.sampled_from(["too_small", "nope"])),
    "result": maybe(st.fixed_dictionaries({"verdict": maybe(st.sampled_from(["worked", "made_worse"]))})),
    "council": maybe(st.fixed_dictionaries({"code": maybe(st.sampled_from(["HOM", "OTH"]))})),
})
records = st.lists(maybe(record), min_size=1, max_size=3)


def dumps(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


json_files = st.one_of(
    records.map(lambda rs: ("pilots.json", dumps(rs))),
    records.map(lambda rs: ("pilots.jsonl", b"\n".join(dumps(r) for r in rs) + b"\n")),
    records.map(lambda rs: ("export.json", dumps({"pilots": rs}))),
)
cells = st.sampled_from(["", "HOM", "worked", "2.5", "-1", "1e400", "nan", "Start small.", "2026-01-05", '"', "\r",
                         "x" * 2001]) | st.text(max_size=10)
csv_files = st.builds(
    lambda header, rows: ("pilots.csv", "\n".join([",".join(header), *[",".join(r) for r in rows]]).encode(
        "utf-8", "surrogatepass")),
    st.lists(st.sampled_from([*CSV_COLUMNS, "colour", "title"]), min_size=1, max_size=8),
    st.lists(st.lists(cells, max_size=9), max_size=3))
raw_files = st.tuples(st.sampled_from(["pilots.json", "pilots.csv", "pilots.txt"]), st.binary(max_size=200))

GOOD = {"title": "Text reminders", "council_code": "HOM"}
HOSTILE = {
    "json-nested-100000-deep": ("deep.json", b"[" * 100_000 + b"]" * 100_000),
    "json-lines-nested-100000-deep": ("deep.jsonl", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "one-deep-line-among-good": ("mixed.jsonl", dumps(GOOD) + b"\n" + b"[" * 5000 + b"]" * 5000 + b"\n"),
    "wrong-types": ("types.json", dumps([{"title": 5}, {"title": "x", "council": "HOM"}, {"title": "x", "outcome": []},
                                         {"title": "x", "lessons": 5}, {"title": "x", "effect": [1]}, "text", None])),
    "binary-junk": ("junk.json", bytes(range(256)) * 4),
    "utf-16": ("utf16.json", dumps([GOOD]).decode().encode("utf-16")),
    "latin-1-csv": ("latin1.csv", "title,council_code\ncafé,HOM\n".encode("latin-1")),
    "nul-in-json-text": ("nul.json", dumps([{**GOOD, "title": "A\u0000B"}])),
    "nul-byte-in-csv": ("nul.csv", b"title,council_code\nA\x00B,HOM\n"),
    "csv-field-over-128-kb": ("huge.csv", b'title,council_code,problem\nA,HOM,"' + b"x" * 200_000 + b'"\n'),
    "number-of-5000-digits": ("digits.jsonl", b'{"title": "T", "planned_sample": ' + b"9" * 5000 + b"}\n"),
    "unpaired-surrogate": ("surrogate.json", b'[{"title": "\\ud800", "council_code": "HOM"}]'),
    "huge-wrong-value": ("big.json", dumps([{**GOOD, "title": ["x"] * 100_000}])),
}
FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def counts():
    return Pilot.objects.count(), Result.objects.count()


def import_file(name: str, content: bytes, user) -> tuple[str | None, list[str]]:
    """Run the command on the file: (None, []) when it imported, else (its message, its stderr lines)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        err = io.StringIO()
        try:
            call_command("import", str(path), "--council", "HOM", "--user", user.email, stdout=io.StringIO(),
                         stderr=err)
        except CommandError as failure:  # anything else is a traceback, and fails the test
            assert failure.returncode == 2
            return str(failure), import_problems(err.getvalue())
    return None, []


def check(name: str, content: bytes, user) -> str | None:
    before = counts()
    message, lines = import_file(name, content, user)
    if message is not None:
        assert counts() == before, "a failed import wrote something"
        assert "\n" not in message and message.endswith("nothing was imported.")
        assert all(line.strip() and "Traceback" not in line for line in lines)
    else:
        assert counts()[0] > before[0]
    return message


@pytest.mark.parametrize(("name", "content"), HOSTILE.values(), ids=HOSTILE.keys())
def test_each_hostile_file_of_issue_15_exits_2_naming_the_problem_and_writes_nothing(home_council, officer, name,
                                                                                    content):
    assert check(name, content, officer) is not None


@FUZZ
@given(file=json_files | csv_files | raw_files)
@example(file=HOSTILE["json-nested-100000-deep"])
@example(file=HOSTILE["csv-field-over-128-kb"])
@example(file=HOSTILE["nul-in-json-text"])
def test_no_file_makes_pilotbook_import_print_a_traceback_or_half_write(home_council, other_council, officer, file):
    check(*file, officer)
