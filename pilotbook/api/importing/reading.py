"""Reading step: a file's records, from CSV (the import columns or a Pilotbook CSV export), JSON or JSON Lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pilotbook.api.exports import LIST_SEPARATOR, Column, columns
from pilotbook.api.records import READ_BACK_BY_NAME
from pilotbook.reading import NotJSON, Unreadable, csv_rows, decode_text, load_json
from pilotbook.web.spreadsheets import unneutralise

from .checking import record_schema
from .collector import no_cycle_collection
from .report import ImportFailed, _BadRow

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


def read_records(path: Path) -> list[tuple[str, object]]:
    """(label, record) pairs from a CSV file, a JSON array, a JSON export ({"pilots": [...]}) or JSON Lines.

    A file that cannot be read at all (missing, not UTF-8, binary, nested too deep, a CSV cell past the csv
    module's limit) is ImportFailed(whole_file=True) with one problem; a bad JSON line is named with the others.
    """
    with no_cycle_collection():  # the records' objects all live on: nothing for the collector to find
        return _read_records(path)


def _read_records(path: Path) -> list[tuple[str, object]]:
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
