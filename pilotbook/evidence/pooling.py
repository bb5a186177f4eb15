"""Pooling a group's pilots: each pilot's effect for the group's measure, the meta-analysis, and the ratings.

Only the maths's inputs are assembled here; pilotbook.stats.effect_sizes, .meta and .rating do the maths.
A pilot that cannot give the group's measure is listed with the reason, never silently dropped.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from scipy.stats import norm

from pilotbook.pilots.choices import BetterDirection, OutcomeKind
from pilotbook.pilots.models import Amendment, Pilot
from pilotbook.stats import effect_sizes, meta, rating

from .models import PooledGroup

COUNT_MEASURES = {"RR", "OR", "RD"}
MEAN_MEASURES = {"MD", "SMD"}
# Designs whose group totals mix the periods before and after the change (pilotbook.stats.analysis).
BEFORE_AND_AFTER = {"did", "before_after"}


@dataclass
class Member:
    pilot: Pilot
    yi: float | None = None
    vi: float | None = None
    reason: str = ""  # why it cannot be pooled; empty when it can
    rating: rating.Rating | None = None


def members_visible_to(group: PooledGroup, user):
    """The group's pilots this person may see, with results released (published, past any embargo)."""
    amended = Amendment.objects.filter(pilot=OuterRef("pk"), after_results_seen=True)
    return (Pilot.objects.visible_to(user).results_released().filter(pooled_memberships__group=group)
            .select_related("council", "result", "result__analysis").prefetch_related("joint_councils")
            .annotate(amended_after_results=Exists(amended)).order_by("published_at", "pk"))


def _interval_level(pilot: Pilot) -> float:
    analysis = pilot.result.analysis
    return 1 - analysis.output.get("alpha", 0.05) if analysis is not None else 0.95


def _arms(pilot: Pilot):
    """(pilot arm, comparison arm) summaries from the analysis behind the result, or None."""
    analysis = pilot.result.analysis
    if analysis is None:
        return None
    comparison = analysis.output["comparisons"][0]
    arms = {arm["label"]: arm for arm in analysis.output["arms"]}
    return arms.get(comparison["arm"]), arms.get(comparison["control"])


def effect_of(pilot: Pilot, measure: str) -> tuple[float, float] | str:
    """(yi, vi) on the analysis scale for the group's measure, or the plain reason it cannot be given."""
    result = pilot.result
    if not result.is_measured:
        return "Its source reported no measured outcome, so it has no effect to pool."
    if not result.has_interval:
        return "Its source reported a verdict without an effect and confidence interval, so it cannot be pooled."
    if measure == "GENERIC":
        low, high = float(result.ci_low), float(result.ci_high)
        if high <= low:
            return "Its result has no confidence interval width, so its precision is unknown."
        se = (high - low) / (2 * norm.isf((1 - _interval_level(pilot)) / 2))
        return float(result.estimate), se * se
    analysis = result.analysis
    if analysis is None:
        return "It was analysed outside Pilotbook, so the group totals this measure needs are not available."
    if analysis.output.get("design") in BEFORE_AND_AFTER:
        return ("It compared periods before and after the change, so its group totals cannot give this measure; "
                "pool it in a group that uses each recorded effect.")
    arms = _arms(pilot)
    if arms is None or None in arms:
        return "Its analysis does not hold the totals of both groups that this measure needs."
    new, old = arms
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", effect_sizes.StudyDroppedWarning)  # sizes.notes carries it to the page
        try:
            if measure in COUNT_MEASURES:
                if pilot.outcome_kind != OutcomeKind.BINARY:
                    return "Its outcome is not yes-or-no, so it has no risk or odds ratio."
                sizes = effect_sizes.from_counts(measure, [new["events"]], [new["n"]], [old["events"]], [old["n"]])
            elif measure in MEAN_MEASURES:
                if pilot.outcome_kind != OutcomeKind.CONTINUOUS:
                    return "Its outcome is not a measurement, so it has no mean difference."
                sizes = effect_sizes.from_means(measure, [new["mean"]], [new["sd"]], [new["n"]], [old["mean"]],
                                                [old["sd"]], [old["n"]])
            else:
                return f"Unknown measure {measure}."
        except (effect_sizes.EffectSizeError, KeyError) as exc:
            return f"Its figures cannot give this measure: {exc}"
    if not sizes.k:
        return "; ".join(sizes.notes) or "Neither group had any events, so it carries no information on a ratio."
    # Totals from a cluster-randomised pilot count people, not independent units: its variance carries the design
    # effect, as if the totals were divided by it (Cochrane Handbook 23.1.4, "effective sample size").
    design_effect = analysis.output.get("design_effect") if analysis.output.get("design") == "cluster" else None
    return sizes.yi[0], sizes.vi[0] * max(design_effect or 1.0, 1.0)


def _amended_after_results(pilot: Pilot) -> bool:
    annotated = getattr(pilot, "amended_after_results", None)  # set by members_visible_to, one query for all
    if annotated is not None:
        return annotated
    return pilot.amendments.filter(after_results_seen=True).exists()


