"""Power and sample size for a council pilot: every outcome kind, randomised by person or by cluster.

Conventions shared by every function here:

- ``alpha`` is two-sided (default 0.05), so the test behind the numbers is the one behind the "worked"
  verdict: the 95% CI excludes zero. **Power** is the chance that it excludes zero *on the side of the true
  effect*; the opposite tail is left out, as R's ``power.prop.test`` and ``power.t.test`` do by default
  (``strict = FALSE``), so a sample size and the power at that sample size are exact inverses.
- ``ratio`` is the allocation ratio: people getting the change per person in the comparison group.
  ``per_group`` always means the *comparison* group; the change group has ``ratio`` times as many.
- ``worthwhile`` is the smallest worthwhile effect, a positive number in the outcome's units (a hazard
  ratio on the hazard-ratio scale). Where the direction changes the answer (a rise from 30% needs more
  people than a fall), the outcome's ``better`` decides it; left as ``None``, we size for whichever
  direction needs more people, so a council is never told too few.

Methods (named in every result's ``method``):

- **binary**: two proportions, normal approximation with the variance under "no effect" from the pooled
  proportion and the variance under the effect unpooled (Fleiss, *Statistical Methods for Rates and
  Proportions*), no continuity correction; statsmodels' ``normal_sample_size_one_tail`` and
  ``normal_power_het``. Matches R's ``power.prop.test`` and statsmodels' ``power_proportions_2indep``
  (not ``NormalIndPower`` with ``proportion_effectsize``, which works on the arcsine scale).
- **continuous**: two-sample t-test (noncentral t, statsmodels ``TTestIndPower``), as R's ``power.t.test``;
  an optional correlation with a baseline measure shrinks the SD by ``sqrt(1 - r²)`` (ANCOVA).
- **count**: difference in Poisson rates per unit of exposure, the same pooled-null/unpooled-alternative
  normal approximation (statsmodels' ``power_poisson_diff_2indep``, score variance), with an optional
  dispersion factor (variance = dispersion x mean) for counts more variable than Poisson; the worthwhile
  effect may be given as a difference in rates or as a rate ratio.
- **time_to_event**: Schoenfeld's number of events for a hazard ratio,
  ``D = (z_{1-alpha/2} + z_power)² (1 + ratio)² / (ratio · log(HR)²)`` (Schoenfeld 1983), or Freedman's
  ``D = (z_{1-alpha/2} + z_power)² (1 + ratio·HR)² / (ratio · (1 - HR)²)`` (Freedman 1982), turned into people
  by the share expected to have the event: given directly (``event_probability``), or from exponential
  survival over the follow-up (``1 - exp(-log 2 · follow_up / median)`` per group), or everyone.
- **cluster randomised**: the individually randomised sample times the design effect
  ``1 + ((1 + cv²)·m - 1)·ICC`` (Eldridge, Ashby & Kerry 2006; ``1 + (m - 1)·ICC`` for equal clusters of
  size ``m``), and clusters per group rounded up.
- **councils needed**: councils that each randomise their own people simply pool their samples; councils
  randomised whole are clusters of their pilot population with a between-council ICC (design effect above).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar

from scipy.optimize import brentq
from scipy.stats import norm
from statsmodels.stats.power import TTestIndPower, normal_power_het, normal_sample_size_one_tail

from .verdicts import Better

LOG2 = math.log(2.0)
_TINY = 1e-9  # keeps searches strictly inside open intervals (a rate of exactly 0 or 1 has no variance)
_FEW_CLUSTERS = 10  # below this many clusters per group the normal approximation flatters the design


class PowerInputError(ValueError):
    """Input a council officer can fix; the message says what is wrong in plain English."""


class TimeEffect(StrEnum):
    """How a time-to-event pilot states its smallest worthwhile effect."""

    MEDIAN_DAYS = "median_days"  # a difference in median time, in the outcome's units (days)
    HAZARD_RATIO = "hazard_ratio"  # a hazard ratio (change group's event rate / comparison group's)


# --- designs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Individual:
    """Randomised person by person: no design effect."""

    design_effect: ClassVar[float] = 1.0
    cluster_size: ClassVar[float | None] = None


@dataclass(frozen=True)
class Cluster:
    """Randomised by cluster (ward, round, school, household) of mean size ``cluster_size``.

    ``cv`` is the coefficient of variation of cluster sizes (0 when all are the same size); unequal
    clusters carry less information, which the design effect accounts for.
    """

    icc: float
    cluster_size: float
    cv: float = 0.0

    def __post_init__(self) -> None:
        _require(_finite(self.icc) and 0 <= self.icc < 1, "The ICC must be at least 0 and less than 1.")
        _require(_finite(self.cluster_size) and self.cluster_size >= 1, "The mean cluster size must be 1 or more.")
        _require(_finite(self.cv) and self.cv >= 0, "The coefficient of variation of cluster size cannot be negative.")

    @property
    def design_effect(self) -> float:
        return 1 + ((1 + self.cv**2) * self.cluster_size - 1) * self.icc


Design = Individual | Cluster


# --- outcomes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binary:
    """A yes/no outcome (paid, made contact) with the comparison group's expected rate, a fraction 0-1."""

    control_rate: float
    better: Better | None = None
    kind: ClassVar[str] = "binary"
    method: ClassVar[str] = (
        "Two proportions, normal approximation: pooled variance under no effect, unpooled under the effect "
        "(Fleiss), no continuity correction"
    )

    def __post_init__(self) -> None:
        _require(_finite(self.control_rate) and 0 < self.control_rate < 1, "The control rate must be between 0 and 1.")
        _check_better(self.better)

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def feasible(self, effect: float, sign: int) -> bool:
        return 0 < self.control_rate + sign * effect < 1

    def effect_range(self, sign: int) -> tuple[float, float]:
        """The weakest and the strongest effect possible in this direction, for the MDE search."""
        return _TINY, (1 - self.control_rate if sign > 0 else self.control_rate) - _TINY

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        std_null, std_alt = self._stds(effect, sign, ratio)
        return float(normal_sample_size_one_tail(effect, power, alpha / 2, std_null, std_alt))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        std_null, std_alt = self._stds(effect, sign, ratio)
        return float(normal_power_het(effect, n, alpha / 2, std_null, std_alt, alternative="larger"))

    def _stds(self, effect: float, sign: int, ratio: float) -> tuple[float, float]:
        """SDs of the difference per comparison-group person, with no effect (pooled) and with the effect."""
        p0 = self.control_rate
        p1 = p0 + sign * effect
        pooled = (p0 + ratio * p1) / (1 + ratio)
        return math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio)), math.sqrt(p0 * (1 - p0) + p1 * (1 - p1) / ratio)

    def describe(self, effect: float, sign: int) -> str:
        p1 = self.control_rate + sign * effect
        change = "rise" if sign > 0 else "fall"
        return f"a {change} from {_pct(self.control_rate)} to {_pct(p1)} ({effect * 100:.3g} percentage points)"


