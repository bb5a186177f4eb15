"""The JSON Schema (draft 2020-12) of a pilot record, published at /schema/pilot.json, and a small validator.

The record is what pilotbook.api.records.pilot_record() produces and what `pilotbook import` reads. The validator
implements only the keywords this schema uses (type, enum, properties, required, additionalProperties, items,
maxItems, minimum, maximum, minLength, maxLength, pattern, format date/date-time), so imports are checked without a
runtime dependency; tests/api/test_records.py checks that it agrees with the reference `jsonschema` implementation.
pilotbook.api.schema_checks compiles a schema once into the same checks, for `pilotbook import` (ADR 0018).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import reprlib
from functools import cache
from typing import Any

from django.conf import settings

from pilotbook.pilots.choices import (
    BetterDirection,
    Design,
    FailureReason,
    InterventionType,
    OutcomeKind,
    ServiceArea,
    Status,
    Verdict,
    Visibility,
)
from pilotbook.pilots.models import EARLIEST_YEAR, LESSON_MAX_LENGTH, MAX_FURTHER_SOURCES, SOURCE_URL_MAX_LENGTH

SCHEMA_PATH = "/schema/pilot.json"
# 1.2: lessons and failure_detail have a maxLength. 1.3: case studies that fit real sources (docs/adr/0011):
# councils, organisation, country, year, source_name, further_sources, licence; result.sample and result.stopped;
# the verdict not_reported; council is null also when an organisation ran it without a council.
SCHEMA_VERSION = "1.3"


def _nullable_enum(values, description: str) -> dict:
    return {"type": ["string", "null"], "enum": [*values, None], "description": description}


def _text(description: str, max_length: int | None = None) -> dict:
    out: dict[str, Any] = {"type": "string", "description": description}
    if max_length:
        out["maxLength"] = max_length
    return out


def _nullable(type_: str, description: str, **extra) -> dict:
    return {"type": [type_, "null"], "description": description, **extra}


def _date(description: str) -> dict:
    return {"type": ["string", "null"], "format": "date", "description": description}


def _datetime(description: str) -> dict:
    return {"type": ["string", "null"], "format": "date-time", "description": description}


def council_object(description: str) -> dict:
    return {
        "type": ["object", "null"],
        "description": description,
        "properties": {
            "code": {"type": "string", "minLength": 1, "maxLength": 5,
                     "description": "Three-letter local authority code (mySociety)."},
            "name": {"type": "string"},
            "nation": {"type": "string"},
            "gss_code": {"type": "string", "description": "GSS code; empty when unknown."},
        },
        "required": ["code", "name", "nation", "gss_code"],
        "additionalProperties": False,
    }


@cache
def _schema() -> dict:
    """The published schema. Every property is always present in a record (null when not known or not shown)."""
    site = settings.PILOTBOOK_SITE_URL.rstrip("/")
    properties = {
        "id": {"type": "integer", "minimum": 1, "description": "Pilotbook's number for the pilot."},
        "url": {"type": "string", "format": "uri", "description": "The pilot's page."},
        "api_url": {"type": "string", "format": "uri", "description": "This record in the read API."},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "status": {"type": "string", "enum": list(Status.values)},
        "visibility": {"type": "string", "enum": list(Visibility.values),
                       "description": "councils: signed-in council members only; public; public_anonymous: "
                                      "public with the council's name withheld."},
        "council": council_object("The council that ran the pilot (for a case study several councils ran, the "
                                  "first its source named); null when its name is withheld from the reader, or when "
                                  "an organisation ran it without a council."),
        "councils": {"type": "array", "items": {**council_object("A council that ran it."), "type": "object"},
                     "description": "Every council that ran it, `council` first; empty when none did or when the "
                                    "name is withheld from the reader."},
        "council_withheld": {"type": "boolean",
                             "description": "True when the council published the pilot with its name withheld."},
        "organisation": {"type": ["string", "null"], "maxLength": 200,
                         "description": "The organisation that ran an imported case study, when not (only) UK "
                                        "councils: a charity, a council abroad."},
        "country": {"type": ["string", "null"], "pattern": "^[A-Z]{2}$",
                    "description": "ISO 3166-1 alpha-2 code of the country where the organisation ran it."},
        "year": _nullable("integer", "The year an imported case study ran or was reported.", minimum=EARLIEST_YEAR),
        "service_area": _nullable_enum(ServiceArea.values, "Service area."),
        "intervention_type": _nullable_enum(InterventionType.values, "Kind of change tried."),
        "design": _nullable_enum(Design.values, "How the pilot was evaluated."),
        "evidence_level": _nullable("integer", "Maryland Scientific Methods Scale level of the design "
                                    "(5 randomised ... 1 before and after only).", minimum=1, maximum=5),
        "problem": _text("The problem."),
        "change": _text("The change being tried."),
        "hypothesis": _text("What the council expected to happen."),
        "partners": _text("Partners involved."),
        "secondary_outcomes": _text("Other outcomes looked at."),
        "outcome": {
            "type": "object",
            "description": "The pre-registered primary outcome.",
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "unit": {"type": "string", "maxLength": 60},
                "kind": _nullable_enum(OutcomeKind.values, "Kind of outcome."),
                "better_direction": _nullable_enum(BetterDirection.values, "Which direction is better."),
                "worthwhile_effect": _nullable("number", "Smallest effect worth having, in the outcome's unit."),
            },
            "required": ["name", "unit", "kind", "better_direction", "worthwhile_effect"],
            "additionalProperties": False,
        },
        "planned_sample": _nullable("integer", "Planned sample size.", minimum=0),
        "planned_clusters": _nullable("integer", "Planned number of clusters.", minimum=0),
        "start_date": _date("Start date."),
        "end_date": _date("End date."),
        "results_due_date": _date("When results are due."),
        "registered_at": _datetime("When the plan was frozen."),
        "started_at": _datetime("When the pilot started."),
        "published_at": _datetime("When the result was (or, under embargo, will be) published."),
        "plan_sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$",
                        "description": "SHA-256 of the registered plan's canonical JSON."},
        "result": {
            "type": ["object", "null"],
            "description": "The headline result (new minus old, 95% CI); null when none is recorded or it is "
                           "not yet released to the reader.",
            "properties": {
                "estimate": {"type": ["number", "null"],
                             "description": "Null only for a reported result whose source gave no number."},
                "ci_low": {"type": ["number", "null"]},
                "ci_high": {"type": ["number", "null"]},
                "verdict": {"type": "string", "enum": list(Verdict.values),
                            "description": "not_reported: the source describes what was done but reports no "
                                           "measured outcome (only from a source; no verdict on the outcome)."},
                "source": {"type": "string", "enum": ["pilotbook", "reported"],
                           "description": "pilotbook: judged by Pilotbook from the confidence interval; reported: "
                                          "the verdict an imported case study's source reported, not checked."},
                "reaches_worthwhile": {"type": "boolean",
                                       "description": "Whether the estimate reaches the smallest worthwhile effect."},
                "method": {"type": "string"},
                "sample_size": {"type": ["integer", "null"], "minimum": 0},
                "sample": {"type": "string", "maxLength": 200,
                           "description": "The sample as the source described it, such as \"705 care users\"."},
                "summary": {"type": "string"},
                "stopped": {"type": "boolean",
                            "description": "The source reports the trial was stopped or abandoned early."},
            },
            "required": ["estimate", "ci_low", "ci_high", "verdict", "source", "reaches_worthwhile", "method",
                         "sample_size", "sample", "summary", "stopped"],
            "additionalProperties": False,
        },
        "lessons": {
            "type": ["object", "null"],
            "description": "Lessons learned, in four short parts; null until published and released.",
            "properties": {
                "aim": _text("What we set out to do.", LESSON_MAX_LENGTH),
                "happened": _text("What happened.", LESSON_MAX_LENGTH),
                "why": _text("Why.", LESSON_MAX_LENGTH),
                "differently": _text("What we would do differently.", LESSON_MAX_LENGTH),
            },
            "required": ["aim", "happened", "why", "differently"],
            "additionalProperties": False,
        },
        "failure_reason": _nullable_enum(FailureReason.values, "Main reason the pilot did not work."),
        "failure_detail": _text("More about the reason.", LESSON_MAX_LENGTH),
        "is_demo": {"type": "boolean", "description": "Fictional demo data."},
        "external_id": {"type": ["string", "null"], "maxLength": 200,
                        "description": "The identifier the record had where it was imported from (pilotbook import)."},
        "source_url": {"type": ["string", "null"], "format": "uri", "maxLength": SOURCE_URL_MAX_LENGTH,
                       "description": "The page an imported case study came from."},
        "source_name": {"type": ["string", "null"], "maxLength": 200,
                        "description": "Who published the source, such as the Local Government Association."},
        "further_sources": {"type": "array", "maxItems": MAX_FURTHER_SOURCES,
                            "items": {"type": "string", "format": "uri", "maxLength": SOURCE_URL_MAX_LENGTH},
                            "description": "Other addresses where the case study is reported."},
        "licence": {"type": ["string", "null"], "maxLength": 300,
                    "description": "The licence of the source's text, or the attribution it needs."},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site + SCHEMA_PATH,
        "title": "Pilotbook pilot record",
        "description": f"A pilot registered in Pilotbook, as open data (schema version {SCHEMA_VERSION}).",
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def pilot_schema() -> dict:
    """The published schema, its $id on the site's configured address (PILOTBOOK_SITE_URL, never a request's Host)
    as it is set now."""
    return {**_schema(), "$id": settings.PILOTBOOK_SITE_URL.rstrip("/") + SCHEMA_PATH}


def import_schema() -> dict:
    """The record schema with only `title` required at the top level, for `pilotbook import`."""
    schema = copy.deepcopy(pilot_schema())
    schema["required"] = ["title"]
    return schema


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            dt.date.fromisoformat(value)
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        if fmt == "date-time":
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return "T" in value or " " in value
    except ValueError:
        return False
    return True  # "uri" and others are annotations here, as in JSON Schema by default


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 60
_SHORT.maxlist = _SHORT.maxdict = 4


def _show(value: Any) -> str:
    """A value as a message quotes it: shortened, so a 5 MB title is not printed whole."""
    return _SHORT.repr(value)


def validate(instance: Any, schema: dict | None = None, path: str = "") -> list[str]:
    """Every error as 'path: message' (empty when valid)."""
    schema = pilot_schema() if schema is None else schema
    where = path or "(record)"
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](instance) for t in types):
            return [f"{where}: {_show(instance)} is not of type {' or '.join(types)}"]
    errors = []
    if "enum" in schema and instance not in schema["enum"]:
        choices = ", ".join(str(v) for v in schema["enum"] if v is not None)
        errors.append(f"{where}: {_show(instance)} is not one of: {choices}")
    if isinstance(instance, str):
        if "minLength" in schema and len(instance) < schema["minLength"]:
            errors.append(f"{where}: must not be empty" if schema["minLength"] == 1
                          else f"{where}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            errors.append(f"{where}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{where}: does not match {schema['pattern']}")
        if "format" in schema and not _format_ok(schema["format"], instance):
            errors.append(f"{where}: {_show(instance)} is not a valid {schema['format']}")
    if _TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{where}: {_show(instance)} is less than {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{where}: {_show(instance)} is more than {schema['maximum']}")
    if isinstance(instance, list):
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            errors.append(f"{where}: more than {schema['maxItems']} items")
        if "items" in schema:
            for number, item in enumerate(instance):
                errors.extend(validate(item, schema["items"], f"{path}[{number}]"))
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{path + '.' if path else ''}{name}: required")
        for name, value in instance.items():
            shown = name if re.fullmatch(r"[\w:@-]{1,60}", name) else _show(name)  # a name is one line, quoted if odd
            child = f"{path}.{shown}" if path else shown
            if name in properties:
                errors.extend(validate(value, properties[name], child))
            elif schema.get("additionalProperties") is False:
                errors.append(f"{child}: not a field of a pilot record")
    return errors

