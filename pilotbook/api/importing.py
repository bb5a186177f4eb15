"""`pilotbook import`: pilots and existing case studies from JSON Lines, JSON or CSV, all or nothing.

A record without a verdict becomes a draft pilot of its council. A record with a verdict (a case study done
elsewhere, or a result in a Pilotbook export) becomes a published case study whose result is marked as reported by
its source: Pilotbook shows the source's verdict as the source's, never as one it judged (docs/adr/0007). A case
study needs only a title, a summary, the verdict (``not_reported`` when the source reports no measured outcome) and
who ran it: one council, several councils, or an organisation (docs/adr/0011).

Every record is checked (the /schema/pilot.json shape plus the import fields below, then the model's own rules)
before anything is written; one problem anywhere and nothing is imported, with every problem named by record. A
case study whose ``external_id`` was imported before is updated in place (same pilot, same address) in the same
transaction, so a curated collection can be refreshed by importing it again.

Import fields, beyond the pilot record's: ``council_code`` or ``council_codes`` (a list; `;`-separated in CSV),
``summary`` (stored as the change tried), ``verdict``, ``stopped``, ``effect`` (a number, a sentence, or
{estimate, ci_low, ci_high}), ``sample`` (words) and ``sample_size``, ``method``, ``lessons`` (a sentence, or the
record's four-part object), and ``external_id`` (unique; `pilotbook search` prints it). The record's own
``organisation``, ``country``, ``year``, ``source_url``, ``source_name``, ``further_sources`` (`;`-separated in CSV)
and ``licence`` are read as they are.

A record from a Pilotbook export without an ``external_id`` gets its ``url`` (the pilot's page) as one. A CSV
file has the import columns (CSV_COLUMNS) or is a Pilotbook CSV export: its rows are read back into the records the
export was written from, each column to its place in the record (pilotbook.api.exports.columns), with the quote
that neutralised a formula-like text taken off again.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from pilotbook.councils.models import Council
from pilotbook.evidence.index import search_index_new, search_index_pilot
from pilotbook.pilots.choices import Status, Verdict, Visibility
from pilotbook.pilots.countries import countries
from pilotbook.pilots.models import LESSON_MAX_LENGTH, Pilot, Result, member_council_ids
from pilotbook.reading import NotJSON, Unreadable, csv_rows, decode_text, load_json
from pilotbook.web import versions

from .exports import LIST_SEPARATOR, Column, columns, unneutralise
from .records import READ_BACK_BY_NAME
from .schema import import_schema, validate

# Record keys that describe a pilot's history in Pilotbook, not its plan or result: read, checked, not imported.
IGNORED = ("id", "url", "api_url", "status", "council_withheld", "evidence_level", "registered_at", "started_at",
           "published_at", "plan_sha256", "is_demo")

# CSV columns: the import fields, then plan fields by their model names (flat, unlike the JSON record).
CSV_COLUMNS = (
    "external_id", "title", "summary", "council_code", "council_codes", "organisation", "country", "year",
    "service_area", "intervention_type", "verdict", "stopped", "effect", "effect_ci_low", "effect_ci_high", "sample",
    "lessons", "source_url", "further_sources", "source_name", "licence",
    "problem", "change", "partners", "hypothesis", "design", "outcome_name", "outcome_unit", "outcome_kind",
    "better_direction", "worthwhile_effect", "planned_sample", "planned_clusters", "start_date", "end_date",
    "results_due_date", "visibility", "failure_reason", "failure_detail", "sample_size", "method",
    "lessons_aim", "lessons_happened", "lessons_why", "lessons_differently",
)
_CSV_INTEGERS = {"planned_sample", "planned_clusters", "sample_size", "year"}
_CSV_NUMBERS = {"worthwhile_effect", "effect_ci_low", "effect_ci_high"}
_CSV_LISTS = {"council_codes", "further_sources"}  # several values in one cell, separated by semicolons
_CSV_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
MAX_FILE_BYTES = 200 * 1024 * 1024


class ImportFailed(Exception):
    """Problems that stop an import. `whole_file` when the file could not be read at all: then there is one problem,
    and the command prints it as its one line."""

    def __init__(self, errors: list[str], *, whole_file: bool = False):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors
        self.whole_file = whole_file


@dataclass
class ImportReport:
    drafts: list[int] = field(default_factory=list)  # added as drafts
    published: list[int] = field(default_factory=list)  # added as published case studies
    updated: list[int] = field(default_factory=list)  # case studies imported before, changed by this file
    unchanged: list[int] = field(default_factory=list)  # case studies imported before, the same in this file
    ignored: set[str] = field(default_factory=set)
    unpublished: set[str] = field(default_factory=set)  # fields of records not published where they came from

    @property
    def created(self) -> list[int]:
        return self.drafts + self.published


# Reading -----------------------------------------------------------------------------------------------------

def read_records(path: Path) -> list[tuple[str, object]]:
    """(label, record) pairs from a CSV file, a JSON array, a JSON export ({"pilots": [...]}) or JSON Lines.

    A file that cannot be read at all (missing, not UTF-8, binary, nested too deep, a CSV cell past the csv
    module's limit) is ImportFailed(whole_file=True) with one problem; a bad JSON line is named with the others.
    """
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _whole_file(path, f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB; split it into parts")
        text = decode_text(path.read_bytes())
    except FileNotFoundError:
        raise _whole_file(path, "no such file") from None
    except OSError as error:
        raise _whole_file(path, f"cannot read it ({error.strerror or error})") from None
    except Unreadable as problem:
        raise _whole_file(path, str(problem)) from None
    stripped = text.strip()
    if not stripped:
        raise _whole_file(path, "the file is empty")
    if path.suffix.lower() == ".csv":
        try:
            return _read_csv(text, path)
        except Unreadable as problem:
            raise _whole_file(path, str(problem)) from None
    try:
        document = load_json(stripped)
    except NotJSON as problem:
        if stripped.startswith("["):
            raise _whole_file(path, str(problem)) from None
        document = None  # JSON Lines fails here at its second line; read line by line below
    except Unreadable as problem:
        raise _whole_file(path, str(problem)) from None
    if stripped.startswith("["):
        if not isinstance(document, list):
            raise _whole_file(path, "the file must hold a list of pilot records")
        return [(f"record {n}", record) for n, record in enumerate(document, start=1)]
    if isinstance(document, dict) and isinstance(document.get("pilots"), list):
        return [(f"record {n}", record) for n, record in enumerate(document["pilots"], start=1)]
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", load_json(line)))
        except Unreadable as problem:  # named with the other lines' problems, so one run finds them all
            records.append((f"line {number}", _BadRow(str(problem))))
    return records


def _whole_file(path: Path, problem: str) -> ImportFailed:
    return ImportFailed([f"{path}: {problem}"], whole_file=True)


def _read_csv(text: str, path: Path) -> list[tuple[str, object]]:
    """Rows of a CSV file: the import columns (CSV_COLUMNS), or a Pilotbook CSV export's columns, read back into
    the record the export was written from (`_exported_record`)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = csv_rows(reader)
    header = [name.strip().lower() for name in next(rows, [])]
    exported = _export_layout(header)
    known = set(exported) if exported else set(CSV_COLUMNS)
    unknown = [name for name in header if name not in known]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated or "title" not in header:
        problems = []
        if repeated:
            problems.append(f"{path}: column(s) {', '.join(repr(n) if not n.isidentifier() else n for n in repeated)} "
                            "appear more than once")
        if "title" not in header:
            problems.append(f"{path}: the first line must name the columns, including title")
        raise ImportFailed(problems, whole_file=len(problems) == 1)
    records = []
    if unknown:  # named first; the rows are still checked on their known columns, so one run finds every problem
        records.append(("line 1", _BadRow(f"unknown column(s) {', '.join(repr(n) for n in unknown)}; the columns "
                                          "are: " + ", ".join(CSV_COLUMNS) + " (or those of a Pilotbook CSV "
                                          "export)")))
    line = reader.line_num
    for row in rows:
        label, line = f"line {line + 1}", reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            records.append((label, _BadRow(f"{len(row)} cells but {len(header)} columns")))
            continue
        cells = {name: unneutralise(cell) for name, cell in zip(header, row, strict=True) if name in known}
        records.append((label, _exported_record(cells, exported) if exported else _csv_record(cells)))
    return records


def _export_layout(header: list[str]) -> dict[str, Column] | None:
    """The export's columns by name when the header is a Pilotbook CSV export's (every column one of the export's,
    and some column only an export has), else None: the file uses the import columns."""
    exported = {column.name: column for column in columns()}
    if set(header) <= set(exported) and set(header) - set(CSV_COLUMNS):
        return exported
    return None


def _exported_value(cell: str, column: Column):
    """A cell of an export as the JSON value it was written from; text that is not of the column's kind stays text,
    and the record's check names it."""
    try:
        if column.kind == "integer":
            return int(cell)
        if column.kind == "number":
            return float(cell.replace(",", ""))
    except ValueError:
        return cell
    if column.kind == "boolean":
        return {"true": True, "false": False}.get(cell.lower(), cell)
    if column.kind == "list":
        return [part.strip() for part in cell.split(LIST_SEPARATOR.strip()) if part.strip()]
    return cell


def _exported_record(cells: dict[str, str], exported: dict[str, Column]) -> dict:
    """The record an export's row was written from, as far as its columns hold it (an empty cell is a value not
    given); a column computed from several values is read under its own name when it is an import field
    (records.READ_BACK_BY_NAME, such as council_codes), and otherwise left out. Each part (council, outcome,
    result, lessons) is filled in as the record schema requires it, with nothing where the export has no column for
    a value."""
    record: dict = {}
    for name, cell in cells.items():
        column = exported[name]
        if not cell.strip():
            continue
        if column.path is None:  # computed from several values: an import field by its own name, or for readers
            if name in READ_BACK_BY_NAME:
                record[name] = _exported_value(cell.strip(), column)
            continue
        place = record
        for key in column.path[:-1]:
            place = place.setdefault(key, {})
        place[column.path[-1]] = _exported_value(cell.strip(), column)
    properties = record_schema()["properties"]
    for name, part in record.items():
        schema = properties.get(name, {})
        if isinstance(part, dict) and "properties" in schema:
            for key in schema.get("required", []):
                if key not in part:
                    kinds = schema["properties"][key].get("type", [])
                    if "null" in kinds or "string" in kinds:  # anything else is named by the record's check
                        part[key] = None if "null" in kinds else ""
    return record


@dataclass(frozen=True)
class _BadRow:
    problem: str


def _csv_value(name: str, cell: str):
    """A CSV cell as the JSON value the schema expects; a cell that is not a number (or, for stopped, not true or
    false) stays text and fails with the schema's message."""
    if name in _CSV_LISTS:
        return [part.strip() for part in cell.split(";") if part.strip()]
    if name == "stopped":
        return _CSV_BOOLEANS.get(cell.lower(), cell)
    if name in _CSV_INTEGERS or name in _CSV_NUMBERS:
        try:
            number = float(cell.replace(",", ""))
        except ValueError:
            return cell
        return int(number) if name in _CSV_INTEGERS and number.is_integer() else number
    if name == "effect":
        try:
            return float(cell.replace(",", ""))
        except ValueError:
            return cell  # an effect in words, as the source reported it
    return cell


def _csv_record(row: dict[str, str]) -> dict:
    values = {name: _csv_value(name, cell.strip()) for name, cell in row.items() if cell.strip()}
    record: dict = {}
    outcome = {key: values.pop(f"outcome_{key}") for key in ("name", "unit", "kind") if f"outcome_{key}" in values}
    for key in ("better_direction", "worthwhile_effect"):
        if key in values:
            outcome[key] = values.pop(key)
    if outcome:
        record["outcome"] = outcome
    parts = {key: values.pop(f"lessons_{key}") for key in ("aim", "happened", "why", "differently")
             if f"lessons_{key}" in values}
    if parts:
        if "lessons" in values:
            record["_problems"] = ["give either lessons or the four lessons_ columns, not both"]
        record["lessons"] = parts
    low, high = values.pop("effect_ci_low", None), values.pop("effect_ci_high", None)
    if low is not None or high is not None:
        record["effect"] = {"estimate": values.pop("effect", None), "ci_low": low, "ci_high": high}
    record.update(values)
    return record


# Checking ----------------------------------------------------------------------------------------------------

EFFECT = {
    "type": ["number", "string", "object", "null"],
    "description": "The effect the source reported: a number in the outcome's unit, a sentence, or an estimate "
                   "with its 95% confidence interval.",
    "properties": {"estimate": {"type": "number"}, "ci_low": {"type": ["number", "null"]},
                   "ci_high": {"type": ["number", "null"]}},
    "required": ["estimate"],
    "additionalProperties": False,
}


@cache
def record_schema() -> dict:
    """The import schema: the pilot record's fields (only title required) and the import-only fields."""
    schema = copy.deepcopy(import_schema())
    props = schema["properties"]
    props["council_code"] = {"type": "string", "minLength": 1, "maxLength": 5,
                             "description": "Three-letter local authority code (mySociety)."}
    props["council_codes"] = {"type": ["array", "null"], "maxItems": MAX_COUNCILS,
                              "items": {"type": "string", "minLength": 1, "maxLength": 5},
                              "description": "The codes of the councils that ran it together."}
    # A council in a record given by hand need only have its code (an export's has its name and nation too).
    props["council"]["required"] = props["councils"]["items"]["required"] = ["code"]
    props["further_sources"] = {**props["further_sources"], "type": ["array", "null"]}
    props["country"] = {"type": ["string", "null"], "maxLength": 2,  # checked against the list by _check
                        "description": props["country"]["description"]}
    props["stopped"] = {"type": ["boolean", "null"],
                        "description": "The source reports the trial was stopped or abandoned early."}
    props["sample"] = {"type": ["string", "null"], "maxLength": 200,
                       "description": "The sample as the source described it (stored on the result)."}
    props["summary"] = {"type": "string", "description": "What was tried; stored as the change tried."}
    props["verdict"] = {"type": ["string", "null"], "enum": [*Verdict.values, None],
                        "description": "The verdict the source reported; makes the record a published case study."}
    props["effect"] = EFFECT
    props["sample_size"] = {"type": ["integer", "null"], "minimum": 0,
                            "description": "How many took part, as the source reported (stored on the result)."}
    props["method"] = {"type": "string", "maxLength": 200,
                       "description": "How the source analysed it (stored on the result)."}
    props["lessons"] = {**props["lessons"], "type": ["object", "string", "null"], "required": [],
                        "maxLength": LESSON_MAX_LENGTH}  # a one-sentence string of lessons
    # An exported result: estimate and interval may be unknown for a reported one.
    for key in ("estimate", "ci_low", "ci_high"):
        props["result"]["properties"][key] = {"type": ["number", "null"]}
    props["result"]["required"] = ["verdict"]
    return schema


MAX_COUNCILS = 50  # councils named by one case study


@dataclass
class _Row:
    label: str
    codes: list[str]  # the councils that ran it, its council first; none when an organisation ran it alone
    pilot: Pilot  # unsaved, with every field the record sets (IMPORTED_FIELDS)
    result: Result | None
    joint: list[Council] = field(default_factory=list)
    existing: Pilot | None = None  # the case study this record updates (the same external_id, imported before)


STORED_PLACES = Decimal("0.0001")  # results and worthwhile effects keep 4 decimal places, as the web forms do


def _decimal(value) -> Decimal | None:
    """A JSON number as stored (4 decimal places), so binary noise such as 5.210000000000001 is not an error."""
    if value is None or isinstance(value, str):
        return None
    try:
        return Decimal(str(value)).quantize(STORED_PLACES)
    except InvalidOperation:  # too large to quantise: the model's own check names it
        return Decimal(str(value))


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _plan_fields(record: dict, *, case_study: bool = False) -> dict:
    outcome = record.get("outcome") or {}
    # An imported case study is a public record of a published source unless the record says otherwise; a draft is
    # its council's own until it chooses to share it.
    default_visibility = Visibility.PUBLIC if case_study else Visibility.COUNCILS
    return {
        "title": record["title"].strip(),
        "problem": record.get("problem", ""),
        "change": record.get("change") or record.get("summary", ""),
        "hypothesis": record.get("hypothesis", ""),
        "partners": record.get("partners", ""),
        "secondary_outcomes": record.get("secondary_outcomes", ""),
        "service_area": record.get("service_area") or "",
        "intervention_type": record.get("intervention_type") or "",
        "design": record.get("design") or "",
        "outcome_name": outcome.get("name", ""),
        "outcome_unit": outcome.get("unit", ""),
        "outcome_kind": outcome.get("kind") or "",
        "better_direction": outcome.get("better_direction") or "",
        "worthwhile_effect": _decimal(outcome.get("worthwhile_effect")),
        "planned_sample": record.get("planned_sample"),
        "planned_clusters": record.get("planned_clusters"),
        "start_date": _date(record.get("start_date")),
        "end_date": _date(record.get("end_date")),
        "results_due_date": _date(record.get("results_due_date")),
        "visibility": record.get("visibility") or default_visibility,
        "external_id": _external_id(record),
        "source_url": (record.get("source_url") or "").strip(),
        "failure_reason": record.get("failure_reason") or "",
        "failure_detail": record.get("failure_detail", ""),
        "organisation": (record.get("organisation") or "").strip(),
        "country": (record.get("country") or "").strip().upper(),
        "year": record.get("year"),
        "source_name": (record.get("source_name") or "").strip(),
        "further_sources": [address.strip() for address in record.get("further_sources") or []],
        "source_licence": (record.get("licence") or "").strip(),
    }


def _external_id(record: dict) -> str:
    """The record's own identifier; for a record from a Pilotbook export that has none, the address of the pilot's
    page, so the copy says where it came from and importing the same export again updates that copy (ADR 0011)."""
    own = (record.get("external_id") or "").strip()
    return own or (record.get("url") or "").strip()


def _ignored(record: dict) -> set[str]:
    """The history fields a record gives that are not imported (its url is, as the external_id, when it has none)."""
    used = set() if record.get("external_id") else {"url"}
    return {key for key in IGNORED if key not in used and record.get(key) not in (None, "", False)}


# What a pilot that was not published (registered, running, with its result recorded, withdrawn, stopped early)
# holds beyond its plan, in an export by one of its council's members or a moderator.
UNPUBLISHED_WORK = ("result", "verdict", "effect", "sample_size", "method", "lessons", "failure_reason",
                    "failure_detail")


def _as_draft(record) -> tuple[object, set[str]]:
    """A record from an export whose pilot was not published (its `status` says so) is its plan, imported as a
    draft: its result, lessons and failure reason are left out (named in the report), since importing them would
    publish what its council has not. Any other record as it is."""
    if not isinstance(record, dict) or record.get("status") in (None, "", Status.PUBLISHED):
        return record, set()
    left_out = {key for key in UNPUBLISHED_WORK if record.get(key) not in (None, "", {})}
    return {key: value for key, value in record.items() if key not in UNPUBLISHED_WORK}, left_out


def _lessons(record: dict) -> dict:
    lessons = record.get("lessons")
    if isinstance(lessons, str):  # one sentence of lessons: what others should do differently
        return {"lessons_differently": lessons.strip()}
    lessons = lessons or {}
    return {f"lessons_{key}": (lessons.get(key) or "").strip() for key in ("aim", "happened", "why", "differently")}


def _reported(record: dict) -> tuple[str | None, dict]:
    """The reported verdict and the result's fields, from `verdict`/`effect` or an exported `result`."""
    exported = record.get("result") or {}
    verdict = record.get("verdict") or exported.get("verdict")
    effect = record.get("effect")
    stopped = record.get("stopped")
    fields = {"sample_size": record.get("sample_size", exported.get("sample_size")),
              "method": record.get("method") or exported.get("method") or "",
              "summary": exported.get("summary") or "",
              "sample": (record.get("sample") or exported.get("sample") or "").strip(),
              "stopped_early": bool(exported.get("stopped") if stopped is None else stopped)}
    if exported and effect is None:
        effect = {"estimate": exported.get("estimate"), "ci_low": exported.get("ci_low"),
                  "ci_high": exported.get("ci_high")}
    if isinstance(effect, str):
        fields["summary"] = "\n".join(filter(None, (effect.strip(), fields["summary"])))
    elif isinstance(effect, int | float):
        fields["estimate"] = _decimal(effect)
    elif isinstance(effect, dict):
        fields.update({key: _decimal(effect.get(key)) for key in ("estimate", "ci_low", "ci_high")})
    return verdict, fields


def _numbers(record: dict) -> dict[str, float]:
    """The record's effect-like numbers by name, as read (before they are rounded to be stored)."""
    found: dict[str, object] = {}
    outcome, effect, result = record.get("outcome"), record.get("effect"), record.get("result")
    if isinstance(outcome, dict):
        found["worthwhile_effect"] = outcome.get("worthwhile_effect")
    if isinstance(effect, dict):
        found.update({f"effect.{key}": effect.get(key) for key in ("estimate", "ci_low", "ci_high")})
    else:
        found["effect"] = effect
    if isinstance(result, dict):
        found.update({f"result.{key}": result.get(key) for key in ("estimate", "ci_low", "ci_high")})
    return {name: v for name, v in found.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _number_problems(record: dict) -> list[str]:
    """NaN, infinity, and more decimal places than are stored, which rounding would silently change."""
    problems = []
    for name, value in _numbers(record).items():
        exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))  # a JSON integer may be huge
        if not exact.is_finite():
            problems.append(f"{name}: {value} is not a number Pilotbook can store; give a finite number such as 2.5")
            continue
        if abs(exact) >= 10**10:
            continue  # too large to store at all: the model's own check names it
        rounded = exact.quantize(STORED_PLACES)
        # Binary noise, not digits anyone meant: 5.210000000000001 is 5.21, and 0.009999999999999787 is 2.01 - 2.
        noise = max(Decimal(8 * sys.float_info.epsilon) * abs(exact), Decimal("1e-9"))
        if abs(exact - rounded) > noise:
            problems.append(f"{name}: {value} has more than 4 decimal places; round it to 4 (Pilotbook stores 4), "
                            "or give it in a smaller unit")
    return problems