@dataclass(frozen=True)
class Continuous:
    """A measured outcome (days, pounds, a score) with its standard deviation.

    ``baseline_correlation`` is the correlation between the outcome and the same measure before the pilot;
    adjusting for it (ANCOVA) shrinks the SD to ``sd·sqrt(1 - r²)``. ``control_mean`` only words the result.
    """

    sd: float
    control_mean: float | None = None
    baseline_correlation: float = 0.0
    kind: ClassVar[str] = "continuous"

    def __post_init__(self) -> None:
        _require(_finite(self.sd) and self.sd > 0, "The standard deviation must be greater than 0.")
        _require(
            _finite(self.baseline_correlation) and -1 < self.baseline_correlation < 1,
            "The correlation with the baseline must be between -1 and 1.",
        )
        _require(self.control_mean is None or _finite(self.control_mean), "The control mean must be a number.")

    @property
    def method(self) -> str:
        adjusted = ", SD reduced for the baseline (ANCOVA)" if self.baseline_correlation else ""
        return f"Two-sample t-test (noncentral t){adjusted}"

    def signs(self) -> tuple[int, ...]:
        return (1,)  # symmetric: the direction never changes the answer

    def feasible(self, effect: float, sign: int) -> bool:
        return True

    def effect_range(self, sign: int) -> tuple[float, float]:
        return _TINY * self._sd, 100 * self._sd

    @property
    def _sd(self) -> float:
        return self.sd * math.sqrt(1 - self.baseline_correlation**2)

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        if n * (1 + ratio) <= 2:
            return 0.0  # no degrees of freedom left to estimate the SD: the test cannot reject
        d = effect / self._sd
        value = float(TTestIndPower().power(d, n, alpha / 2, ratio=ratio, alternative="larger"))
        if not math.isfinite(value):  # scipy's noncentral t gives NaN at some large samples, where t is normal
            value = float(norm.cdf(d * math.sqrt(n * ratio / (1 + ratio)) - norm.isf(alpha / 2)))
        return value

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        low = 2 / min(1.0, ratio)  # at least two people in each group, or the t-test has no degrees of freedom
        if self.power(effect, sign, low, alpha, ratio) >= power:
            return low
        normal = (norm.isf(alpha / 2) + norm.ppf(power)) ** 2 * (1 + 1 / ratio) * (self._sd / effect) ** 2
        high = 2 * normal + 2 * low  # the t-test needs a few more people than the normal approximation, not double
        return brentq(lambda n: self.power(effect, sign, n, alpha, ratio) - power, low, high, xtol=1e-10)

    def describe(self, effect: float, sign: int) -> str:
        if self.control_mean is None:
            return f"a difference of {effect:.4g} (SD {self.sd:.4g})"
        mean = self.control_mean
        return f"a difference of {effect:.4g} from a comparison-group mean of {mean:.4g} (SD {self.sd:.4g})"


