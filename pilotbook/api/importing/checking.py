"""Checking step: each record against the import schema, the rules across its fields and the models' own rules,
into a row ready to write."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError

from pilotbook.api.schema import import_schema
from pilotbook.api.schema_checks import validator
from pilotbook.councils.models import Council
from pilotbook.pilots.choices import Status, Verdict
from pilotbook.pilots.countries import countries
from pilotbook.pilots.models import LESSON_MAX_LENGTH, Pilot, Result

from .building import full_clean, new
from .fields import _lessons, _number_problems, _plan_fields, _reported
from .report import _BadRow
from .who import _council_codes, _user_problems, _who_ran_it_problems

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


@cache
def _schema_problems():
    """record_schema() compiled once: the problems of one record against it."""
    return validator(record_schema())


MAX_COUNCILS = 50  # councils named by one case study

PILOT_NOT_CHECKED = frozenset({"registered_plan", "council", "created_by"})  # set by Pilotbook, not the record
RESULT_NOT_CHECKED = frozenset({"pilot", "recorded_by", "analysis"})


@dataclass
class _Row:
    label: str
    codes: list[str]  # the councils that ran it, its council first; none when an organisation ran it alone
    pilot: Pilot  # unsaved, with every field the record sets (IMPORTED_FIELDS)
    result: Result | None
    joint: list[Council] = field(default_factory=list)
    existing: Pilot | None = None  # the case study this record updates (the same external_id, imported before)


def _check(record: dict, reported: tuple[str | None, dict] | None = None) -> list[str]:
    """Rules across fields that the schema cannot say; `reported`, _reported(record) when the caller has it."""
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
    verdict, result = reported or _reported(record)
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
    clean = record
    if isinstance(record, dict) and "_problems" in record:  # a CSV row's own problems, named by _check
        clean = {k: v for k, v in record.items() if k != "_problems"}
    problems = _schema_problems()(clean)
    if not problems:  # the record's shape is right: its reported result can be read, once for both uses
        reported = _reported(record)
        problems = _check(record, reported)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    if not record["title"].strip():
        return None, [f"{name}: title: must not be empty"]
    verdict, fields = reported
    codes, problems = _council_codes(record, default_council)
    key = "council_codes" if record.get("council_codes") else "council_code"
    problems += [f"{key}: no council with the code {code!r}" for code in codes if code not in councils]
    if not problems:
        problems = _who_ran_it_problems(record, codes, verdict) + _user_problems(user, codes, councils)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    values = _plan_fields(record, case_study=verdict is not None)
    if verdict is not None:
        values.update(_lessons(record), status=Status.PUBLISHED, published_at=now)
    # The council object itself, not its code, so indexing and naming who ran it ask the database nothing more.
    pilot = new(Pilot, values, created_by=user, council=councils[codes[0]] if codes else None)
    result = None
    if verdict is not None:
        result = new(Result, {"verdict": verdict, "source": Result.Source.REPORTED, **fields}, pilot=pilot,
                     recorded_by=user)
    elif pilot.end_date and not pilot.results_due_date:
        pilot.results_due_date = pilot.default_results_due_date()
    try:  # the model's own rules (Django's full_clean without its unique and constraint checks)
        full_clean(pilot, PILOT_NOT_CHECKED)
        if result is not None:
            full_clean(result, RESULT_NOT_CHECKED)
    except ValidationError as error:
        return None, [f"{name}: {_field_name(key)}: {m}" for key, messages in error.message_dict.items()
                      for m in messages]
    return _Row(name, codes, pilot, result, joint=[councils[code] for code in codes[1:]]), []


def _field_name(model_field: str) -> str:
    """The record's name for a model field named in a model's message."""
    return {"source_licence": "licence", "stopped_early": "stopped"}.get(model_field, model_field)