def _check(record: dict) -> list[str]:
    """Rules across fields that the schema cannot say."""
    problems = list(record.get("_problems", []))
    numbers = _number_problems(record)
    problems += numbers
    if record.get("summary") and record.get("change"):
        problems.append("give either summary or change, not both (summary is stored as the change tried)")
    url = record.get("source_url")
    if url and not url.strip().lower().startswith(("http://", "https://")):  # the model checks the rest of it
        problems.append(f"source_url: {url!r} is not a web address (http:// or https://)")
    country = (record.get("country") or "").strip().upper()
    if country and country not in countries():
        problems.append(f"country: {record['country']!r} is not an ISO 3166-1 alpha-2 country code; give two "
                        "letters such as GB or AU")
    end, due = record.get("end_date"), record.get("results_due_date")
    if isinstance(end, str) and isinstance(due, str) and end and due and due < end:  # ISO dates sort as text
        problems.append("results_due_date: results are due on or after the end date, not before it")
    if numbers:  # the rules below compare these numbers, which a NaN cannot be
        return problems
    verdict, result = _reported(record)
    if verdict is None:
        if record.get("effect") is not None:
            problems.append("effect: an effect needs the verdict the source reported (add verdict)")
        if record.get("failure_reason"):
            problems.append("failure_reason: only a record with a verdict has a reason it did not work")
        problems += [f"{key}: only a record with a verdict has a result to store it on (add verdict)"
                     for key in ("sample_size", "method", "sample", "stopped")
                     if record.get(key) not in (None, "", False)]
        return problems
    # Lessons are optional for a case study: sources often record none, and the page says so.
    if not (record.get("summary") or record.get("change") or "").strip():
        problems.append("summary: a case study needs a summary of what was done")
    low, estimate, high = result.get("ci_low"), result.get("estimate"), result.get("ci_high")
    if verdict == Verdict.NOT_REPORTED:
        if any(value is not None for value in (low, estimate, high)):
            problems.append("effect: the verdict not_reported means the source reports no measured outcome, so it "
                            "has no effect to give; give the effect in words, or the verdict the source reached")
        if record.get("failure_reason"):
            problems.append("failure_reason: the source reports no outcome, so there is no reason it did not work")
        return problems
    if (low is None) != (high is None):
        problems.append("effect: give both ends of the confidence interval, or neither")
    elif low is not None and (estimate is None or not low <= estimate <= high):
        problems.append("effect: the estimate must lie between ci_low and ci_high")
    if verdict == Verdict.WORKED and record.get("failure_reason"):
        problems.append("failure_reason: a pilot that worked has no reason it did not work")
    return problems