@dataclass(frozen=True)
class Count:
    """Events counted per person (contacts, missed bins) with the comparison group's rate per unit of exposure.

    ``exposure`` is each person's exposure (weeks, years); ``dispersion`` is the variance as a multiple of the
    mean, 1 for Poisson and more for counts that bunch up in some people. ``effect`` says what ``worthwhile``
    means: "difference" in the rate per unit of exposure, or "ratio", the change group's rate over the
    comparison group's (0.8 = a fifth fewer events).
    """

    control_rate: float
    exposure: float = 1.0
    dispersion: float = 1.0
    better: Better | None = None
    effect: str = "difference"
    kind: ClassVar[str] = "count"

    def __post_init__(self) -> None:
        _require(_finite(self.control_rate) and self.control_rate > 0, "The control rate must be greater than 0.")
        _require(_finite(self.exposure) and self.exposure > 0, "The exposure per person must be greater than 0.")
        _require(_finite(self.dispersion) and self.dispersion > 0, "The dispersion must be greater than 0.")
        _require(self.effect in {"difference", "ratio"}, "The effect must be 'difference' or 'ratio'.")
        _check_better(self.better)

    @property
    def method(self) -> str:
        model = "Poisson" if self.dispersion == 1 else f"overdispersed Poisson (variance {self.dispersion:g} x mean)"
        return f"Difference in {model} rates with exposure, normal approximation: pooled variance under no effect"

    @property
    def is_ratio(self) -> bool:
        return self.effect == "ratio"

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def new_rate(self, effect: float, sign: int) -> float:
        """The change group's rate: a rate ratio sets its own direction; a difference goes the ``sign`` way."""
        return self.control_rate * effect if self.is_ratio else self.control_rate + sign * effect

    def feasible(self, effect: float, sign: int) -> bool:
        if self.is_ratio:
            return effect > 0 and effect != 1
        return self.new_rate(effect, sign) > 0

    def effect_range(self, sign: int) -> tuple[float, float]:
        if self.is_ratio:
            return (1 + _TINY, 1e6) if sign > 0 else (1 - _TINY, 1e-6)  # (weakest, strongest)
        return _TINY * self.control_rate, (1e6 if sign > 0 else 1 - _TINY) * self.control_rate

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        gap, std_null, std_alt = self._gap_and_stds(effect, sign, ratio)
        return float(normal_sample_size_one_tail(gap, power, alpha / 2, std_null, std_alt))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        gap, std_null, std_alt = self._gap_and_stds(effect, sign, ratio)
        return float(normal_power_het(gap, n, alpha / 2, std_null, std_alt, alternative="larger"))

    def _gap_and_stds(self, effect: float, sign: int, ratio: float) -> tuple[float, float, float]:
        """The difference in counts per person, and its SDs per comparison-group person without and with it."""
        mu0 = self.control_rate * self.exposure
        mu1 = self.new_rate(effect, sign) * self.exposure
        pooled = (mu0 + ratio * mu1) / (1 + ratio)
        phi = self.dispersion
        return abs(mu1 - mu0), math.sqrt(phi * pooled * (1 + 1 / ratio)), math.sqrt(phi * (mu0 + mu1 / ratio))

    def describe(self, effect: float, sign: int) -> str:
        new = self.new_rate(effect, sign)
        return (
            f"a change in the rate from {self.control_rate:.4g} to {new:.4g} per unit of exposure "
            f"(rate ratio {new / self.control_rate:.3g})"
        )


