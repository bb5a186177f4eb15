"""Every write to the pilot registry goes through these functions (views and commands stay thin).

Each runs in one transaction and locks the pilot row it changes, so two people pressing "Register" at
once cannot freeze two different plans, and a failure leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from pilotbook.councils.models import Council, User
from pilotbook.stats.verdicts import judge

from . import plan as plan_module
from .choices import FailureReason, Status, Verdict
from .models import Amendment, Analysis, Pilot, Result

# Which lifecycle moves are allowed from where. Withdrawn and stopped early need a reason.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.REGISTERED},
    Status.REGISTERED: {Status.RUNNING, Status.WITHDRAWN},
    Status.RUNNING: {Status.RESULTS_RECORDED, Status.WITHDRAWN, Status.STOPPED_EARLY},
    Status.RESULTS_RECORDED: {Status.PUBLISHED},
}


class PilotStateError(ValidationError):
    """A lifecycle move that the pilot's current state does not allow; the message is for the person."""


def _locked(pilot: Pilot) -> Pilot:
    return Pilot.objects.select_for_update().get(pk=pilot.pk)


def _require_transition(pilot: Pilot, target: str) -> None:
    if target not in TRANSITIONS.get(pilot.status, set()):
        raise PilotStateError(
            _("A pilot that is %(current)s cannot be moved to %(target)s.")
            % {"current": pilot.get_status_display().lower(), "target": Status(target).label.lower()}
        )


def pilot_create_draft(*, council: Council, user: User, title: str, **fields: Any) -> Pilot:
    pilot = Pilot(council=council, created_by=user, title=title, **fields)
    pilot.full_clean(exclude=["registered_plan"])
    pilot.save()
    return pilot


@transaction.atomic
def pilot_update_draft(*, pilot: Pilot, fields: dict[str, Any]) -> Pilot:
    pilot = _locked(pilot)
    if pilot.is_frozen:
        raise PilotStateError(_("This pilot's plan is frozen. Make an amendment with a reason instead."))
    for name, value in fields.items():
        setattr(pilot, name, value)
    if pilot.end_date and not pilot.results_due_date:
        pilot.results_due_date = pilot.default_results_due_date()
    pilot.save()
    return pilot


@transaction.atomic
def pilot_register(*, pilot: Pilot, user: User) -> Pilot:
    """Freeze the plan: store it, its canonical-JSON SHA-256 and the time."""
    pilot = _locked(pilot)
    _require_transition(pilot, Status.REGISTERED)
    missing = plan_module.missing_fields(pilot)
    if missing:
        # The plan's fields are the pilot's own columns, never a reverse relation (which has no verbose_name).
        labels = ", ".join(str(cast("Field[Any, Any]", Pilot._meta.get_field(name)).verbose_name) for name in missing)
        raise PilotStateError(_("Answer every required question before registering. Missing: %s.") % labels)
    plan = plan_module.plan_of(pilot)
    pilot.registered_plan = plan
    pilot.registered_plan_hash = pilot.plan_hash = plan_module.plan_hash(plan)
    pilot.registered_at = timezone.now()
    pilot.status = Status.REGISTERED
    pilot.save()
    return pilot


@transaction.atomic
def pilot_amend(*, pilot: Pilot, user: User, fields: dict[str, Any], reason: str, results_seen: bool) -> Amendment:
    """Change a frozen plan. Marked as after results were seen if a result exists or the person says so."""
    pilot = _locked(pilot)
    if not pilot.is_frozen:
        raise PilotStateError(_("A draft can be changed freely; amendments are for registered pilots."))
    if pilot.is_ended:
        raise PilotStateError(_("This pilot has ended, so its plan can no longer be amended."))
    if not reason.strip():
        raise PilotStateError(_("Enter the reason for the change."))
    before = plan_module.plan_of(pilot)
    for name, value in fields.items():
        if name not in plan_module.PLAN_FIELDS:
            raise ValueError(f"{name} is not part of the plan")
        setattr(pilot, name, value)
    if pilot.end_date and not pilot.results_due_date:
        pilot.results_due_date = pilot.default_results_due_date()
    after = plan_module.plan_of(pilot)
    changes = plan_module.plan_changes(before, after)
    if not changes:
        raise PilotStateError(_("Nothing in the plan was changed, so there is nothing to amend."))
    after_results_seen = results_seen or pilot.results_seen_at is not None
    if results_seen and pilot.results_seen_at is None:
        pilot.results_seen_at = timezone.now()
    new_hash = plan_module.plan_hash(after)
    amendment = Amendment.objects.create(
        pilot=pilot,
        number=pilot.amendments.count() + 1,
        made_by=user,
        reason=reason.strip(),
        after_results_seen=after_results_seen,
        changes=changes,
        plan_hash_before=pilot.plan_hash,
        plan_hash_after=new_hash,
    )
    pilot.plan_hash = new_hash
    pilot.save()
    return amendment