def _row(label: str, record, councils: dict[str, Council], default_council: str | None, user,
         now) -> tuple[_Row | None, list[str]]:
    if isinstance(record, _BadRow):
        return None, [f"{label}: {record.problem}"]
    title = record.get("title") if isinstance(record, dict) else None
    name = label + (f" ({str(title)[:60]!r})" if isinstance(title, str) and title.strip() else "")
    clean = {k: v for k, v in record.items() if k != "_problems"} if isinstance(record, dict) else record
    problems = validate(clean, record_schema()) or _check(record)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    if not record["title"].strip():
        return None, [f"{name}: title: must not be empty"]
    verdict, fields = _reported(record)
    codes, problems = _council_codes(record, default_council)
    key = "council_codes" if record.get("council_codes") else "council_code"
    problems += [f"{key}: no council with the code {code!r}" for code in codes if code not in councils]
    if not problems:
        problems = _who_ran_it_problems(record, codes, verdict) + _user_problems(user, codes, councils)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    # The council object itself, not its code, so indexing and naming who ran it ask the database nothing more.
    pilot = Pilot(created_by=user, council=councils[codes[0]] if codes else None,
                  **_plan_fields(record, case_study=verdict is not None))
    result = None
    if verdict is not None:
        for field_name, text in _lessons(record).items():
            setattr(pilot, field_name, text)
        pilot.status, pilot.published_at = Status.PUBLISHED, now
        result = Result(pilot=pilot, verdict=verdict, source=Result.Source.REPORTED, recorded_by=user, **fields)
    elif pilot.end_date and not pilot.results_due_date:
        pilot.results_due_date = pilot.default_results_due_date()
    try:
        pilot.full_clean(exclude=["registered_plan", "council", "created_by"], validate_unique=False,
                         validate_constraints=False)
        if result is not None:
            result.full_clean(exclude=["pilot", "recorded_by", "analysis"], validate_unique=False,
                              validate_constraints=False)
    except ValidationError as error:
        return None, [f"{name}: {_field_name(key)}: {m}" for key, messages in error.message_dict.items()
                      for m in messages]
    return _Row(name, codes, pilot, result, joint=[councils[code] for code in codes[1:]]), []


