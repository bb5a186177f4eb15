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

The code: ``base`` (designs, errors, helpers), ``outcomes`` (yes/no, continuous, counts), ``time_to_event``,
``results`` (what comes back) and ``calculations`` (the four questions and their explanations).
"""

from pilotbook.stats.power.base import LOG2, Cluster, Design, Individual, PowerInputError, TimeEffect
from pilotbook.stats.power.calculations import (
    councils_needed,
    describe_method,
    effect_unit,
    minimum_detectable_effect,
    power_for_sample,
    sample_size,
)
from pilotbook.stats.power.outcomes import Binary, Continuous, Count
from pilotbook.stats.power.results import CouncilsNeeded, DetectableEffect, Outcome, PowerResult, SampleSize
from pilotbook.stats.power.time_to_event import TimeToEvent

__all__ = [
    "LOG2",
    "Binary",
    "Cluster",
    "Continuous",
    "Count",
    "CouncilsNeeded",
    "Design",
    "DetectableEffect",
    "Individual",
    "Outcome",
    "PowerInputError",
    "PowerResult",
    "SampleSize",
    "TimeEffect",
    "TimeToEvent",
    "councils_needed",
    "describe_method",
    "effect_unit",
    "minimum_detectable_effect",
    "power_for_sample",
    "sample_size",
]
