"""A pilot's plan as canonical JSON, its SHA-256, and the difference between two plans.

The hash is what makes registration a commitment: anyone can recompute it from the plan shown on the
pilot page (`canonical_json`: keys sorted, no spaces, UTF-8, dates ISO 8601, decimals as strings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

# The registered plan. Visibility and lifecycle fields are deliberately absent: they are not the science.
PLAN_FIELDS = (
    "title",
    "problem",
    "change",
    "service_area",
    "intervention_type",
    "partners",
    "hypothesis",
    "outcome_name",
    "outcome_unit",
    "outcome_kind",
    "better_direction",
    "worthwhile_effect",
    "secondary_outcomes",
    "design",
    "planned_sample",
    "planned_clusters",
    "stopping_rule",
    "interim_looks",
    "start_date",
    "end_date",
    "results_due_date",
    "setup_cost",
    "running_cost",
    "value_per_outcome",
)

REQUIRED_FIELDS = (
    "title",
    "problem",
    "change",
    "service_area",
    "intervention_type",
    "hypothesis",
    "outcome_name",
    "outcome_unit",
    "outcome_kind",
    "better_direction",
    "worthwhile_effect",
    "design",
    "planned_sample",
    "start_date",
    "end_date",
    "results_due_date",
)


def canonical_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # normalize() drops trailing zeros so 0.0500 and 0.05 hash alike; "f" avoids exponent form.
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    return value


def plan_of(pilot) -> dict[str, Any]:
    return {name: canonical_value(getattr(pilot, name)) for name in PLAN_FIELDS}


def canonical_json(plan: dict[str, Any]) -> str:
    return json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plan_hash(plan: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(plan).encode("utf-8")).hexdigest()


def plan_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": old.get(name), "new": new.get(name)} for name in PLAN_FIELDS if old.get(name) != new.get(name)
    }


def missing_fields(pilot) -> list[str]:
    """Plan fields registration still needs; cluster designs also need the number of clusters."""
    missing = [name for name in REQUIRED_FIELDS if getattr(pilot, name) in (None, "")]
    if pilot.design == "randomised_cluster" and not pilot.planned_clusters:
        missing.append("planned_clusters")
    if pilot.stopping_rule != "none" and not pilot.interim_looks:
        missing.append("interim_looks")
    return missing
