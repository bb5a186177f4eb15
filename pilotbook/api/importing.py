"""Importing pilot records (the /schema/pilot.json format) as drafts for one council, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from pilotbook.councils.models import Council
from pilotbook.pilots import services
from pilotbook.pilots.choices import Visibility

from .schema import import_schema, validate

# Record keys that describe a pilot's history in Pilotbook, not its plan: read, checked, not imported.
IGNORED = ("id", "url", "api_url", "status", "council", "council_withheld", "evidence_level", "registered_at",
           "started_at", "published_at", "plan_sha256", "result", "failure_reason", "failure_detail", "is_demo")


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)


def read_records(path: Path) -> list[dict]:
    """A JSON array of records, a JSON export document ({"pilots": [...]}), or JSON Lines (one record a line)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailed([f"{path}: cannot read it ({error})"]) from None
    stripped = text.strip()
    if not stripped:
        raise ImportFailed([f"{path}: the file is empty"])
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ImportFailed([f"{path}: not valid JSON: {error}"]) from None
        return data
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("pilots"), list):
        return document["pilots"]
    records, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not valid JSON: {error.msg}")
    if errors:
        raise ImportFailed(errors)
    return records


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def draft_fields(record: dict) -> dict:
    """Model fields of a draft from a (valid) record."""
    outcome = record.get("outcome") or {}
    lessons = record.get("lessons") or {}
    fields = {
        "problem": record.get("problem", ""),
        "change": record.get("change", ""),
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
        "visibility": record.get("visibility") or Visibility.COUNCILS,
        "lessons_aim": lessons.get("aim", ""),
        "lessons_happened": lessons.get("happened", ""),
        "lessons_why": lessons.get("why", ""),
        "lessons_differently": lessons.get("differently", ""),
    }
    return fields


def _label(index: int, record) -> str:
    title = record.get("title") if isinstance(record, dict) else None
    return f"record {index}" + (f" ({str(title)[:60]!r})" if isinstance(title, str) and title else "")


def import_records(records, *, council: Council, user) -> ImportReport:
    """Create one draft per record in one transaction; any error anywhere and nothing is created."""
    if not isinstance(records, list):
        raise ImportFailed(["the file must hold a list of pilot records"])
    if not records:
        raise ImportFailed(["the file holds no records"])
    schema, errors, report = import_schema(), [], ImportReport()
    with transaction.atomic():
        for index, record in enumerate(records, start=1):
            problems = validate(record, schema)
            if problems:
                errors.extend(f"{_label(index, record)}: {problem}" for problem in problems)
                continue
            report.ignored.update(key for key in IGNORED if record.get(key) not in (None, "", False))
            fields = draft_fields(record)
            try:
                with transaction.atomic():
                    pilot = services.pilot_create_draft(council=council, user=user, title=record["title"],
                                                        **fields)
                    if pilot.end_date and not pilot.results_due_date:
                        pilot.results_due_date = pilot.default_results_due_date()
                        pilot.save(update_fields=["results_due_date"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.extend(f"{_label(index, record)}: {name}: {m}" for m in messages)
                continue
            report.created.append(pilot.pk)
        if errors:
            raise ImportFailed(errors)  # rolls back every draft made above
    return report
