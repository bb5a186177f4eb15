"""What a record sets: the pilot's plan and case-study fields, its lessons and its reported result."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal, InvalidOperation

from pilotbook.pilots.choices import Status, Visibility

# Record keys that describe a pilot's history in Pilotbook, not its plan or result: read, checked, not imported.
IGNORED = ("id", "url", "api_url", "status", "council_withheld", "evidence_level", "registered_at", "started_at",
           "published_at", "plan_sha256", "is_demo")

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
        found.update({name: effect.get(key) for key, name in _EFFECT_NAMES})
    else:
        found["effect"] = effect
    if isinstance(result, dict):
        found.update({name: result.get(key) for key, name in _RESULT_NAMES})
    return {name: v for name, v in found.items() if isinstance(v, _NUMBERS) and not isinstance(v, bool)}


_EFFECT_NAMES = tuple((key, f"effect.{key}") for key in ("estimate", "ci_low", "ci_high"))
_RESULT_NAMES = tuple((key, f"result.{key}") for key in ("estimate", "ci_low", "ci_high"))
_NUMBERS = (int, float)


def _number_problems(record: dict) -> list[str]:
    """NaN, infinity, and more decimal places than are stored, which rounding would silently change."""
    problems = []
    for name, value in _numbers(record).items():
        if not _plainly_stored(value):
            problems += _exact_number_problems(name, value)
    return problems


def _plainly_stored(value: float) -> bool:
    """A whole number, or a float whose repr is in plain notation with at most 4 decimal places ("-3.1"; not
    "1e+20", "nan" or "0.00001"): stored as it is, so _exact_number_problems finds none (tested)."""
    if type(value) is int:
        return True
    if type(value) is not float:
        return False
    whole, dot, places = repr(value).partition(".")
    return bool(dot) and len(places) <= 4 and places.isdigit() and whole.lstrip("-").isdigit()


_RELATIVE_NOISE, _LEAST_NOISE = Decimal(8 * sys.float_info.epsilon), Decimal("1e-9")  # exact, made once


def _exact_number_problems(name: str, value: float) -> list[str]:
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))  # a JSON integer may be huge
    if not exact.is_finite():
        return [f"{name}: {value} is not a number Pilotbook can store; give a finite number such as 2.5"]
    if abs(exact) >= 10**10:
        return []  # too large to store at all: the model's own check names it
    rounded = exact.quantize(STORED_PLACES)
    # Binary noise, not digits anyone meant: 5.210000000000001 is 5.21, and 0.009999999999999787 is 2.01 - 2.
    noise = max(_RELATIVE_NOISE * abs(exact), _LEAST_NOISE)
    if abs(exact - rounded) > noise:
        return [f"{name}: {value} has more than 4 decimal places; round it to 4 (Pilotbook stores 4), or give it "
                "in a smaller unit"]
    return []
