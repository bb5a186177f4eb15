"""The four questions a power calculation answers, and the sentences that explain each answer."""

from __future__ import annotations

import math
from dataclasses import replace

from scipy.optimize import brentq

from pilotbook.stats.power.base import (
    _FEW_CLUSTERS,
    Cluster,
    Design,
    Individual,
    TimeEffect,
    _a,
    _ceil,
    _clusters,
    _finite,
    _pct,
    _people,
    _require,
)
from pilotbook.stats.power.outcomes import Binary, Continuous, Count
from pilotbook.stats.power.results import CouncilsNeeded, DetectableEffect, Outcome, PowerResult, SampleSize
from pilotbook.stats.power.time_to_event import TimeToEvent

# --- public functions --------------------------------------------------------------------------------


def sample_size(
    outcome: Outcome,
    worthwhile: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    design: Design | None = None,
) -> SampleSize:
    """People (and clusters) per group to have ``power`` to show the smallest worthwhile effect."""
    design = design or Individual()
    _check_settings(alpha, power, ratio)
    sign = _hardest_sign(outcome, worthwhile, alpha, power, ratio)
    n = outcome.n_exact(worthwhile, sign, alpha, power, ratio) * design.design_effect
    per_group, change_group = _ceil(n), _ceil(n * ratio)
    clusters = _clusters(design, n), _clusters(design, n * ratio)
    events = None
    if isinstance(outcome, TimeToEvent):
        events = _ceil(outcome.events_exact(worthwhile, sign, alpha, power, ratio) * design.design_effect)
    sized = SampleSize(
        kind=outcome.kind,
        alpha=alpha,
        power=power,
        worthwhile=worthwhile,
        per_group=per_group,
        change_group=change_group,
        total=per_group + change_group,
        per_group_exact=n,
        clusters_per_group=clusters[0],
        clusters_change_group=clusters[1],
        design_effect=design.design_effect,
        events_needed=events,
        method=describe_method(outcome, design),
        explanation="",
    )
    return replace(sized, explanation=" ".join(_explain(sized, outcome, design, sign)))


def power_for_sample(
    outcome: Outcome,
    worthwhile: float,
    per_group: float,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    design: Design | None = None,
) -> PowerResult:
    """The chance that a pilot of this size shows the smallest worthwhile effect, if that is the true effect.

    ``per_group`` is the comparison group (people, not clusters). With ``better`` unknown it is the lower of
    the two directions' powers.
    """
    design = design or Individual()
    _check_settings(alpha, 0.5, ratio)
    _require(_finite(per_group) and per_group > 0, "The sample per group must be greater than 0.")
    n = per_group / design.design_effect
    signs = _feasible_signs(outcome, worthwhile)
    sign = min(signs, key=lambda s: outcome.power(worthwhile, s, n, alpha, ratio))
    achieved = outcome.power(worthwhile, sign, n, alpha, ratio)
    explanation = (
        f"With {_people(per_group, ratio)}, a pilot has {_a(_pct(achieved))} chance of showing "
        f"{outcome.describe(worthwhile, sign)} at the {_pct(alpha)} significance level, if that is the true effect."
    )
    if achieved < 0.8:
        explanation += " That is below the usual 80%: the pilot may well end 'inconclusive'."
    return PowerResult(
        outcome.kind, alpha, worthwhile, per_group, per_group * ratio, design.design_effect, achieved,
        describe_method(outcome, design), explanation,
    )


def minimum_detectable_effect(
    outcome: Outcome,
    per_group: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    design: Design | None = None,
) -> DetectableEffect:
    """The smallest effect this sample has ``power`` to show, in the units of ``worthwhile``.

    Solved with Brent's method on the power curve (no closed form once the variance depends on the effect).
    With ``better`` unknown it is the larger of the two directions' answers.
    """
    design = design or Individual()
    _check_settings(alpha, power, ratio)
    _require(_finite(per_group) and per_group > 0, "The sample per group must be greater than 0.")
    n = per_group / design.design_effect
    found = [(_mde_one_side(outcome, sign, n, alpha, power, ratio), sign) for sign in outcome.signs()]
    effect, sign = max(found, key=lambda pair: _magnitude(outcome, pair[0]))
    explanation = (
        f"With {_people(per_group, ratio)}, the smallest true effect this pilot has {_a(_pct(power))} chance of "
        f"showing at the {_pct(alpha)} significance level is {outcome.describe(effect, sign)}. Smaller effects "
        "may be real but would probably end 'inconclusive'."
    )
    return DetectableEffect(
        outcome.kind, alpha, power, per_group, per_group * ratio, design.design_effect, effect, effect_unit(outcome),
        describe_method(outcome, design), explanation,
    )


