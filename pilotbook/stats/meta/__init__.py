"""Pooling the results of several councils' pilots: fixed- and random-effects meta-analysis.

Matches R metafor's ``rma(yi, vi, method=...)`` and ``predict()`` defaults (checked in
``tests/stats/test_meta.py`` against metafor's published results and against statsmodels).

Estimating tau² (the variance of the true effects between councils):

- **REML** (default): restricted maximum likelihood by Fisher scoring, started at the DL value, never
  below 0 (truncated at 0 when the likelihood peaks there, as metafor's is), converged when the step is
  under 1e-10 (metafor stops at 1e-5). Plain Fisher scoring can bounce around, or creep towards, a flat
  maximum, so once the likelihood is seen to fall the maximum is bracketed and found by Brent's method on
  the score. No convergence in 200 steps is an error, never a silent answer.
- **DL**: DerSimonian-Laird, from statsmodels' ``combine_effects(method_re="dl")``, truncated at 0 as
  metafor does (statsmodels lets it go negative).
- **PM**: Paule-Mandel, the tau² at which the generalised Q statistic equals k-1 (Brent's method), or 0
  when Q is already at or below k-1.
- **FE**: fixed (common) effect: tau² = 0.

Inference, given tau²: weights ``w = 1/(vi + tau²)``, estimate ``Σw·yi/Σw``, se ``1/√Σw``, CI and
p-value from the normal distribution (z). With ``hksj=True`` (metafor ``test="knha"``, random-effects
methods only) the se is multiplied by ``√(Σw(yi - estimate)²/(k-1))`` (not truncated at 1, as metafor)
and the CI and p-value use t with k-1 df.

Heterogeneity: Cochran's Q uses the fixed-effect weights ``1/vi`` whatever the method, on k-1 df with a
chi² p-value. **I² is a percentage (0-100)**, as metafor prints it: for random-effects methods
``I² = 100·tau²/(tau² + s²)`` and ``H² = (tau² + s²)/s²`` with s² metafor's "typical" within-study variance
``(k-1)·Σ(1/vi) / ((Σ1/vi)² - Σ1/vi²)`` (for DL this equals the familiar ``(Q-(k-1))/Q``); for FE
``I² = 100·max(0, (Q-(k-1))/Q)`` and ``H² = Q/(k-1)``.

Prediction interval (where the true effect in a new council would fall), as metafor's ``predict.rma`` by
default: ``estimate ± crit·√(se² + tau²)`` with crit the normal quantile, or with ``hksj=True`` the t
quantile on k-1 df and the adjusted se. It is not given (``None``) for FE, where it would only repeat the
CI, nor when k < 3, because two councils cannot say how much a third might differ (metafor would still
print one for k = 2).

``weights`` are each study's share of the total weight, in percent (metafor's ``weights()``). For RR and OR
the ``*_exp`` properties give the estimate, CI and PI back on the ratio scale, and ``as_dict()`` puts them
under ``"exp"`` (``{"estimate", "ci_low", "ci_high", "pi_low", "pi_high"}``).

Effects or variances so extreme that the arithmetic overflows are refused with a :class:`PoolingError`
rather than answered with ``nan`` or ``inf``.

The code: ``heterogeneity`` (Q, tau², I², H), ``pooling`` (the pooled estimate and its intervals), ``describe``
(the sentences) and ``results`` (what comes back).
"""

from pilotbook.stats.effect_sizes import MEASURE_NAMES, RATIO_MEASURES
from pilotbook.stats.meta.describe import describe
from pilotbook.stats.meta.heterogeneity import (
    _reml_step,
    cochran_q,
    restricted_log_likelihood,
    tau2_dl,
    tau2_pm,
    tau2_reml,
)
from pilotbook.stats.meta.pooling import pool, pool_effects
from pilotbook.stats.meta.results import (
    EXP_KEYS,
    I2_WORDS,
    MIN_STUDIES_FOR_PREDICTION,
    REML_MAX_STEPS,
    REML_TOLERANCE,
    Method,
    PooledResult,
    PoolingError,
    StudyEffect,
)

__all__ = [
    "EXP_KEYS",
    "I2_WORDS",
    "MEASURE_NAMES",
    "MIN_STUDIES_FOR_PREDICTION",
    "RATIO_MEASURES",
    "REML_MAX_STEPS",
    "REML_TOLERANCE",
    "Method",
    "PooledResult",
    "PoolingError",
    "StudyEffect",
    "_reml_step",
    "cochran_q",
    "describe",
    "pool",
    "pool_effects",
    "restricted_log_likelihood",
    "tau2_dl",
    "tau2_pm",
    "tau2_reml",
]