@dataclass(frozen=True)
class TimeToEvent:
    """Time until something happens (days until a tenant makes contact), possibly cut off by follow-up.

    ``effect`` says what ``worthwhile`` means: a difference in median days (needs ``control_median``) or a
    hazard ratio. ``better`` "lower" means sooner is better (contact); "higher" means later is better (days
    until arrears recur). How many people have the event decides how many people are needed for the events:

    - ``event_probability``: the share of everyone in the pilot expected to have the event during follow-up;
    - or ``follow_up`` with ``control_median``: that share from exponential survival in each group;
    - neither: everyone is followed until the event, so people = events.

    ``formula`` is "schoenfeld" (log hazard ratio, the default) or "freedman" (hazard ratio, a little more
    cautious for hazard ratios far from 1).
    """

    control_median: float | None = None
    follow_up: float | None = None
    effect: TimeEffect = TimeEffect.MEDIAN_DAYS
    better: Better | None = None
    event_probability: float | None = None
    formula: str = "schoenfeld"
    kind: ClassVar[str] = "time_to_event"

    def __post_init__(self) -> None:
        median, follow_up, share = self.control_median, self.follow_up, self.event_probability
        _check_better(self.better)
        _require(self.effect in {"median_days", "hazard_ratio"}, "The effect must be 'median_days' or 'hazard_ratio'.")
        _require(self.formula in {"schoenfeld", "freedman"}, "The formula must be 'schoenfeld' or 'freedman'.")
        _require(median is None or (_finite(median) and median > 0), "The control median must be greater than 0.")
        _require(follow_up is None or (_finite(follow_up) and follow_up > 0), "The follow-up must be greater than 0.")
        _require(share is None or (_finite(share) and 0 < share <= 1), "The event probability must be in (0, 1].")
        _require(share is None or follow_up is None, "Give the event probability or the follow-up time, not both.")
        _require(
            TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO or median is not None,
            "A worthwhile difference in median days needs the control median too.",
        )
        _require(
            follow_up is None or median is not None,
            "With a follow-up limit we need the control median, to know how many people will have the event.",
        )

    @property
    def method(self) -> str:
        if self.event_probability is not None:
            people = f"people = events / {self.event_probability:g} (the expected share having the event)"
        elif self.follow_up:
            people = "people from the chance of the event in follow-up (exponential survival)"
        else:
            people = "everyone followed until the event, so people = events"
        events = (
            "Freedman's number of events for the hazard ratio"
            if self.formula == "freedman"
            else "Schoenfeld's number of events for the log hazard ratio"
        )
        return f"Log-rank test, {events}; {people}"

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def hazard_ratio(self, effect: float, sign: int) -> float:
        """Change group's hazard over the comparison group's; sign +1 means longer times (HR below 1)."""
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return effect
        return self.control_median / (self.control_median + sign * effect)  # exponential: hazard ∝ 1/median

    def feasible(self, effect: float, sign: int) -> bool:
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return effect > 0 and effect != 1
        return self.control_median + sign * effect > 0

    def effect_range(self, sign: int) -> tuple[float, float]:
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return (1 - _TINY, 1e-6) if sign > 0 else (1 + _TINY, 1e6)  # (weakest, strongest)
        return _TINY * self.control_median, (1e6 if sign > 0 else 1 - _TINY) * self.control_median

    def _signal(self, hr: float, ratio: float) -> float:
        """Expected log-rank z per square root of an event (Schoenfeld 1983; Freedman 1982)."""
        if self.formula == "freedman":
            return abs(1 - hr) * math.sqrt(ratio) / (1 + ratio * hr)
        return abs(math.log(hr)) * math.sqrt(ratio) / (1 + ratio)

    def events_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        z = norm.isf(alpha / 2) + norm.ppf(power)
        return float(z**2 / self._signal(self.hazard_ratio(effect, sign), ratio) ** 2)

    def _events_per_control_person(self, hr: float, ratio: float) -> float:
        """Expected events per comparison-group person, counting the change group's `ratio` people too."""
        if self.event_probability is not None:
            return (1 + ratio) * self.event_probability
        if self.follow_up is None:
            return 1 + ratio
        rate0 = LOG2 / self.control_median
        p0 = -math.expm1(-rate0 * self.follow_up)
        p1 = -math.expm1(-rate0 * hr * self.follow_up)
        return p0 + ratio * p1

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        events = self.events_exact(effect, sign, alpha, power, ratio)
        return float(events / self._events_per_control_person(self.hazard_ratio(effect, sign), ratio))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        hr = self.hazard_ratio(effect, sign)
        events = n * self._events_per_control_person(hr, ratio)
        return float(norm.cdf(self._signal(hr, ratio) * math.sqrt(events) - norm.isf(alpha / 2)))

    def describe(self, effect: float, sign: int) -> str:
        hr = self.hazard_ratio(effect, sign)
        if TimeEffect(self.effect) is TimeEffect.HAZARD_RATIO:
            return f"a hazard ratio of {hr:.3g}"
        new = self.control_median + sign * effect
        return f"a change in the median time from {self.control_median:.4g} to {new:.4g} (hazard ratio {hr:.3g})"