def councils_needed(
    outcome: Outcome,
    worthwhile: float,
    *,
    people_per_council: int,
    icc: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
) -> CouncilsNeeded:
    """How many councils, each putting ``people_per_council`` people (both groups) into the pilot, are needed.

    - ``icc = 0``: each council randomises its own people and the samples are pooled, so the councils
      together need the individually randomised total (``ceil(total / people_per_council)``).
    - ``icc > 0``: whole councils get the change or not (a council-wide policy), so each council is a
      cluster of ``m = people_per_council`` and ``icc`` is the correlation between people in one council;
      the sample grows by the design effect ``1 + (m - 1)·icc`` and councils are counted per group.
    """
    _require(
        isinstance(people_per_council, int) and not isinstance(people_per_council, bool) and people_per_council >= 2,
        "The people per council must be a whole number of 2 or more.",
    )
    _require(_finite(icc) and 0 <= icc < 1, "The ICC between councils must be at least 0 and less than 1.")
    sized = sample_size(outcome, worthwhile, alpha=alpha, power=power, ratio=ratio)
    if icc == 0:
        return _councils_pooled(sized, people_per_council)
    return _councils_as_clusters(sized, people_per_council, icc, ratio)


def effect_unit(outcome: Outcome) -> str:
    """What the numbers in ``worthwhile`` and a minimum detectable effect measure."""
    if isinstance(outcome, Binary):
        return "difference in proportions"
    if isinstance(outcome, Count):
        return "rate ratio" if outcome.is_ratio else "difference in rate per unit of exposure"
    if isinstance(outcome, TimeToEvent):
        hazard = TimeEffect(outcome.effect) is TimeEffect.HAZARD_RATIO
        return "hazard ratio" if hazard else "difference in median time"
    return "difference in the outcome's units"


def _councils_pooled(sized: SampleSize, m: int) -> CouncilsNeeded:
    councils = max(1, _ceil(sized.total / m))
    if councils == 1:
        text = f"One council with {m:,} people is enough: the pilot needs {sized.total:,} people in all."
    else:
        text = (
            f"{councils:,} councils, each putting {m:,} people into the pilot and randomising its own people, "
            f"would together have the {sized.total:,} people needed for {_a(_pct(sized.power))} chance of "
            "showing the smallest worthwhile effect."
        )
    method = f"{sized.method[:-1]}; councils pooled: ceil(total people / people per council)."
    return CouncilsNeeded(councils, m, 0.0, 1.0, sized.total, None, None, method, text)


def _councils_as_clusters(sized: SampleSize, m: int, icc: float, ratio: float) -> CouncilsNeeded:
    design = Cluster(icc=icc, cluster_size=m)
    n = sized.per_group_exact * design.design_effect
    control, change = max(2, _ceil(n / m)), max(2, _ceil(n * ratio / m))
    councils = control + change
    text = (
        f"If whole councils get the change or not, {councils:,} councils of {m:,} people are needed "
        f"({control:,} keeping things as they are and {change:,} making the change): differences between councils "
        f"(ICC {icc:g}) multiply the sample by {design.design_effect:.2f}."
    )
    if control < _FEW_CLUSTERS:
        text += " With fewer than 10 councils per group this is optimistic; add a council or two per group."
    if m * icc > 1:
        text += f" Beyond about {1 / icc:,.0f} people per council, more people per council hardly helps: add councils."
    method = (
        f"{sized.method[:-1]}; councils randomised whole as clusters, design effect 1 + (m - 1)ICC = "
        f"{design.design_effect:.3f}."
    )
    people = _ceil(n) + _ceil(n * ratio)
    return CouncilsNeeded(councils, m, icc, design.design_effect, people, control, change, method, text)




def _check_settings(alpha: float, power: float, ratio: float) -> None:
    _require(_finite(alpha) and 0 < alpha < 1, "The significance level (alpha) must be between 0 and 1.")
    _require(_finite(power) and alpha / 2 < power < 1, "The power must be between alpha/2 and 1, such as 0.8.")
    _require(_finite(ratio) and ratio > 0, "The allocation ratio must be greater than 0.")


def _feasible_signs(outcome: Outcome, worthwhile: float) -> list[int]:
    """The directions in which the worthwhile effect is possible, or a plain-English error if none is."""
    _require(_finite(worthwhile) and worthwhile > 0, "The smallest worthwhile effect must be greater than 0.")
    signs = [sign for sign in outcome.signs() if outcome.feasible(worthwhile, sign)]
    _require(bool(signs), _infeasible_message(outcome))
    return signs


