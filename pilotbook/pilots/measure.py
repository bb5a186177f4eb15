"""Measuring a running pilot: receive outcome data, run the evaluation engine, record the result from it.

The maths is all in pilotbook.stats (no Django there); this module turns a pilot's registered plan into an
engine specification, stores only what the engine keeps (sufficient statistics, never individual rows) and
writes in one transaction each, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbook.stats import dataset as engine_data
from pilotbook.stats.analysis import AnalysisError, AnalysisSpec, analyse

from . import services
from .choices import Design, OutcomeKind, Status, StoppingRule
from .models import Analysis, PendingUpload, Pilot, Result

ENGINE_KIND = {
    OutcomeKind.BINARY: "binary",
    OutcomeKind.CONTINUOUS: "continuous",
    OutcomeKind.COUNT: "count",
    OutcomeKind.TIME_TO_EVENT: "time-to-event",
}
# The registered design decides the analysis; anything not listed is analysed as individually allocated.
ENGINE_DESIGN = {
    Design.RANDOMISED_CLUSTER: "cluster",
    Design.BEFORE_AFTER_COMPARISON: "did",
    Design.BEFORE_AFTER_ONLY: "before_after",
}
# Columns a person maps for each kind of outcome (beyond the group column).
COLUMN_ROLES = ("outcome", "baseline", "cluster", "period", "time", "event", "exposure")


NUMBERS_OUT_OF_RANGE = (
    "These figures are too large or too extreme to analyse. Check they are in the outcome's unit (for example "
    "days, not seconds) and that no cell holds a typing error."
)


class MeasureError(ValidationError):
    """Something about the data or the pilot's state that the person can fix; the message says how."""


def measurable(pilot: Pilot) -> bool:
    return pilot.status == Status.RUNNING


def _require_measurable(pilot: Pilot) -> None:
    if not measurable(pilot):
        raise MeasureError(_("Only a running pilot can be measured. Start the pilot first."))


def engine_kind(pilot: Pilot) -> str:
    return ENGINE_KIND[OutcomeKind(pilot.outcome_kind)]


def engine_design(pilot: Pilot) -> str:
    return ENGINE_DESIGN.get(pilot.design, "individual")


def unit_scale(pilot: Pilot) -> Decimal:
    """The engine reports proportions as fractions; the plan states yes-or-no effects in percentage points."""
    return Decimal(100) if pilot.outcome_kind == OutcomeKind.BINARY else Decimal(1)


def final_alpha(pilot: Pilot) -> float:
    """With planned interim looks the final analysis spends only the alpha the stopping rule left for it,
    so its confidence interval is a little wider than 95% (pilotbook.stats.interim.final_confidence_level)."""
    if pilot.stopping_rule == StoppingRule.NONE or not pilot.interim_looks:
        return 0.05
    from pilotbook.stats import interim

    return 1 - interim.final_confidence_level(pilot.stopping_rule, pilot.interim_looks + 1)


def spec_for(pilot: Pilot, *, control: str) -> AnalysisSpec:
    return AnalysisSpec(
        kind=engine_kind(pilot),
        control=control,
        design=engine_design(pilot),
        better=pilot.better_direction,
        worthwhile=float(pilot.worthwhile_effect / unit_scale(pilot)),
        alpha=final_alpha(pilot),
    )


def needed_roles(pilot: Pilot) -> dict[str, bool]:
    """Which columns the mapping page asks for, and whether each is required, from the registered plan."""
    kind, design = engine_kind(pilot), engine_design(pilot)
    roles = {"outcome": kind != "time-to-event"}
    if kind == "time-to-event":
        roles |= {"time": True, "event": True}
    if kind == "continuous" and design in ("individual", "cluster"):
        roles["baseline"] = False
    if kind == "count":
        roles["exposure"] = False
    if design == "cluster":
        roles["cluster"] = True
    if design in ("did", "before_after"):
        roles["period"] = True
    return roles


