"""The evaluation engine: from a :class:`~pilotbook.stats.dataset.Dataset` of sufficient statistics to effects,
intervals, p-values and verdicts for each group against the comparison group.

Methods (each named in the result's ``method``/``test`` and in ``assumptions``):

- **binary**: difference in proportions with Newcombe's hybrid score interval (Newcombe 1998, method 10;
  statsmodels ``confint_proportions_2indep(method="newcomb")``); risk ratio and odds ratio with score
  intervals (Miettinen-Nurminen; statsmodels ``method="score"``); Fisher's exact test when any expected count
  is below 5, else Pearson's chi-squared test (the score test) without continuity correction.
- **continuous**: Welch's difference in means (t with Satterthwaite's degrees of freedom); with a baseline,
  ANCOVA (``outcome ~ group + baseline``, ordinary least squares from the sums of squares and
  cross-products); Hedges' g with metafor's exact correction and variance (``effect_sizes.from_means``).
- **count**: rate difference per unit of exposure with a score interval (statsmodels
  ``confint_poisson_2indep``), rate ratio with the exact conditional (binomial) interval and test, as R's
  ``poisson.test``. Counts more variable than Poisson allows (Pearson dispersion above 1.5) switch to
  quasi-Poisson Wald intervals widened by the dispersion.
- **time-to-event**: :mod:`pilotbook.stats.survival` (Kaplan-Meier medians, bootstrap difference in medians,
  Cox hazard ratio, log-rank test).
- **cluster randomised**: the same regression with cluster-robust (sandwich) standard errors, the small-sample
  factor ``G/(G-1)·(N-1)/(N-K)`` and t with ``G-1`` degrees of freedom, as statsmodels' ``cov_type="cluster"``
  with ``use_t=True``; ratios by the delta method on those variances. ICC by the one-way ANOVA estimator with
  clusters nested in groups; design effect ``1 + (m-1)·ICC`` with ``m`` the mean cluster size.
- **difference in differences**: ``(after - before)`` in the group minus the same in the comparison group,
  variance the sum of the four cells' ``s²/n`` (the HC2 sandwich of the saturated regression) with
  Satterthwaite's degrees of freedom; cluster-robust when clusters are given.
- **before/after only**: the after period against the before period, as if they were two groups.
- **several groups**: each against the comparison group, with Holm-adjusted p-values.

Verdicts follow :func:`pilotbook.stats.verdicts.judge` on the difference. For an inconclusive result the
"settling sample" is the per-group sample at which the interval would be narrower than the smallest worthwhile
effect: an interval that narrow must either exclude zero or lie below the worthwhile effect, so it settles the
question whatever the estimate turns out to be (widths shrink as 1/√n, assuming the spread stays the same).

The code is laid out by what it is about: ``engine`` (the front door), one module per outcome kind for two groups
(``binary``, ``continuous``, ``counts``), one per design (``individual``, ``cluster``, ``before_after``,
``time_to_event``), ``regression`` (least squares from sums), ``summaries`` (group figures, warnings, verdicts) and
``results`` (what comes back).
"""

from .engine import analyse
from .results import (
    DESIGN_LABELS,
    DESIGNS,
    KINDS,
    MSMS_LEVELS,
    Analysis,
    AnalysisError,
    AnalysisSpec,
    Comparison,
    Estimate,
)
from .summaries import ASSUMPTIONS, settling_sample

__all__ = [
    "ASSUMPTIONS",
    "DESIGNS",
    "DESIGN_LABELS",
    "KINDS",
    "MSMS_LEVELS",
    "Analysis",
    "AnalysisError",
    "AnalysisSpec",
    "Comparison",
    "Estimate",
    "analyse",
    "settling_sample",
]
