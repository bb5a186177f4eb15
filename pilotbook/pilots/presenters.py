"""Formatting between pilot models and templates: tag colours, readable plan values, amendment diffs.

Unit-tested without a database (tests/test_presenters.py).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import plan as plan_module
from .choices import (
    MSMS_LEVEL,
    MSMS_MEANING,
    BetterDirection,
    Design,
    InterventionType,
    OutcomeKind,
    ServiceArea,
    Status,
    StoppingRule,
    Verdict,
)
from .forms import STEPS

STATUS_TAG = {
    Status.DRAFT: "govuk-tag--grey",
    Status.REGISTERED: "govuk-tag--blue",
    Status.RUNNING: "govuk-tag--light-blue",
    Status.RESULTS_RECORDED: "govuk-tag--purple",
    Status.PUBLISHED: "govuk-tag--green",
    Status.WITHDRAWN: "govuk-tag--orange",
    Status.STOPPED_EARLY: "govuk-tag--orange",
}
VERDICT_TAG = {
    Verdict.WORKED: "govuk-tag--green",
    Verdict.NO_WORTHWHILE_EFFECT: "govuk-tag--yellow",
    Verdict.MADE_WORSE: "govuk-tag--red",
    Verdict.INCONCLUSIVE: "govuk-tag--grey",
    Verdict.NOT_REPORTED: "govuk-tag--grey",
}
_CHOICES = {
    "service_area": ServiceArea,
    "intervention_type": InterventionType,
    "outcome_kind": OutcomeKind,
    "better_direction": BetterDirection,
    "design": Design,
    "stopping_rule": StoppingRule,
}
_DATES = {"start_date", "end_date", "results_due_date"}
_MONEY = {"setup_cost", "running_cost", "value_per_outcome"}
_STEP_OF_FIELD = {
    name: step.slug for step in STEPS for name in step.form_class._meta.fields if name in plan_module.PLAN_FIELDS
}


def status_tag_class(status: str) -> str:
    return STATUS_TAG.get(status, "govuk-tag--grey")


def verdict_tag_class(verdict: str) -> str:
    return VERDICT_TAG.get(verdict, "govuk-tag--grey")


def field_label(name: str) -> str:
    from .models import Pilot

    return str(Pilot._meta.get_field(name).verbose_name).capitalize()


def display_value(name: str, value: Any) -> str:
    """A plan value, in canonical (JSON) form or as stored, as a person reads it."""
    if value in (None, ""):
        return _("Not given")
    if name in _CHOICES:
        try:
            return str(_CHOICES[name](value).label)
        except ValueError:
            return str(value)
    if name in _DATES:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        return date_format(date, "j F Y")
    if name in _MONEY:
        return f"£{Decimal(value):,.2f}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def design_description(design: str) -> str:
    level = MSMS_LEVEL.get(design) if design else None
    if level is None:
        return str(MSMS_MEANING[None]).capitalize()
    return _("Level %(level)s of 5: %(meaning)s") % {"level": level, "meaning": MSMS_MEANING[level]}


@dataclass(frozen=True)
class Row:
    key: str
    value: str
    field: str
    step: str | None


def plan_rows(pilot) -> list[Row]:
    rows = [
        Row(field_label(name), display_value(name, getattr(pilot, name)), name, _STEP_OF_FIELD.get(name))
        for name in plan_module.PLAN_FIELDS
    ]
    rows.insert(
        plan_module.PLAN_FIELDS.index("design") + 1,
        Row(_("Evidence level"), design_description(pilot.design), "msms", None),
    )
    return rows


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str
    diff_html: SafeString | None  # word-level diff for long text, otherwise None


def _word_diff(old: str, new: str) -> SafeString:
    old_words, new_words = old.split(), new.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            removed = escape(" ".join(old_words[a1:a2]))
            parts.append(f'<del class="pb-diff-old"><span class="govuk-visually-hidden">{_("removed:")} </span>'
                         f"{removed}</del>")
        if b2 > b1:
            added = escape(" ".join(new_words[b1:b2]))
            parts.append(f'<ins class="pb-diff-new"><span class="govuk-visually-hidden">{_("added:")} </span>'
                         f"{added}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece of text above is escaped


def change_rows(changes: dict[str, dict[str, Any]]) -> list[ChangeRow]:
    rows = []
    for name in plan_module.PLAN_FIELDS:
        if name not in changes:
            continue
        old, new = changes[name]["old"], changes[name]["new"]
        long_text = isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > 60
        rows.append(
            ChangeRow(
                label=field_label(name),
                old=display_value(name, old),
                new=display_value(name, new),
                diff_html=_word_diff(old, new) if long_text and name not in _CHOICES else None,
            )
        )
    return rows


def _plain_number(number: Decimal) -> str:
    """A size for a sentence: whole numbers from 100, one decimal place from 10, otherwise two; no trailing 0s."""
    size = abs(number)
    places = Decimal(1) if size >= 100 else Decimal("0.1") if size >= 10 else Decimal("0.01")
    text = format(size.quantize(places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def effect_sentence(pilot, result) -> str:
    """One plain-English sentence for the headline result, in the outcome's own words and unit."""
    try:
        low, high = Decimal(result.ci_low), Decimal(result.ci_high)
    except (InvalidOperation, TypeError):
        return ""
    unit = pilot.outcome_unit
    fmt = _plain_number
    outcome = pilot.outcome_name.lower() or _("the outcome")
    if low > 0:
        return _("The change probably increased %(outcome)s by between %(low)s and %(high)s %(unit)s.") % {
            "outcome": outcome, "low": fmt(low), "high": fmt(high), "unit": unit}
    if high < 0:
        return _("The change probably reduced %(outcome)s by between %(low)s and %(high)s %(unit)s.") % {
            "outcome": outcome, "low": fmt(high), "high": fmt(low), "unit": unit}
    return _(
        "The effect on %(outcome)s could be anything from a fall of %(low)s to a rise of %(high)s %(unit)s."
    ) % {"outcome": outcome, "low": fmt(low), "high": fmt(high), "unit": unit}


VERDICT_EXPLANATION = {
    Verdict.WORKED: _("We can be confident the change improved the primary outcome."),
    Verdict.NO_WORTHWHILE_EFFECT: _(
        "We can be confident that any benefit is smaller than the smallest effect worth having."
    ),
    Verdict.MADE_WORSE: _("We can be confident the change made the primary outcome worse."),
    Verdict.INCONCLUSIVE: _("The pilot could not tell whether the change made a worthwhile difference."),
    Verdict.NOT_REPORTED: _("The source describes what was done but reports no measured outcome."),
}


def pilot_row(pilot, user) -> dict:
    """A pilot in a list of pilots: its status, and its verdict where `user` may see the result."""
    result = getattr(pilot, "result", None) if pilot.result_shown_to(user) else None
    return {
        "pilot": pilot,
        "status_tag": status_tag_class(pilot.status),
        "verdict": result.get_verdict_display() if result else None,
        "verdict_tag": verdict_tag_class(result.verdict) if result else None,
    }
