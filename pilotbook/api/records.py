"""One serialiser for a pilot as open data, used by the API, the exports and the feeds.

`pilot_record(pilot, user)` gives the record described by pilotbook.api.schema; what it shows follows the same
rules as the pilot page: the result (and the lessons that explain it) only when Pilot.result_shown_to(user), the
council only when Pilot.council_shown_to(user). Callers pass only pilots from PilotQuerySet.visible_to(user), with
select_related("council", "result") and prefetch_related("joint_councils") when there are many (RECORD_RELATED).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django.db.models import QuerySet
from django.urls import reverse

from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from pilotbook.web.open_data import LICENCE_NAME, LICENCE_URL, base_url

LICENCE_LINE = (f"Pilotbook data, published under the {LICENCE_NAME} ({LICENCE_URL}). Imported case studies "
                "come from the source each names; where its text needs a licence or attribution, the record's licence "
                "says so. Demo pilots are fictional.")


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _blank_to_none(value: str) -> str | None:
    return value or None


def _council(council) -> dict:
    return {"code": council.code, "name": council.name, "nation": council.nation, "gss_code": council.gss_code}


# What a list of pilots needs loaded with it for pilot_record (and pages naming who ran each) to ask nothing more.
RECORD_SELECTED = ("council", "result")
RECORD_PREFETCHED = ("joint_councils",)


_Pilots = TypeVar("_Pilots", bound=QuerySet[Pilot])


def for_records(queryset: _Pilots) -> _Pilots:
    """`queryset` with what pilot_record reads loaded in as few queries as possible."""
    return queryset.select_related(*RECORD_SELECTED).prefetch_related(*RECORD_PREFETCHED)


def pilot_record(pilot: Pilot, user, *, base: str | None = None) -> dict:
    """A pilot as an open-data record (pilotbook.api.schema.pilot_schema()). `pilot` must be visible to `user`;
    for_records() avoids queries per pilot."""
    base = base_url() if base is None else base
    council_shown = pilot.council_shown_to(user)
    result_shown = pilot.result_shown_to(user)
    result = getattr(pilot, "result", None) if result_shown else None
    ended_without_result = pilot.status in (Status.WITHDRAWN, Status.STOPPED_EARLY)
    lessons_released = result_shown and pilot.status == Status.PUBLISHED
    return {
        "id": pilot.pk,
        "url": base + pilot.get_absolute_url(),
        "api_url": base + reverse("api-pilot", args=[pilot.pk]),
        "title": pilot.title,
        "status": pilot.status,
        "visibility": pilot.visibility,
        "council": _council(pilot.council) if council_shown and pilot.council_id else None,
        "councils": [_council(council) for council in pilot.all_councils()] if council_shown else [],
        "council_withheld": not council_shown,
        # Withheld with the council's name: an organisation beside a council can name it.
        "organisation": (pilot.organisation or None) if council_shown else None,
        "country": (pilot.country or None) if council_shown else None,
        "year": pilot.year,
        "service_area": _blank_to_none(pilot.service_area),
        "intervention_type": _blank_to_none(pilot.intervention_type),
        "design": _blank_to_none(pilot.design),
        "evidence_level": pilot.msms_level,
        "problem": pilot.problem,
        "change": pilot.change,
        "hypothesis": pilot.hypothesis,
        "partners": pilot.partners,
        "secondary_outcomes": pilot.secondary_outcomes,
        "outcome": {
            "name": pilot.outcome_name,
            "unit": pilot.outcome_unit,
            "kind": _blank_to_none(pilot.outcome_kind),
            "better_direction": _blank_to_none(pilot.better_direction),
            "worthwhile_effect": _number(pilot.worthwhile_effect),
        },
        "planned_sample": pilot.planned_sample,
        "planned_clusters": pilot.planned_clusters,
        "start_date": _iso(pilot.start_date),
        "end_date": _iso(pilot.end_date),
        "results_due_date": _iso(pilot.results_due_date),
        "registered_at": _iso(pilot.registered_at),
        "started_at": _iso(pilot.started_at),
        "published_at": _iso(pilot.published_at),
        "plan_sha256": pilot.registered_plan_hash or None,
        "result": {
            "estimate": _number(result.estimate),
            "ci_low": _number(result.ci_low),
            "ci_high": _number(result.ci_high),
            "verdict": result.verdict,
            "source": result.source,
            "reaches_worthwhile": result.reaches_worthwhile,
            "method": result.method,
            "sample_size": result.sample_size,
            "sample": result.sample,
            "summary": result.summary,
            "stopped": result.stopped_early,
        } if result is not None else None,
        "lessons": {
            "aim": pilot.lessons_aim,
            "happened": pilot.lessons_happened,
            "why": pilot.lessons_why,
            "differently": pilot.lessons_differently,
        } if lessons_released else None,
        # As on the pilot page: the reason comes with the released result, or with a withdrawal or early stop.
        "failure_reason": (pilot.failure_reason or None) if (lessons_released or ended_without_result) else None,
        "failure_detail": pilot.failure_detail if (lessons_released or ended_without_result) else "",
        "is_demo": pilot.is_demo,
        # Where a case study came from can name its council: withheld with the name.
        "external_id": (pilot.external_id or None) if council_shown else None,
        "source_url": (pilot.source_url or None) if council_shown else None,
        "source_name": (pilot.source_name or None) if council_shown else None,
        "further_sources": list(pilot.further_sources or []) if council_shown else [],
        "licence": (pilot.source_licence or None) if council_shown else None,
    }


# Flat columns for CSV, ODS and XLSX: (heading, function of the record).
COLUMNS: list[tuple[str, callable]] = [
    ("id", lambda r: r["id"]),
    ("title", lambda r: r["title"]),
    ("url", lambda r: r["url"]),
    ("council_code", lambda r: r["council"]["code"] if r["council"] else None),
    ("council_name", lambda r: r["council"]["name"] if r["council"] else None),
    ("council_codes", lambda r: [c["code"] for c in r["councils"]]),
    ("council_names", lambda r: [c["name"] for c in r["councils"]]),
    ("council_withheld", lambda r: r["council_withheld"]),
    ("organisation", lambda r: r["organisation"]),
    ("country", lambda r: r["country"]),
    ("year", lambda r: r["year"]),
    ("status", lambda r: r["status"]),
    ("service_area", lambda r: r["service_area"]),
    ("intervention_type", lambda r: r["intervention_type"]),
    ("design", lambda r: r["design"]),
    ("evidence_level", lambda r: r["evidence_level"]),
    ("problem", lambda r: r["problem"]),
    ("change", lambda r: r["change"]),
    ("outcome", lambda r: r["outcome"]["name"]),
    ("outcome_unit", lambda r: r["outcome"]["unit"]),
    ("outcome_kind", lambda r: r["outcome"]["kind"]),
    ("better_direction", lambda r: r["outcome"]["better_direction"]),
    ("worthwhile_effect", lambda r: r["outcome"]["worthwhile_effect"]),
    ("planned_sample", lambda r: r["planned_sample"]),
    ("start_date", lambda r: r["start_date"]),
    ("end_date", lambda r: r["end_date"]),
    ("published_at", lambda r: r["published_at"]),
    ("verdict", lambda r: r["result"]["verdict"] if r["result"] else None),
    ("verdict_source", lambda r: r["result"]["source"] if r["result"] else None),
    ("estimate", lambda r: r["result"]["estimate"] if r["result"] else None),
    ("ci_low", lambda r: r["result"]["ci_low"] if r["result"] else None),
    ("ci_high", lambda r: r["result"]["ci_high"] if r["result"] else None),
    ("sample_size", lambda r: r["result"]["sample_size"] if r["result"] else None),
    ("sample", lambda r: (r["result"]["sample"] or None) if r["result"] else None),
    ("stopped", lambda r: r["result"]["stopped"] if r["result"] else None),
    ("method", lambda r: r["result"]["method"] if r["result"] else None),
    ("lessons_aim", lambda r: r["lessons"]["aim"] if r["lessons"] else None),
    ("lessons_happened", lambda r: r["lessons"]["happened"] if r["lessons"] else None),
    ("lessons_why", lambda r: r["lessons"]["why"] if r["lessons"] else None),
    ("lessons_differently", lambda r: r["lessons"]["differently"] if r["lessons"] else None),
    ("failure_reason", lambda r: r["failure_reason"]),
    ("failure_detail", lambda r: r["failure_detail"]),
    ("is_demo", lambda r: r["is_demo"]),
    ("external_id", lambda r: r["external_id"]),
    ("source_url", lambda r: r["source_url"]),
    ("source_name", lambda r: r["source_name"]),
    ("further_sources", lambda r: r["further_sources"]),
    ("licence", lambda r: r["licence"]),
]


# Columns computed from several values of the record that `pilotbook import` reads back under their own name (an
# import field), and columns only for people reading the file, which an import leaves alone.
READ_BACK_BY_NAME = {"council_codes": "list"}
FOR_READERS_ONLY = {"council_names"}


def flat_row(record: dict) -> list:
    return [value(record) for _, value in COLUMNS]