def _field_name(model_field: str) -> str:
    """The record's name for a model field named in a model's message."""
    return {"source_licence": "licence", "stopped_early": "stopped"}.get(model_field, model_field)


def _council_codes(record: dict, default_council: str | None) -> tuple[list[str], list[str]]:
    """The codes of the councils that ran it, its council first, each once; and any problem naming them.

    From council_code or council_codes, or an exported record's councils (or council); --council only for a record
    that names neither a council nor an organisation (an organisation's case study is not the council's)."""
    one, several = record.get("council_code"), record.get("council_codes")
    if one and several:
        return [], ["give council_code or council_codes, not both"]
    if several:
        given = several
    elif one:
        given = [one]
    elif record.get("councils"):
        given = [council["code"] for council in record["councils"]]
    elif isinstance(record.get("council"), dict):
        given = [record["council"]["code"]]
    elif default_council and not (record.get("organisation") or "").strip():
        given = [default_council]
    else:
        given = []
    codes: list[str] = []
    for code in given:
        code = code.strip().upper()
        if code not in codes:
            codes.append(code)
    return codes, []


def _who_ran_it_problems(record: dict, codes: list[str], verdict: str | None) -> list[str]:
    """Rules about who ran it that the schema cannot say: a council or an organisation; a draft is one council's;
    only one council's name can be withheld."""
    organisation = (record.get("organisation") or "").strip()
    if not codes and not organisation:
        return ["no council: add council_code, council_codes or the organisation that ran it, or give --council "
                "for every record"]
    problems = []
    if verdict is None:
        if not codes:
            return ["organisation: a record without a verdict becomes a draft pilot of its council; add its "
                    "council_code, or the verdict the source reported"]
        if len(codes) > 1:
            problems.append("council_codes: a record without a verdict becomes a draft pilot of one council; name "
                            "one, or add the verdict the source reported")
        problems += [f"{key}: only a case study (a record with a verdict) names the {what}"
                     for key, what in (("organisation", "organisation that ran it"), ("country", "country"))
                     if record.get(key)]
    country = (record.get("country") or "").strip().upper()
    if codes and country and country != "GB":
        problems.append(f"country: the councils named are in the UK (GB), not {country}; give the country only for "
                        "a case study an organisation ran elsewhere")
    if record.get("visibility") == Visibility.PUBLIC_ANONYMOUS and len(codes) != 1:
        problems.append("visibility: public_anonymous withholds one council's name, and this case study has "
                        + ("no council" if not codes else "several, each found under its own name")
                        + "; make it public, or councils for signed-in council members only")
    return problems