Outcome = Binary | Continuous | Count | TimeToEvent


# --- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """The sample a pilot needs; ``per_group`` is the comparison group, ``change_group`` the other one."""

    kind: str
    alpha: float
    power: float
    worthwhile: float
    per_group: int
    change_group: int
    total: int
    per_group_exact: float  # before rounding up, after the design effect
    clusters_per_group: int | None
    clusters_change_group: int | None
    design_effect: float
    events_needed: int | None  # time-to-event only
    method: str
    explanation: str


@dataclass(frozen=True)
class PowerResult:
    """The chance that a pilot of a given size shows the smallest worthwhile effect, if that is the truth."""

    kind: str
    alpha: float
    worthwhile: float
    per_group: float  # comparison-group people (not clusters)
    change_group: float
    design_effect: float
    power: float
    method: str
    explanation: str


@dataclass(frozen=True)
class DetectableEffect:
    """The smallest true effect a pilot of a given size has ``power`` to show (minimum detectable effect)."""

    kind: str
    alpha: float
    power: float
    per_group: float
    change_group: float
    design_effect: float
    effect: float  # in the units of ``worthwhile``: a difference, or a hazard ratio
    unit: str
    method: str
    explanation: str


@dataclass(frozen=True)
class CouncilsNeeded:
    """How many councils, each putting ``people_per_council`` people into the pilot, must run it together."""

    councils: int  # in all
    people_per_council: int
    icc: float  # between councils; 0 means the councils' samples simply add up
    design_effect: float
    people_needed: int  # in all, after the design effect
    councils_per_group: int | None  # whole councils randomised (icc > 0): councils in the comparison group
    councils_change_group: int | None
    method: str
    explanation: str


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


# --- helpers -----------------------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PowerInputError(message)


def _finite(value: float) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_better(better: Better | str | None) -> None:
    _require(better is None or better in {"higher", "lower"}, "Better must be 'higher' or 'lower'.")


def _signs(better: Better | str | None) -> tuple[int, ...]:
    if better is None:
        return (1, -1)
    return (1,) if Better(better) is Better.HIGHER else (-1,)


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


def _ceil(x: float) -> int:
    """Round a sample up, forgiving floating-point noise (1376.0000000001 people is 1376)."""
    return math.ceil(x - 1e-9 * max(1.0, x))


def _clusters(design: Design, people: float) -> int | None:
    return None if design.cluster_size is None else _ceil(people / design.cluster_size)


def _people(per_group: float, ratio: float) -> str:
    if ratio == 1:
        return f"{per_group:,.0f} people in each group"
    return f"{per_group:,.0f} people in the comparison group and {per_group * ratio:,.0f} getting the change"


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _a(word: str) -> str:
    """'a 90%' but 'an 80%' (and 'an 11%', 'an 18%'), as it is read aloud."""
    return f"an {word}" if word.startswith(("8", "11", "18")) else f"a {word}"


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
    if isinstance(design, Cluster):
        parts.append(
            f"Because whole clusters are randomised, that is {sized.clusters_per_group:,} clusters of about "
            f"{design.cluster_size:g} people in each group; clustering multiplies the sample by "
            f"{design.design_effect:.2f}."
        )
        if sized.clusters_per_group < _FEW_CLUSTERS:
            parts.append("With fewer than 10 clusters per group this is optimistic; add a cluster or two per group.")
    return parts