# Column names that plainly say what a column holds, compared as words (lower case, any punctuation a space):
# a column is suggested for a question when one of its words is one of these, and no other column's is.
ROLE_WORDS = {
    "arm": {"group", "arm", "treatment", "allocation", "condition"},
    "time": {"time", "days", "duration"},
    "event": {"event"},
    "cluster": {"cluster", "ward"},
    "baseline": {"baseline"},
    "period": {"period"},
    "exposure": {"exposure"},
}


SUGGEST_GROUPS = 8


def _words(name: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^0-9a-z]+", " ", str(name).lower()).split())


def suggested_columns(upload: PendingUpload, pilot: Pilot) -> dict[str, str]:
    """The column for each question of the mapping page where the headings make it obvious; nothing where not.

    The outcome is the column named as the plan names it (ignoring case and punctuation: "Paid on time",
    "paid_on_time"), or else the only column called "outcome". The group column is the only one with a word such
    as group, arm or treatment in its name that holds two to eight groups (from what was kept at upload). A
    question two or more columns could answer, or a column that would answer two questions, gets no suggestion:
    a wrong pre-selection is worse than none."""
    roles = {"arm": True, **needed_roles(pilot)}
    facts = upload.facts or {}
    found: dict[str, list[str]] = {}
    for role in roles:
        if role == "outcome":
            if not roles[role]:  # asked only in passing (a time-to-event plan): no guess
                continue
            plan = _words(pilot.outcome_name)
            found[role] = [c for c in upload.columns if plan and _words(c) == plan] or [
                c for c in upload.columns if _words(c) == ("outcome",)]
            continue
        words = ROLE_WORDS.get(role, set())
        found[role] = [c for c in upload.columns if words & set(_words(c))]
        if role == "arm" and facts:  # a pilot compares two to a few groups, not one, not dozens
            found[role] = [c for c in found[role] if 2 <= len(facts.get(c, {}).get("groups", [])) <= SUGGEST_GROUPS]
    chosen = {role: columns[0] for role, columns in found.items() if len(columns) == 1}
    taken = list(chosen.values())
    return {role: column for role, column in chosen.items() if taken.count(column) == 1}


# Uploads ----------------------------------------------------------------------------------------------------


def upload_limits() -> engine_data.ReadLimits:
    """What an upload may hold (settings PILOTBOOK_UPLOAD_MAX_*): past a limit the reader refuses, saying which."""
    return engine_data.ReadLimits(
        max_columns=settings.PILOTBOOK_UPLOAD_MAX_COLUMNS,
        max_rows=settings.PILOTBOOK_UPLOAD_MAX_ROWS,
        max_inflated_bytes=settings.PILOTBOOK_UPLOAD_MAX_INFLATED_BYTES,
    )