def _user_problems(user, codes: list[str], councils: dict[str, Council], *, pilot: Pilot | None = None) -> list[str]:
    """Who may import (or, with `pilot`, update) a record: a moderator, or a member of each council that ran it.
    A case study no council ran is a moderator's to import."""
    if user is None or user.is_moderator:
        return []
    what = "import a case study" if pilot is None else f"update pilot {pilot.pk}, a case study"
    if not codes:
        return [f"{user.email} may not {what} that no council ran; only a moderator imports those"]
    mine = member_council_ids(user)
    return [f"{user.email} is not a member of {councils[code].name}; only a moderator imports for other councils"
            for code in codes if code not in mine]


def _unique_external_ids(rows: list[_Row]) -> list[str]:
    errors, seen = [], {}
    for row in rows:
        key = row.pilot.external_id
        if not key:
            continue
        if key in seen:
            errors.append(f"{row.label}: external_id {key!r} is also used by {seen[key]}")
        seen[key] = row.label
    return errors


def _imported_before(rows: list[_Row], user, councils: dict[str, Council]) -> list[str]:
    """Find each record whose external_id was imported before; it updates that case study (row.existing), or is
    named with why it cannot: only a published case study with a reported verdict is updated by a record with a
    verdict, and only by a moderator or a member of each council of both the case study and the record."""
    keys = [row.pilot.external_id for row in rows if row.pilot.external_id]
    found: dict[str, Pilot] = {}
    for start in range(0, len(keys), 500):
        found.update((pilot.external_id, pilot) for pilot in Pilot.objects.filter(
            external_id__in=keys[start:start + 500]).select_related("council", "result").prefetch_related(
            "joint_councils"))
    errors = []
    for row in rows:
        key = row.pilot.external_id
        old = found.get(key) if key else None
        if old is None:
            continue
        if not (old.status == Status.PUBLISHED and old.is_case_study):
            errors.append(f"{row.label}: external_id {key!r} is already imported (pilot {old.pk}) and is not a "
                          "published case study, so importing it again cannot update it: only case studies "
                          "published with the verdict their source reported are updated that way")
        elif row.result is None:
            errors.append(f"{row.label}: external_id {key!r} is a published case study (pilot {old.pk}); a record "
                          "without a verdict cannot update it: add the verdict its source reported")
        else:
            old_codes = [council.code for council in old.all_councils()]
            problems = _user_problems(user, old_codes, {c.code: c for c in old.all_councils()}, pilot=old)
            errors += [f"{row.label}: {problem}" for problem in problems]
            row.existing = old
    return errors