def pilot_evidence(pilot: Pilot) -> rating.PilotEvidence:
    """What the rating needs about a pilot, from its own recorded result, so its rating is the same in every group;
    the interval is oriented so that positive is better, in the unit of its smallest worthwhile effect."""
    result = pilot.result
    low, high = (float(result.ci_low), float(result.ci_high)) if result.has_interval else (None, None)
    if low is not None and pilot.better_direction == BetterDirection.LOWER:
        low, high = -high, -low
    worthwhile = float(pilot.worthwhile_effect) if pilot.worthwhile_effect else None
    return rating.PilotEvidence(
        design_level=pilot.msms_level or 1,
        # Registered on or before the day it started (Pilot.preregistered), not merely registered at some point.
        preregistered=pilot.preregistered,
        registered_on=pilot.registered_on,
        started_on=pilot.started_on,
        amended_after_results=_amended_after_results(pilot),
        sample_size=result.sample_size,
        planned_sample_size=pilot.planned_sample,
        ci_low=low, ci_high=high, worthwhile=worthwhile,
    )


@dataclass
class GroupAnalysis:
    members: list[Member]
    pooled: meta.PooledResult | None
    summary: list[str]
    rating: rating.Rating | None
    problem: str  # why there is no pooled result, when there is none
    councils: int  # councils behind the usable pilots; the fewest there can be when some are withheld
    councils_withheld: int = 0  # usable pilots whose council this reader may not know
    comparable: bool = True  # False when the usable pilots mix units or directions (see incomparable)

    @property
    def usable(self) -> list[Member]:
        """The members whose effect can be pooled."""
        return [m for m in self.members if not m.reason]

    @property
    def can_recalculate(self) -> bool:
        """Whether another method could give a pooled result: two or more comparable usable pilots."""
        return len(self.usable) >= 2 and self.comparable


def count_councils(members: list[Member], user) -> tuple[int, int]:
    """Councils behind these pilots as this reader may know them, and how many pilots' councils are withheld.

    A pilot published with its council's name withheld may come from a council already counted, so for a reader
    who may not see it the count is the fewest there can be; counting it exactly would give the council away.
    """
    shown = [m.pilot.council_shown_to(user) for m in members]
    # Every council of a case study several ran together; none for one an organisation ran without a council.
    named = {council.pk for m, is_shown in zip(members, shown, strict=True) if is_shown
             for council in m.pilot.all_councils()}
    withheld = shown.count(False)
    return max(len(named), 1 if withheld else 0), withheld


# Measures whose effects are in the outcome's own unit, so only pilots sharing a unit can be pooled.
UNIT_MEASURES = {"GENERIC", "MD"}


def incomparable(usable: list[Member], measure: str) -> str:
    """Why these pilots' effects cannot be pooled as they are (mixed units or directions), or "" if they can."""
    directions = {m.pilot.better_direction for m in usable}
    if len(directions) > 1:
        return ("These pilots' outcomes point opposite ways (for some higher is better, for others lower), so they "
                "do not measure a comparable outcome. Split the group.")
    units = {" ".join((m.pilot.outcome_unit or "").lower().split()) for m in usable}
    if measure in UNIT_MEASURES and len(units) > 1:
        listed = "; ".join(sorted(u or "no unit given" for u in units))
        return (f"These pilots measure in different units ({listed}), so their effects cannot be added up. "
                "Split the group, or use the standardised mean difference (SMD) for measurements.")
    return ""


def analyse_group(group: PooledGroup, user, *, method: str = "REML", hksj: bool = False) -> GroupAnalysis:
    members = []
    for pilot in members_visible_to(group, user):
        found = effect_of(pilot, group.measure)
        member = Member(pilot) if isinstance(found, str) else Member(pilot, *found)
        if isinstance(found, str):
            member.reason = found
        # An outcome the source did not report is not evidence of anything, so it is not rated.
        member.rating = rating.rate_pilot(pilot_evidence(pilot)) if pilot.result.is_measured else None
        members.append(member)
    usable = [m for m in members if not m.reason]
    councils, withheld = count_councils(usable, user)
    if len(usable) < 2:
        return GroupAnalysis(members, None, [], None,
                             "Fewer than two of the pilots you can see give this measure, so there is nothing to "
                             "pool yet.", councils, withheld)
    problem = incomparable(usable, group.measure)
    if problem:
        return GroupAnalysis(members, None, [], None, problem, councils, withheld, comparable=False)
    labels = [f"{m.pilot.pk}" for m in usable]
    try:
        pooled = meta.pool([m.yi for m in usable], [m.vi for m in usable], method=method, hksj=hksj,
                           measure=group.measure, labels=labels)
    except meta.PoolingError as exc:
        return GroupAnalysis(members, None, [], None, str(exc), councils, withheld)
    evidence = [pilot_evidence(m.pilot) for m in usable]
    worthwhile = None
    # The rating compares the pooled interval with a worthwhile effect only when every pilot shares one, in the
    # outcome's unit, with higher better (the pooled interval is not re-oriented).
    if group.measure == "GENERIC" and all(m.pilot.better_direction == BetterDirection.HIGHER for m in usable):
        values = {float(m.pilot.worthwhile_effect) for m in usable if m.pilot.worthwhile_effect}
        worthwhile = values.pop() if len(values) == 1 else None
    group_rating = rating.rate_pooled(pooled, evidence, councils=councils, worthwhile=worthwhile,
                                      councils_at_least=bool(withheld))
    return GroupAnalysis(members, pooled, meta.describe(pooled), group_rating, "", councils, withheld)