@transaction.atomic
def pilot_start(*, pilot: Pilot, user: User) -> Pilot:
    pilot = _locked(pilot)
    _require_transition(pilot, Status.RUNNING)
    pilot.status = Status.RUNNING
    pilot.started_at = timezone.now()
    pilot.save()
    return pilot


@transaction.atomic
def pilot_end_early(*, pilot: Pilot, user: User, status: str, reason: str, failure_reason: str = "") -> Pilot:
    """Withdraw a pilot or stop it early; both need a reason that is shown with it. Stopping early also
    needs the main structured reason, for the "what didn't work" register."""
    if status not in (Status.WITHDRAWN, Status.STOPPED_EARLY):
        raise ValueError(status)
    pilot = _locked(pilot)
    _require_transition(pilot, status)
    if not reason.strip():
        raise PilotStateError(_("Enter the reason."))
    if status == Status.STOPPED_EARLY and failure_reason not in FailureReason.values:
        raise PilotStateError(_("Choose the main reason the pilot was stopped early."))
    pilot.failure_reason = failure_reason
    pilot.status = status
    pilot.status_reason = reason.strip()
    pilot.ended_at = timezone.now()
    pilot.save()
    return pilot


@transaction.atomic
def result_record(
    *,
    pilot: Pilot,
    user: User,
    estimate: Decimal,
    ci_low: Decimal,
    ci_high: Decimal,
    sample_size: int | None = None,
    method: str = "",
    summary: str = "",
    analysis: Analysis | None = None,
) -> Result:
    """Record the primary outcome's effect (new minus old, in the outcome's unit) and derive the verdict."""
    pilot = _locked(pilot)
    _require_transition(pilot, Status.RESULTS_RECORDED)
    if not ci_low <= estimate <= ci_high:
        raise PilotStateError(_("The effect must lie between the lower and upper ends of its confidence interval."))
    assert pilot.worthwhile_effect is not None  # a required question: registering needed it (plan.missing_fields)
    judged = judge(
        float(estimate),
        float(ci_low),
        float(ci_high),
        better=pilot.better_direction,
        worthwhile=float(pilot.worthwhile_effect),
    )
    result, _created = Result.objects.update_or_create(
        pilot=pilot,
        defaults={
            "estimate": estimate,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "sample_size": sample_size,
            "method": method.strip(),
            "summary": summary.strip(),
            "verdict": judged.verdict.value,
            "reaches_worthwhile": judged.reaches_worthwhile,
            "recorded_by": user,
            "analysis": analysis,
        },
    )
    now = timezone.now()
    pilot.status = Status.RESULTS_RECORDED
    pilot.results_seen_at = pilot.results_seen_at or now
    pilot.save()
    return result


LESSON_FIELDS = ("lessons_aim", "lessons_happened", "lessons_why", "lessons_differently")
# Verdicts that must say why the pilot did not work before publishing (inconclusive may, "too small to tell").
NEEDS_FAILURE_REASON = {Verdict.NO_WORTHWHILE_EFFECT, Verdict.MADE_WORSE}


@transaction.atomic
def pilot_publish(
    *,
    pilot: Pilot,
    user: User,
    lessons: dict[str, str],
    failure_reason: str = "",
    failure_detail: str = "",
    visibility: str | None = None,
    embargo_until: dt.date | None = None,
) -> Pilot:
    """Publish the result with its lessons learned; a future embargo date holds it back until that day."""
    pilot = _locked(pilot)
    _require_transition(pilot, Status.PUBLISHED)
    missing = [name for name in LESSON_FIELDS if not (lessons.get(name) or "").strip()]
    if missing:
        raise PilotStateError(_("Answer all four lessons-learned questions before publishing."))
    verdict = pilot.result.verdict
    if verdict in NEEDS_FAILURE_REASON and not failure_reason:
        raise PilotStateError(_("Choose the main reason the pilot did not work."))
    if failure_reason and failure_reason not in FailureReason.values:
        raise PilotStateError(_("Choose one of the listed reasons."))
    today = timezone.localdate()
    if embargo_until is not None and embargo_until < today:
        raise PilotStateError(_("The embargo date must be today or in the future."))
    for name in LESSON_FIELDS:
        setattr(pilot, name, lessons[name].strip())
    pilot.failure_reason, pilot.failure_detail = failure_reason, failure_detail.strip()
    if visibility:
        pilot.visibility = visibility
    now = timezone.now()
    pilot.embargo_until = embargo_until if embargo_until and embargo_until > today else None
    pilot.published_at = (
        timezone.make_aware(dt.datetime.combine(pilot.embargo_until, dt.time.min)) if pilot.embargo_until else now
    )
    pilot.status = Status.PUBLISHED
    pilot.ended_at = now
    pilot.full_clean(exclude=["registered_plan"])
    pilot.save()
    return pilot


@transaction.atomic
def pilot_set_visibility(*, pilot: Pilot, user: User, visibility: str) -> Pilot:
    pilot = _locked(pilot)
    pilot.visibility = visibility
    pilot.full_clean(exclude=["registered_plan"])
    pilot.save(update_fields=["visibility", "updated_at"])
    return pilot