def _infeasible_message(outcome: Outcome) -> str:
    if isinstance(outcome, Binary):
        return "The control rate plus or minus the worthwhile difference must stay between 0 and 1."
    if isinstance(outcome, Count):
        if outcome.is_ratio:
            return "The rate ratio must be greater than 0 and not 1."
        return "The worthwhile difference would take the rate below zero."
    if isinstance(outcome, TimeToEvent) and TimeEffect(outcome.effect) is TimeEffect.HAZARD_RATIO:
        return "The hazard ratio must be greater than 0 and not 1."
    return "The worthwhile difference would take the median time below zero."


def _direction_matters(outcome: Outcome) -> bool:
    """Whether a rise and a fall of the same size need different samples (not for a mean or a hazard ratio)."""
    if isinstance(outcome, TimeToEvent):
        return TimeEffect(outcome.effect) is TimeEffect.MEDIAN_DAYS
    if isinstance(outcome, Count):
        return not outcome.is_ratio
    return not isinstance(outcome, Continuous)


def _magnitude(outcome: Outcome, effect: float) -> float:
    """How far an effect is from 'no effect', to compare the two directions (a ratio on the log scale)."""
    if _is_ratio(outcome):
        return abs(math.log(effect))
    return effect


def _is_ratio(outcome: Outcome) -> bool:
    if isinstance(outcome, TimeToEvent):
        return TimeEffect(outcome.effect) is TimeEffect.HAZARD_RATIO
    return isinstance(outcome, Count) and outcome.is_ratio


def _hardest_sign(outcome: Outcome, worthwhile: float, alpha: float, power: float, ratio: float) -> int:
    """The direction needing more people: the registered better direction, or the worse case if unknown."""
    signs = _feasible_signs(outcome, worthwhile)
    return max(signs, key=lambda sign: outcome.n_exact(worthwhile, sign, alpha, power, ratio))


def _mde_one_side(outcome: Outcome, sign: int, n: float, alpha: float, power: float, ratio: float) -> float:
    """Brent's method between the weakest and the strongest effect possible in this direction."""
    weakest, strongest = outcome.effect_range(sign)

    def shortfall(effect: float) -> float:
        return outcome.power(effect, sign, n, alpha, ratio) - power

    _require(
        shortfall(strongest) >= 0,
        "Even the largest possible effect could not be shown reliably with this sample; it is too small.",
    )
    if shortfall(weakest) >= 0:
        return weakest
    low, high = sorted((weakest, strongest))
    return float(brentq(shortfall, low, high, xtol=1e-12, rtol=1e-12))




def describe_method(outcome: Outcome, design: Design | None = None) -> str:
    """The method in one line, as shown under every result."""
    design = design or Individual()
    text = f"{outcome.method}; two-sided alpha, power in the direction of the effect"
    if isinstance(design, Cluster):
        text += f"; cluster randomised, design effect 1 + ((1 + cv²)m - 1)ICC = {design.design_effect:.3f}"
    return text + "."


def _explain(sized: SampleSize, outcome: Outcome, design: Design, sign: int) -> list[str]:
    """Sentences a council officer can read: what is detected, how many people, and any caveats."""
    effect = outcome.describe(sized.worthwhile, sign)
    groups = (
        f"{sized.per_group:,} people in each group ({sized.total:,} in all)"
        if sized.per_group == sized.change_group
        else f"{sized.per_group:,} people in the comparison group and {sized.change_group:,} getting the change "
        f"({sized.total:,} in all)"
    )
    parts = [
        f"To have {_a(_pct(sized.power))} chance of showing {effect} at the {_pct(sized.alpha)} significance level "
        f"(the test behind the 'worked' verdict), you need {groups}."
    ]
    if len(outcome.signs()) == 2 and _direction_matters(outcome):
        parts.append("Which direction is better was not given, so this is sized for the direction needing more people.")
    if sized.events_needed is not None:
        parts.append(f"The analysis needs about {sized.events_needed:,} events in all.")
    clusters = sized.clusters_per_group  # set exactly when the design is a cluster design
    if isinstance(design, Cluster) and clusters is not None:
        parts.append(
            f"Because whole clusters are randomised, that is {clusters:,} clusters of about "
            f"{design.cluster_size:g} people in each group; clustering multiplies the sample by "
            f"{design.design_effect:.2f}."
        )
        if clusters < _FEW_CLUSTERS:
            parts.append("With fewer than 10 clusters per group this is optimistic; add a cluster or two per group.")
    return parts