# Writing -----------------------------------------------------------------------------------------------------

def _insert(model, objs: list, batch_size: int) -> list:
    """bulk_create, except on PostgreSQL: ids are taken from the table's sequence and the rows are copied in with
    COPY, which skips building and parsing one INSERT with every value as a parameter. No signals, as bulk_create."""
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    db = connections[connection.alias]  # the connection itself: `connection` is a proxy, slow in the loop below
    with db.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {db.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])
    for obj in objs:
        obj._state.adding, obj._state.db = False, db.alias
    return objs


def import_records(records: list[tuple[str, object]], *, user=None, default_council: str | None = None,
                   batch_size: int = 2000) -> ImportReport:
    """Check every record, then create them all in one transaction; any problem and nothing is created."""
    if not records:
        raise ImportFailed(["the file holds no records"], whole_file=True)
    councils = {c.code: c for c in Council.objects.all()}
    now = timezone.now()
    rows, errors, report = [], [], ImportReport()
    for label, given in records:
        record, unpublished = _as_draft(given)
        row, problems = _row(label, record, councils, default_council, user, now)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
            if isinstance(record, dict):
                report.ignored.update(_ignored(record))
                report.unpublished.update(unpublished)
    errors.extend(_unique_external_ids(rows))
    errors.extend(_imported_before(rows, user, councils))
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        new = [row for row in rows if row.existing is None]
        pilots = _insert(Pilot, [row.pilot for row in new], batch_size)
        results = [row.result for row in new if row.result is not None]
        for result in results:
            result.pilot_id = result.pilot.pk
        _insert(Result, results, batch_size)
        through = Pilot.joint_councils.through
        _insert(through, [through(pilot_id=row.pilot.pk, council_id=council.pk)
                          for row in new for council in row.joint], batch_size)
        for row in new:  # what indexing reads of who ran each, known without asking
            row.pilot.know_joint_councils(row.joint)
        report.published = [p.pk for p in pilots if p.status == Status.PUBLISHED]
        report.drafts = [p.pk for p in pilots if p.status != Status.PUBLISHED]
        search_index_new(pilots)
        for row in rows:
            if row.existing is not None:
                (report.updated if _update(row, user) else report.unchanged).append(row.existing.pk)
        versions.bump()  # COPY and bulk_create send no signal: cached pages must not outlive what was imported
    return report