def upload_receive(*, pilot: Pilot, user, filename: str, content: bytes) -> PendingUpload:
    """Check an uploaded file can be read and keep it, briefly, until its columns are mapped.

    The file is read once here; what the next pages need (the headings, the row count and, per column, its groups
    or why it cannot be the group column) is kept with it, so they never read the file again."""
    _require_measurable(pilot)
    if len(content) > settings.PILOTBOOK_MAX_UPLOAD_BYTES:
        raise MeasureError(
            _("The file is larger than %(limit)s MB. Remove columns the analysis does not need, or type in "
              "summary figures instead.") % {"limit": settings.PILOTBOOK_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        table = engine_data.read_table(content, filename=filename, limits=upload_limits())
        facts = engine_data.column_facts(table)
    except engine_data.DataError as exc:
        raise MeasureError(str(exc)) from None
    if len(table) == 0:
        raise MeasureError(_("The file has column names but no rows of data."))
    return PendingUpload.objects.create(
        token=secrets.token_hex(16),
        pilot=pilot,
        user=user,
        filename=filename[:255],
        content=content,
        columns=[str(column) for column in table.columns],
        row_count=len(table),
        facts=facts,
    )


def pending_upload(*, pilot: Pilot, user, token: str) -> PendingUpload:
    """The person's own upload for this pilot, if it has not been used or expired."""
    cutoff = timezone.now() - timedelta(seconds=settings.PILOTBOOK_UPLOAD_KEEP_SECONDS)
    upload = PendingUpload.objects.filter(token=token, pilot=pilot, user=user, created_at__gte=cutoff).first()
    if upload is None:
        raise MeasureError(_("That upload has expired or was already analysed. Upload the file again."))
    return upload


def group_labels(upload: PendingUpload, column: str) -> list[tuple[str, int]]:
    """The groups in the chosen column, labelled as the engine labels them, with how many rows each has.

    From the facts kept at upload; only an upload kept from before they were (for at most an hour after the
    change) reads its file again, and then only that column."""
    if not upload.facts:
        try:
            table = engine_data.read_table(bytes(upload.content), filename=upload.filename, limits=upload_limits(),
                                           columns=[column])
            return engine_data.group_counts(table, column)
        except engine_data.DataError as exc:
            raise MeasureError(str(exc)) from None
    facts = upload.facts.get(column)
    if facts is None:
        raise MeasureError(_("There is no column '%(column)s' in the file.") % {"column": column})
    if "problem" in facts:
        raise MeasureError(facts["problem"])
    if "distinct" in facts:
        raise MeasureError(
            _("Column '%(column)s' has %(n)s different values, more than the %(limit)s groups a comparison can have, "
              "so it cannot be the column that says which group each row was in. Choose that column instead.")
            % {"column": column, "n": f"{facts['distinct']:,}", "limit": engine_data.MAX_GROUPS})
    return [(str(label), int(count)) for label, count in facts["groups"]]


@transaction.atomic
def upload_analyse(*, upload: PendingUpload, user, mapping: dict[str, Any], purpose: str = Analysis.Purpose.FINAL,
                   look_number: int | None = None) -> Analysis:
    """Run the engine on an uploaded file with the person's column mapping, then delete the file."""
    pilot = Pilot.objects.select_for_update().get(pk=upload.pilot_id)
    _require_measurable(pilot)
    columns = {role: mapping.get(role) or None for role in COLUMN_ROLES}
    try:
        # Only the chosen columns are kept from the file (the reader still checks every heading).
        table = engine_data.read_table(bytes(upload.content), filename=upload.filename, limits=upload_limits(),
                                       columns=[mapping["arm"], *(c for c in columns.values() if c)])
        data = engine_data.build_dataset(
            table, kind=engine_kind(pilot), arm=mapping["arm"], control=mapping["control"],
            before_label=mapping.get("before_label") or None, **columns,
        )
        result = analyse(data, spec_for(pilot, control=mapping["control"]))
    except (engine_data.DataError, AnalysisError) as exc:
        raise MeasureError(str(exc)) from None
    except (ValueError, ArithmeticError):
        raise MeasureError(_(NUMBERS_OUT_OF_RANGE)) from None
    analysis = _store(pilot, user, source=Analysis.Source.UPLOAD, filename=upload.filename, mapping=mapping,
                      data=data, result=result, purpose=purpose, look_number=look_number)
    upload.delete()
    return analysis


@transaction.atomic
def summary_analyse(*, pilot: Pilot, user, groups: list[dict[str, Any]], control: str,
                    purpose: str = Analysis.Purpose.FINAL, look_number: int | None = None) -> Analysis:
    """Run the engine on summary figures typed in per group."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    _require_measurable(pilot)
    try:
        data = engine_data.dataset_from_summaries(engine_kind(pilot), groups, control=control)
        # Summary figures per group carry no clusters or periods, so they are compared as independent groups.
        result = analyse(data, replace(spec_for(pilot, control=control), design="individual"))
    except (engine_data.DataError, AnalysisError) as exc:
        raise MeasureError(str(exc)) from None
    except (ValueError, ArithmeticError):
        raise MeasureError(_(NUMBERS_OUT_OF_RANGE)) from None
    return _store(pilot, user, source=Analysis.Source.SUMMARY, filename="", mapping={"control": control},
                  data=data, result=result, purpose=purpose, look_number=look_number)


def _store(pilot, user, *, source, filename, mapping, data, result, purpose, look_number) -> Analysis:
    output = result.to_dict()
    spec = spec_for(pilot, control=mapping["control"])
    analysis = Analysis(
        pilot=pilot, purpose=purpose, look_number=look_number if purpose == Analysis.Purpose.INTERIM else None,
        source=source, filename=filename[:255], mapping=mapping,
        spec={"kind": spec.kind, "design": output.get("design", spec.design), "better": spec.better,
              "worthwhile": spec.worthwhile, "alpha": spec.alpha, "control": spec.control},
        dataset=data.to_json(), output=output, row_count=data.row_count, created_by=user,
    )
    if purpose == Analysis.Purpose.INTERIM:
        analysis.interim_decision = interim_decision(pilot, output, look_number)
    analysis.save()
    if pilot.results_seen_at is None:
        # From now on any change to the plan is an amendment made after results were seen.
        pilot.results_seen_at = timezone.now()
        pilot.save(update_fields=["results_seen_at", "updated_at"])
    return analysis


# Interim looks ----------------------------------------------------------------------------------------------


def interim_looks_left(pilot: Pilot) -> list[int]:
    """The planned interim look numbers not yet taken."""
    if pilot.stopping_rule == StoppingRule.NONE or not pilot.interim_looks:
        return []
    taken = set(pilot.analyses.filter(purpose=Analysis.Purpose.INTERIM).values_list("look_number", flat=True))
    return [n for n in range(1, pilot.interim_looks + 1) if n not in taken]


def interim_decision(pilot: Pilot, output: dict, look_number: int | None) -> dict:
    """Apply the registered stopping rule to the first comparison at this look."""
    from pilotbook.stats import interim

    comparison = output["comparisons"][0]
    oriented = comparison.get("oriented")
    if not oriented:
        return {"action": "continue", "explanation": _(
            "This look could not be judged against the stopping rule because the effect could not be estimated "
            "yet (for example, a median time has not been reached). Carry on collecting data.")}
    decision = interim.decide_from_estimate(
        rule=pilot.stopping_rule,
        looks=pilot.interim_looks + 1,
        look_number=look_number,
        estimate=oriented["estimate"],
        ci_low=oriented["ci_low"],
        ci_high=oriented["ci_high"],
        worthwhile=float(pilot.worthwhile_effect / unit_scale(pilot)),
        ci_level=1 - output["alpha"],
    )
    return decision.to_dict()


# Recording the result -------------------------------------------------------------------------------------------


def _in_units(value: float, pilot: Pilot) -> Decimal:
    return (Decimal(repr(value)) * unit_scale(pilot)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def analysis_record_result(*, analysis: Analysis, user, arm: str | None = None, summary: str = "") -> Result:
    """Record a final analysis's comparison (the first, or the named arm's) as the pilot's headline result."""
    if analysis.purpose != Analysis.Purpose.FINAL:
        raise MeasureError(_("An interim look cannot be recorded as the result. Run the final analysis."))
    comparisons = analysis.output["comparisons"]
    comparison = next((c for c in comparisons if c["arm"] == arm), comparisons[0]) if arm else comparisons[0]
    difference = comparison["difference"]
    pilot = analysis.pilot
    arms = {a["label"]: a for a in analysis.output["arms"]}
    sample = sum(int(arms[label]["n"]) for label in (comparison["arm"], comparison["control"]) if label in arms)
    method = difference.get("method", "")
    if comparison.get("test"):
        method = f"{method}; {comparison['test']}" if method else comparison["test"]
    return services.result_record(
        pilot=pilot, user=user,
        estimate=_in_units(difference["estimate"], pilot),
        ci_low=_in_units(difference["ci_low"], pilot),
        ci_high=_in_units(difference["ci_high"], pilot),
        sample_size=sample or None, method=method[:200], summary=summary, analysis=analysis,
    )


def purge_stale_uploads(now=None) -> int:
    """Delete uploads whose columns were never mapped within the keep time; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PILOTBOOK_UPLOAD_KEEP_SECONDS)
    deleted, _ = PendingUpload.objects.filter(created_at__lt=cutoff).delete()
    return deleted