# What a record sets, and so what importing it again may change: the pilot's plan and case-study fields, its council
# and lessons (joint councils apart), and its result's.
IMPORTED_FIELDS = (*_plan_fields({"title": ""}), "council_id", "lessons_aim", "lessons_happened", "lessons_why",
                   "lessons_differently")
RESULT_FIELDS = ("verdict", "source", "estimate", "ci_low", "ci_high", "sample_size", "method", "summary", "sample",
                 "stopped_early")


def _update(row: _Row, user) -> bool:
    """Make the case study imported before what the record says now (its address, id, publication date, discussion
    and pooled-group places stay); re-index it. False when the record changes nothing."""
    pilot = Pilot.objects.select_for_update().filter(pk=row.existing.pk).first()
    result = Result.objects.select_for_update().filter(pilot_id=row.existing.pk).first()
    if pilot is None or result is None:
        raise ImportFailed([f"{row.label}: the case study imported before (pilot {row.existing.pk}) was deleted or "
                            "changed while this file was imported; nothing was imported, run it again"])
    changed = [name for name in IMPORTED_FIELDS if getattr(pilot, name) != getattr(row.pilot, name)]
    result_changed = [name for name in RESULT_FIELDS if getattr(result, name) != getattr(row.result, name)]
    joint = {council.pk for council in row.joint}
    joint_changed = set(pilot.joint_councils.values_list("pk", flat=True)) != joint
    if not (changed or result_changed or joint_changed):
        return False
    for name in changed:
        setattr(pilot, name, getattr(row.pilot, name))
    pilot.save(update_fields=[*changed, "updated_at"])
    if joint_changed:
        pilot.joint_councils.set(joint)
    if result_changed:
        for name in result_changed:
            setattr(result, name, getattr(row.result, name))
        result.recorded_by = user or result.recorded_by
        result.pilot = pilot
        result.save(update_fields=[*result_changed, "recorded_by", "recorded_at"])
    search_index_pilot(pilot=Pilot.objects.select_related("council", "result").get(pk=pilot.pk))
    return True

