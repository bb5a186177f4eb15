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
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from . import survival as surv
from .dataset import Cell, Dataset, Stats
from .effect_sizes import Measure, from_means
from .verdicts import Better, judge

KINDS = ("binary", "continuous", "count", "time-to-event")
DESIGNS = ("auto", "individual", "cluster", "did", "before_after")
DESIGN_LABELS = {
    "individual": "Randomised person by person",
    "cluster": "Randomised by cluster",
    "did": "Before and after, with a comparison group (difference in differences)",
    "before_after": "Before and after only, no comparison group",
}
MSMS_LEVELS = {"individual": 5, "cluster": 5, "did": 3, "before_after": 1}
SMALL_GROUP = 30
FEW_CLUSTERS = 10
OVERDISPERSED = 1.5
UNEQUAL_SIZES = 1.5
BASELINE_IMBALANCE = 0.1  # standardised difference in baseline means


class AnalysisError(Exception):
    """The analysis cannot be done on these data; the message says why in plain English."""


@dataclass(frozen=True)
class AnalysisSpec:
    kind: str
    control: str
    design: str = "auto"
    better: str = "higher"
    worthwhile: float | None = None
    alpha: float = 0.05


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {"estimate": _num(self.estimate), "ci_low": _num(self.ci_low), "ci_high": _num(self.ci_high),
                "method": self.method}


@dataclass
class Comparison:
    arm: str
    control: str
    difference: Estimate | None
    ratio: Estimate | None
    p_value: float
    test: str
    n_arm: float | None
    n_control: float | None
    other_measures: dict[str, Estimate] = field(default_factory=dict)
    p_value_adjusted: float = math.nan
    verdict: str | None = None
    reaches_worthwhile: bool | None = None
    oriented: dict[str, float] | None = None
    settling_sample: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "arm": self.arm,
            "control": self.control,
            "difference": self.difference.to_dict() if self.difference else None,
            "ratio": self.ratio.to_dict() if self.ratio else None,
            "other_measures": {name: e.to_dict() for name, e in self.other_measures.items()},
            "p_value": _num(self.p_value),
            "p_value_adjusted": _num(self.p_value_adjusted),
            "test": self.test,
            "verdict": self.verdict,
            "reaches_worthwhile": self.reaches_worthwhile,
            "oriented": self.oriented,
            "settling_sample": self.settling_sample,
        }


@dataclass
class Analysis:
    kind: str
    design: str
    alpha: float
    arms: list[dict[str, Any]]
    comparisons: list[Comparison]
    icc: float | None = None
    design_effect: float | None = None
    clusters: int | None = None
    survival: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def design_label(self) -> str:
        return DESIGN_LABELS[self.design]

    @property
    def msms_level(self) -> int:
        return MSMS_LEVELS[self.design]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "design": self.design,
            "design_label": self.design_label,
            "msms_level": self.msms_level,
            "alpha": self.alpha,
            "arms": self.arms,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "icc": _num(self.icc),
            "design_effect": _num(self.design_effect),
            "clusters": self.clusters,
            "survival": self.survival,
            "warnings": list(dict.fromkeys(self.warnings)),
            "assumptions": list(dict.fromkeys(self.assumptions)),
        }


def _num(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- the front door ----------------------------------------------------------------------------------


def analyse(dataset: Dataset, spec: AnalysisSpec) -> Analysis:
    """Compare every group with ``spec.control`` and judge each effect against the smallest worthwhile one."""
    _check_spec(dataset, spec)
    design = _resolve_design(dataset, spec)
    if dataset.kind == "time-to-event":
        result = _time_to_event(dataset, spec)
    elif design == "individual":
        result = _individual(dataset, spec)
    elif design == "cluster":
        result = _cluster(dataset, spec)
    elif design == "did":
        result = _did(dataset, spec)
    else:
        result = _before_after(dataset, spec)
    result.warnings = _size_warnings(dataset, design, result) + result.warnings
    _adjust_and_judge(result.comparisons, spec)
    return result


def _check_spec(dataset: Dataset, spec: AnalysisSpec) -> None:
    if spec.kind != dataset.kind:
        raise AnalysisError(f"The data were prepared as a {dataset.kind} outcome, not {spec.kind}.")
    if spec.design not in DESIGNS:
        raise AnalysisError(f"'{spec.design}' is not a design; use one of {', '.join(DESIGNS)}.")
    if spec.control not in dataset.labels:
        raise AnalysisError(f"The comparison group '{spec.control}' is not in the data.")
    if not (0 < spec.alpha < 1):
        raise AnalysisError("The significance level must be between 0 and 1, such as 0.05.")
    if spec.worthwhile is not None and not (math.isfinite(spec.worthwhile) and spec.worthwhile > 0):
        raise AnalysisError("The smallest worthwhile effect must be a number greater than 0.")
    Better(spec.better)


def _resolve_design(ds: Dataset, spec: AnalysisSpec) -> str:
    design = spec.design
    if design == "auto":
        if ds.periods:
            return "did" if len(ds.labels) >= 2 else "before_after"
        return "cluster" if ds.clusters else "individual"
    if design in {"did", "before_after"} and not ds.periods:
        raise AnalysisError("A before-and-after design needs a period column saying which rows are 'before'.")
    if design == "did" and len(ds.labels) < 2:
        raise AnalysisError("Difference in differences needs a comparison group as well as the group that changed.")
    if design in {"individual", "cluster"} and ds.periods:
        raise AnalysisError("These data have before and after periods; choose a before-and-after design.")
    if design == "cluster" and not ds.clusters:
        raise AnalysisError("A cluster-randomised analysis needs a column saying which cluster each row is in.")
    if ds.kind == "time-to-event" and design != "individual":
        raise AnalysisError("Time-to-event outcomes can be analysed only for pilots randomised person by person.")
    return design


def _others(ds: Dataset, spec: AnalysisSpec) -> list[str]:
    return [label for label in ds.labels if label != spec.control]


# --- randomised by person ----------------------------------------------------------------------------


def _individual(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    control = ds.arm_stats(spec.control)
    result = Analysis(ds.kind, "individual", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    for label in _others(ds, spec):
        compare = TWO_GROUP[ds.kind]
        comparison, notes = compare(ds, control, ds.arm_stats(label), label, spec)
        result.comparisons.append(comparison)
        result.warnings += notes
    result.assumptions += ASSUMPTIONS[ds.kind]
    if ds.kind == "continuous" and ds.has_baseline:
        result.assumptions += ASSUMPTIONS["ancova"]
    if ds.has_baseline and ds.kind != "continuous":
        result.warnings.append("A baseline measure is used only for continuous outcomes; it was not used here.")
    return result


def _binary_two(ds, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *, control_label: str | None = None):
    from statsmodels.stats.proportion import confint_proportions_2indep

    notes: list[str] = []
    control_label = control_label or spec.control
    x1, n1, x0, n0 = a.sum, a.n, c.sum, c.n
    p1, p0 = x1 / n1, x0 / n0
    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=spec.alpha)
    difference = _estimate(p1 - p0, lo, hi, "Difference in proportions, Newcombe hybrid score interval")
    ratio, odds = None, None
    if 0 < x1 < n1 or 0 < x0 < n0:
        if x1 > 0 and x0 > 0:
            ratio = _score_ratio(x1, n1, x0, n0, "ratio", p1 / p0, spec.alpha, "Risk ratio, score interval")
        else:
            notes.append(f"No events in '{label if x1 == 0 else control_label}', so no risk ratio is given; "
                         "use the difference.")
        if 0 < x1 < n1 and 0 < x0 < n0:
            value = (x1 * (n0 - x0)) / (x0 * (n1 - x1))
            odds = _score_ratio(x1, n1, x0, n0, "odds-ratio", value, spec.alpha, "Odds ratio, score interval")
    else:
        notes.append(f"Every person in '{label}' and '{control_label}' had the same outcome, so no ratio is given.")
    p_value, test, note = _two_by_two_test(x1, n1, x0, n0)
    notes += [note] if note else []
    comparison = Comparison(label, control_label, difference, ratio, p_value, test, n1, n0,
                            {"odds_ratio": odds} if odds else {})
    return comparison, notes


def _score_ratio(x1, n1, x0, n0, compare, value, alpha, method) -> Estimate | None:
    from statsmodels.stats.proportion import confint_proportions_2indep

    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="score", compare=compare, alpha=alpha)
    if _usable_interval(value, lo, hi):
        return _estimate(value, lo, hi, method)
    # At the edges (every person in a group had the event) the score interval's root-finding can fail; fall
    # back to the log interval with 0.5 added to each cell.
    fallback = "log-adjusted" if compare == "ratio" else "logit-adjusted"
    with _quiet():
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method=fallback, compare=compare, alpha=alpha)
    if _usable_interval(value, lo, hi):
        return _estimate(value, lo, hi, method.replace("score interval", "log interval with 0.5 added to each cell"))
    return None


def _usable_interval(value: float, lo, hi) -> bool:
    if np.iscomplexobj(lo) or np.iscomplexobj(hi):
        return False
    lo, hi = float(lo), float(hi)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo <= value <= hi)


def _two_by_two_test(x1, n1, x0, n0) -> tuple[float, str, str | None]:
    table = np.array([[x1, n1 - x1], [x0, n0 - x0]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if expected.min() < 5:
        _, p = stats.fisher_exact(table.astype(np.int64))
        note = "Some expected counts are below 5, so Fisher's exact test was used for the p-value."
        return float(p), "Fisher's exact test", note
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    return float(p), "Pearson's chi-squared test (no continuity correction)", None


def _continuous_two(ds, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *, control_label: str | None = None,
                    baseline: bool | None = None):
    control_label = control_label or spec.control
    for stats_, name in ((a, label), (c, control_label)):
        if stats_.n < 2:
            raise AnalysisError(f"'{name}' has fewer than 2 people, so its spread cannot be estimated.")
    welch = _welch(ds.mean(a) - ds.mean(c), a, c, spec.alpha)
    if welch is None:
        raise AnalysisError(f"Every value of the outcome is the same in '{label}' and '{control_label}', "
                            "so there is no variation to analyse.")
    estimate, p_value, test = welch
    others: dict[str, Estimate] = {}
    use_baseline = ds.has_baseline if baseline is None else baseline
    if use_baseline:
        adjusted = _ancova(ds, spec.control, label, spec.alpha)
        others["unadjusted_difference"] = estimate
        estimate, p_value, test = adjusted
    g = _hedges(ds, a, c, spec.alpha)
    if g:
        others["hedges_g"] = g
    comparison = Comparison(label, control_label, estimate, None, p_value, test, a.n, c.n, others)
    return comparison, []


def _welch(diff: float, a: Stats, c: Stats, alpha: float):
    va, vc = a.variance / a.n, c.variance / c.n
    se2 = va + vc
    if se2 <= 0:
        return None
    se = math.sqrt(se2)
    df = se2**2 / (va**2 / (a.n - 1) + vc**2 / (c.n - 1))
    t = stats.t.ppf(1 - alpha / 2, df)
    p = 2 * stats.t.sf(abs(diff) / se, df)
    return (_estimate(diff, diff - t * se, diff + t * se, "Difference in means, Welch t interval"), float(p),
            "Welch's t-test")


def _hedges(ds: Dataset, a: Stats, c: Stats, alpha: float) -> Estimate | None:
    sd_a, sd_c = math.sqrt(a.variance), math.sqrt(c.variance)
    if not (sd_a > 0 and sd_c > 0):
        return None
    es = from_means(Measure.SMD, [ds.mean(a)], [sd_a], [a.n], [ds.mean(c)], [sd_c], [c.n])
    g, se = es.yi[0], math.sqrt(es.vi[0])
    z = stats.norm.ppf(1 - alpha / 2)
    return _estimate(g, g - z * se, g + z * se, "Hedges' g (standardised mean difference), normal interval")


def _ancova(ds: Dataset, control: str, label: str, alpha: float):
    fit = _ols(ds, ds.cells, _arm_regressors(ds, control), baseline=True, robust=False)
    if fit is None:
        raise AnalysisError("The baseline adjustment cannot be done: the baseline does not vary within the groups.")
    return fit.contrast(_arm_position(ds, control, label), alpha,
                        "Difference in means adjusted for the baseline (ANCOVA)", "ANCOVA t-test")


def _count_two(ds, c: Stats, a: Stats, label: str, spec: AnalysisSpec, *, control_label: str | None = None,
               dispersion: float | None = None):
    from statsmodels.stats.rates import confint_poisson_2indep

    control_label = control_label or spec.control
    y1, e1, y0, e0 = a.sum, a.exposure, c.sum, c.exposure
    r1, r0 = y1 / e1, y0 / e0
    notes: list[str] = []
    phi = _dispersion(ds) if dispersion is None else dispersion
    n1, n0 = (a.n, c.n) if ds.n_known else (None, None)
    if phi is not None and phi > OVERDISPERSED:
        notes.append(f"The counts vary more than a Poisson model expects (dispersion {phi:.2f}), so the "
                     "intervals are widened to allow for it (quasi-Poisson).")
        return _quasi_poisson(r1, r0, y1, e1, y0, e0, phi, label, control_label, spec.alpha, n1, n0, notes)
    with _quiet():
        lo, hi = confint_poisson_2indep(y1, e1, y0, e0, method="score", compare="diff", alpha=spec.alpha)
    difference = _estimate(r1 - r0, lo, hi, "Difference in rates per unit of exposure, score interval")
    ratio, p_value = _exact_rate_ratio(y1, e1, y0, e0, spec.alpha)
    if ratio is None:
        who = f"'{control_label}'" if y1 > 0 else f"'{label}' or '{control_label}'"
        notes.append(f"No events in {who}, so no rate ratio is given; use the difference.")
    comparison = Comparison(label, control_label, difference, ratio, p_value,
                            "Exact conditional (binomial) test of the rate ratio", n1, n0)
    return comparison, notes


def _exact_rate_ratio(y1, e1, y0, e0, alpha) -> tuple[Estimate | None, float]:
    total = int(round(y1 + y0))
    if total == 0:
        return None, 1.0
    test = stats.binomtest(int(round(y1)), total, e1 / (e1 + e0))
    if y0 == 0:
        return None, float(test.pvalue)
    ci = stats.binomtest(int(round(y1)), total).proportion_ci(1 - alpha, method="exact")
    scale = e0 / e1
    to_ratio = lambda p: scale * p / (1 - p)  # noqa: E731 - a one-line transform
    estimate = _estimate((y1 / e1) / (y0 / e0), to_ratio(ci.low), to_ratio(ci.high),
                         "Rate ratio, exact conditional (binomial) interval")
    return estimate, float(test.pvalue)


def _quasi_poisson(r1, r0, y1, e1, y0, e0, phi, label, control_label, alpha, n1, n0, notes):
    z = stats.norm.ppf(1 - alpha / 2)
    se_diff = math.sqrt(phi * (y1 / e1**2 + y0 / e0**2))
    diff = r1 - r0
    difference = _estimate(diff, diff - z * se_diff, diff + z * se_diff,
                           f"Difference in rates, quasi-Poisson Wald interval (dispersion {phi:.2f})")
    ratio = None
    if y1 > 0 and y0 > 0:
        log_rr, se = math.log(r1 / r0), math.sqrt(phi * (1 / y1 + 1 / y0))
        ratio = _estimate(r1 / r0, math.exp(log_rr - z * se), math.exp(log_rr + z * se),
                          f"Rate ratio, quasi-Poisson Wald interval (dispersion {phi:.2f})")
    p_value = float(2 * stats.norm.sf(abs(diff) / se_diff)) if se_diff > 0 else 1.0
    comparison = Comparison(label, control_label, difference, ratio, p_value,
                            "Wald z-test, quasi-Poisson", n1, n0)
    return comparison, notes


def _dispersion(ds: Dataset) -> float | None:
    """Pearson dispersion of a Poisson model with one rate per group (statsmodels GLM scale="X2")."""
    if ds.from_summaries or not ds.n_known:
        return None
    x2, n = 0.0, 0.0
    for label in ds.labels:
        s = ds.arm_stats(label)
        n += s.n
        if s.sum > 0:
            rate = s.sum / s.exposure
            x2 += s.sum_sq_per_exposure / rate - 2 * s.sum + rate * s.exposure
    df = n - len(ds.labels)
    return x2 / df if df > 0 else None


TWO_GROUP: dict[str, Callable] = {"binary": _binary_two, "continuous": _continuous_two, "count": _count_two}


# --- regression from sums of squares and cross-products ----------------------------------------------


@dataclass
class _Fit:
    coef: np.ndarray
    cov: np.ndarray
    df: float

    def contrast(self, position: int, alpha: float, method: str, test: str):
        estimate, se = float(self.coef[position]), math.sqrt(self.cov[position, position])
        if not se > 0:
            raise AnalysisError("There is no variation left to estimate the uncertainty from.")
        t = stats.t.ppf(1 - alpha / 2, self.df)
        p = 2 * stats.t.sf(abs(estimate) / se, self.df)
        return _estimate(estimate, estimate - t * se, estimate + t * se, method), float(p), test


def _cell_products(cell: Cell, d: np.ndarray, baseline: bool) -> tuple[np.ndarray, np.ndarray]:
    s = cell.stats
    if not baseline:
        return s.n * np.outer(d, d), s.sum * d
    xtx = np.zeros((len(d) + 1, len(d) + 1))
    xtx[:-1, :-1] = s.n * np.outer(d, d)
    xtx[:-1, -1] = xtx[-1, :-1] = s.sum_x * d
    xtx[-1, -1] = s.sum_xx
    return xtx, np.append(s.sum * d, s.sum_xy)


def _ols(ds: Dataset, cells: Sequence[Cell], regressors: Callable[[Cell], np.ndarray], *, baseline: bool,
         robust: bool) -> _Fit | None:
    """Least squares of y on the cell-level regressors (and the baseline), from the cells' sums alone."""
    parts = [(cell, *_cell_products(cell, regressors(cell), baseline)) for cell in cells]
    xtx = sum(p[1] for p in parts)
    xty = sum(p[2] for p in parts)
    n, k = sum(c.stats.n for c in cells), len(xty)
    try:
        bread = np.linalg.inv(xtx)
    except np.linalg.LinAlgError:
        return None
    if np.linalg.cond(xtx) > 1e12:
        return None
    coef = bread @ xty
    if not robust:
        rss = max(sum(c.stats.sum_sq for c in cells) - coef @ xty, 0.0)
        return _Fit(coef, rss / (n - k) * bread, n - k)
    scores: dict[int, np.ndarray] = {}
    for cell, cell_xtx, cell_xty in parts:
        scores[cell.cluster] = scores.get(cell.cluster, 0) + cell_xty - cell_xtx @ coef
    g = len(scores)
    meat = sum(np.outer(s, s) for s in scores.values())
    factor = g / (g - 1) * (n - 1) / (n - k)
    return _Fit(coef, factor * bread @ meat @ bread, g - 1)


def _arm_regressors(ds: Dataset, control: str) -> Callable[[Cell], np.ndarray]:
    """Intercept plus one indicator per non-comparison group."""
    others = [ds.labels.index(label) for label in ds.labels if label != control]

    def regressors(cell: Cell) -> np.ndarray:
        return np.array([1.0, *(float(cell.arm == i) for i in others)])

    return regressors


def _arm_position(ds: Dataset, control: str, label: str) -> int:
    return 1 + [x for x in ds.labels if x != control].index(label)


# --- randomised by cluster ---------------------------------------------------------------------------


def _cluster(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    result = Analysis(ds.kind, "cluster", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    result.icc, result.design_effect, result.clusters = *_icc(ds), len(ds.clusters)
    if ds.kind == "count":
        comparisons = _cluster_counts(ds, spec)
    else:
        baseline = ds.has_baseline and ds.kind == "continuous"
        fit = _ols(ds, ds.cells, _arm_regressors(ds, spec.control), baseline=baseline, robust=True)
        if fit is None or len({c.cluster for c in ds.cells}) < 3:
            raise AnalysisError("A cluster-randomised analysis needs at least 3 clusters with varied outcomes.")
        comparisons = [_cluster_comparison(ds, spec, fit, label, baseline) for label in _others(ds, spec)]
    result.comparisons = comparisons
    result.assumptions += ASSUMPTIONS["cluster"]
    if ds.has_baseline and ds.kind != "continuous":
        result.warnings.append("A baseline measure is used only for continuous outcomes; it was not used here.")
    return result


def _cluster_comparison(ds: Dataset, spec: AnalysisSpec, fit: _Fit, label: str, baseline: bool) -> Comparison:
    position = _arm_position(ds, spec.control, label)
    what = "proportions" if ds.kind == "binary" else "means"
    adjusted = ", adjusted for the baseline" if baseline else ""
    difference, p_value, test = fit.contrast(
        position, spec.alpha, f"Difference in {what}{adjusted}, cluster-robust interval", "Cluster-robust t-test")
    a, c = ds.arm_stats(label), ds.arm_stats(spec.control)
    comparison = Comparison(label, spec.control, difference, None, p_value, test, a.n, c.n)
    if ds.kind == "binary" and not baseline:
        comparison.ratio = _delta_ratio(fit, position, spec.alpha, "Risk ratio, cluster-robust delta method")
    return comparison


def _delta_ratio(fit: _Fit, position: int, alpha: float, method: str) -> Estimate | None:
    """Ratio of a group's mean to the comparison group's, from the regression (intercept = comparison mean)."""
    m0, m1 = fit.coef[0], fit.coef[0] + fit.coef[position]
    if m0 <= 0 or m1 <= 0:
        return None
    grad = np.zeros(len(fit.coef))
    grad[0] = 1 / m1 - 1 / m0
    grad[position] = 1 / m1
    se = math.sqrt(grad @ fit.cov @ grad)
    t = stats.t.ppf(1 - alpha / 2, fit.df)
    log_ratio = math.log(m1 / m0)
    return _estimate(m1 / m0, math.exp(log_ratio - t * se), math.exp(log_ratio + t * se), method)


def _cluster_counts(ds: Dataset, spec: AnalysisSpec) -> list[Comparison]:
    """Rates as ratio estimators with cluster-robust variances (the sandwich of a Poisson GLM with one rate per
    group, statsmodels' small-sample factor)."""
    per_cluster: dict[int, Stats] = {}
    for cell in ds.cells:
        per_cluster[cell.cluster] = per_cluster.get(cell.cluster, Stats()) + cell.stats
    arm_of = {cell.cluster: cell.arm for cell in ds.cells}
    g, n, k = len(per_cluster), sum(s.n for s in per_cluster.values()), len(ds.labels)
    factor = g / (g - 1) * (n - 1) / (n - k) if g > 1 and n > k else math.nan
    rates, variances = {}, {}
    for i, label in enumerate(ds.labels):
        total = ds.arm_stats(i)
        rate = total.sum / total.exposure
        resid = sum((s.sum - rate * s.exposure) ** 2 for c, s in per_cluster.items() if arm_of[c] == i)
        rates[label], variances[label] = rate, factor * resid / total.exposure**2
    t = stats.t.ppf(1 - spec.alpha / 2, g - 1)
    comparisons = []
    for label in _others(ds, spec):
        r1, r0 = rates[label], rates[spec.control]
        se = math.sqrt(variances[label] + variances[spec.control])
        if not se > 0:
            raise AnalysisError("The counts do not vary between clusters, so their uncertainty cannot be estimated.")
        diff = r1 - r0
        difference = _estimate(diff, diff - t * se, diff + t * se,
                               "Difference in rates per unit of exposure, cluster-robust interval")
        ratio = None
        if r1 > 0 and r0 > 0:
            se_log = math.sqrt(variances[label] / r1**2 + variances[spec.control] / r0**2)
            ratio = _estimate(r1 / r0, r1 / r0 * math.exp(-t * se_log), r1 / r0 * math.exp(t * se_log),
                              "Rate ratio, cluster-robust interval")
        p_value = float(2 * stats.t.sf(abs(diff) / se, g - 1))
        a, c = ds.arm_stats(label), ds.arm_stats(spec.control)
        comparisons.append(Comparison(label, spec.control, difference, ratio, p_value, "Cluster-robust t-test",
                                      a.n, c.n))
    return comparisons


def _icc(ds: Dataset) -> tuple[float | None, float | None]:
    """One-way ANOVA estimator of the intraclass correlation, clusters nested within groups."""
    clusters: dict[int, Stats] = {}
    arm_of: dict[int, int] = {}
    for cell in ds.cells:
        clusters[cell.cluster] = clusters.get(cell.cluster, Stats()) + cell.stats
        arm_of[cell.cluster] = cell.arm
    n_total, g, k = sum(s.n for s in clusters.values()), len(clusters), len({*arm_of.values()})
    if g - k < 1 or n_total - g < 1:
        return None, None
    ssw = sum(s.sum_sq - s.sum**2 / s.n for s in clusters.values())
    ssb, sum_n2_over_arm = 0.0, 0.0
    for arm in set(arm_of.values()):
        members = [s for c, s in clusters.items() if arm_of[c] == arm]
        n_arm, sum_arm = sum(s.n for s in members), sum(s.sum for s in members)
        ssb += sum(s.sum**2 / s.n for s in members) - sum_arm**2 / n_arm
        sum_n2_over_arm += sum(s.n**2 for s in members) / n_arm
    msb, msw = ssb / (g - k), max(ssw, 0.0) / (n_total - g)
    m0 = (n_total - sum_n2_over_arm) / (g - k)
    if msb + (m0 - 1) * msw <= 0:
        return None, None
    icc = max(0.0, (msb - msw) / (msb + (m0 - 1) * msw))
    return icc, 1 + (n_total / g - 1) * icc


# --- before and after --------------------------------------------------------------------------------


def _did(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    result = Analysis(ds.kind, "did", spec.alpha, [_arm_summary(ds, label) for label in ds.labels], [])
    for label in _others(ds, spec):
        cells = {(arm, p): ds.arm_stats(arm, p) for arm in (label, spec.control) for p in (0, 1)}
        for (arm, p), s in cells.items():
            if s.n == 0:
                raise AnalysisError(f"'{arm}' has no rows in the {ds.periods[p]} period.")
        if ds.clusters and ds.kind != "count":
            comparison = _did_clustered(ds, spec, label)
        elif ds.kind == "count":
            if ds.clusters:
                result.warnings.append("Clusters are not used in a difference in differences of counts.")
            comparison = _did_counts(ds, spec, label, cells)
        else:
            comparison = _did_means(ds, spec, label, cells)
        result.comparisons.append(comparison)
    if ds.has_baseline:
        result.warnings.append("A baseline measure is not used in a before-and-after design; the 'before' "
                               "period plays its part.")
    if ds.clusters:
        result.icc, result.design_effect, result.clusters = *_icc(ds), len(ds.clusters)
    result.assumptions += ASSUMPTIONS["did"]
    return result


def _did_means(ds: Dataset, spec: AnalysisSpec, label: str, cells: dict) -> Comparison:
    a0, a1, c0, c1 = (cells[(label, 0)], cells[(label, 1)], cells[(spec.control, 0)], cells[(spec.control, 1)])
    for s in (a0, a1, c0, c1):
        if s.n < 2:
            raise AnalysisError("Each group needs at least 2 rows in each period for a difference in differences.")
    estimate = (ds.mean(a1) - ds.mean(a0)) - (ds.mean(c1) - ds.mean(c0))
    parts = [s.variance / s.n for s in (a0, a1, c0, c1)]
    se2 = sum(parts)
    if se2 <= 0:
        raise AnalysisError("The outcome does not vary, so there is nothing to analyse.")
    df = se2**2 / sum(v**2 / (s.n - 1) for v, s in zip(parts, (a0, a1, c0, c1), strict=True))
    se, t = math.sqrt(se2), stats.t.ppf(1 - spec.alpha / 2, df)
    what = "proportions" if ds.kind == "binary" else "means"
    difference = _estimate(estimate, estimate - t * se, estimate + t * se,
                           f"Difference in differences of {what}, unequal-variance interval")
    p_value = float(2 * stats.t.sf(abs(estimate) / se, df))
    return Comparison(label, spec.control, difference, None, p_value, "Welch-type t-test (Satterthwaite df)",
                      a0.n + a1.n, c0.n + c1.n)


def _did_clustered(ds: Dataset, spec: AnalysisSpec, label: str) -> Comparison:
    arm, ctl = ds.labels.index(label), ds.labels.index(spec.control)
    cells = [c for c in ds.cells if c.arm in (arm, ctl)]

    def regressors(cell: Cell) -> np.ndarray:
        treated, after = float(cell.arm == arm), float(cell.period == 1)
        return np.array([1.0, treated, after, treated * after])

    fit = _ols(ds, cells, regressors, baseline=False, robust=True)
    if fit is None:
        raise AnalysisError("The difference in differences cannot be estimated from these clusters.")
    what = "proportions" if ds.kind == "binary" else "means"
    difference, p_value, test = fit.contrast(
        3, spec.alpha, f"Difference in differences of {what}, cluster-robust interval", "Cluster-robust t-test")
    return Comparison(label, spec.control, difference, None, p_value, test,
                      ds.arm_stats(label).n, ds.arm_stats(spec.control).n)


def _did_counts(ds: Dataset, spec: AnalysisSpec, label: str, cells: dict) -> Comparison:
    a0, a1, c0, c1 = (cells[(label, 0)], cells[(label, 1)], cells[(spec.control, 0)], cells[(spec.control, 1)])
    rate = lambda s: s.sum / s.exposure  # noqa: E731
    estimate = (rate(a1) - rate(a0)) - (rate(c1) - rate(c0))
    se = math.sqrt(sum(s.sum / s.exposure**2 for s in (a0, a1, c0, c1)))
    if not se > 0:
        raise AnalysisError("There are no events in any group or period, so there is nothing to analyse.")
    z = stats.norm.ppf(1 - spec.alpha / 2)
    difference = _estimate(estimate, estimate - z * se, estimate + z * se,
                           "Difference in differences of rates, Poisson Wald interval")
    ratio = None
    if all(s.sum > 0 for s in (a0, a1, c0, c1)):
        rrr = (rate(a1) / rate(a0)) / (rate(c1) / rate(c0))
        se_log = math.sqrt(sum(1 / s.sum for s in (a0, a1, c0, c1)))
        ratio = _estimate(rrr, rrr * math.exp(-z * se_log), rrr * math.exp(z * se_log),
                          "Ratio of rate ratios, Poisson Wald interval")
    p_value = float(2 * stats.norm.sf(abs(estimate) / se))
    n = (a0.n + a1.n, c0.n + c1.n) if ds.n_known else (None, None)
    return Comparison(label, spec.control, difference, ratio, p_value, "Wald z-test (Poisson)", *n)


def _before_after(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    before, after = ds.periods
    result = Analysis(ds.kind, "before_after", spec.alpha, [], [])
    single = len(ds.labels) == 1
    for label in ds.labels:
        s0, s1 = ds.arm_stats(label, 0), ds.arm_stats(label, 1)
        if s0.n == 0 or s1.n == 0:
            raise AnalysisError(f"'{label}' needs rows in both the {before} and the {after} period.")
        names = (before, after) if single else (f"{label} ({before})", f"{label} ({after})")
        result.arms += [_summary_of(ds, names[0], s0), _summary_of(ds, names[1], s1)]
        compare = TWO_GROUP[ds.kind]
        kwargs = {"control_label": names[0]}
        if ds.kind == "continuous":
            kwargs["baseline"] = False
        comparison, notes = compare(ds, s0, s1, names[1], spec, **kwargs)
        result.comparisons.append(comparison)
        result.warnings += notes
    result.warnings.insert(0, "Before-and-after with no comparison group is weak evidence (Maryland Scientific "
                              "Methods Scale level 1): anything else that changed over the same time could "
                              "explain the difference.")
    if ds.clusters:
        result.warnings.append("Clusters are not used in a before-and-after comparison.")
    result.assumptions += ASSUMPTIONS[ds.kind] + ASSUMPTIONS["before_after"]
    return result


# --- time to event -----------------------------------------------------------------------------------


def _time_to_event(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    groups = {label: surv.SurvivalGroup(label, *ds.survival[label]) for label in ds.labels}
    result = Analysis(ds.kind, "individual", spec.alpha, [], [])
    curves = []
    for label, group in groups.items():
        try:
            curve = surv.kaplan_meier(group.time, group.event, alpha=spec.alpha)
        except ValueError as error:
            raise AnalysisError(f"'{label}': {error}") from None
        curves.append({"label": label, **{k: v for k, v in curve.to_dict().items() if k not in {"n", "events"}}})
        result.arms.append({"label": label, "n": curve.n, "events": curve.events, "median": _num(curve.median),
                            "median_ci_low": _num(curve.median_ci_low),
                            "median_ci_high": _num(curve.median_ci_high)})
    result.survival = {"curves": curves}
    for label in _others(ds, spec):
        try:
            found = surv.compare_survival(groups[spec.control], groups[label], alpha=spec.alpha)
        except ValueError as error:
            raise AnalysisError(str(error)[:1].upper() + str(error)[1:]) from None
        md, hr = found.median_difference, found.hazard_ratio
        difference = None if md is None else Estimate(md.estimate, md.ci_low, md.ci_high, md.method)
        ratio = Estimate(hr.estimate, hr.ci_low, hr.ci_high, hr.method)
        n_arm, n_ctl = len(groups[label].time), len(groups[spec.control].time)
        result.comparisons.append(Comparison(label, spec.control, difference, ratio, found.logrank_p,
                                             "Log-rank test", n_arm, n_ctl))
        result.warnings += found.warnings
    result.assumptions += ASSUMPTIONS["time-to-event"]
    return result


# --- summaries, warnings, verdicts -------------------------------------------------------------------


def _arm_summary(ds: Dataset, label: str) -> dict[str, Any]:
    summary = _summary_of(ds, label, ds.arm_stats(label))
    if ds.periods:
        summary["periods"] = [_summary_of(ds, ds.periods[p], ds.arm_stats(label, p)) for p in (0, 1)]
    if ds.clusters:
        index = ds.labels.index(label)
        summary["clusters"] = len({c.cluster for c in ds.cells if c.arm == index})
    return summary


def _summary_of(ds: Dataset, label: str, s: Stats) -> dict[str, Any]:
    n = int(round(s.n)) if ds.n_known else None
    if ds.kind == "binary":
        return {"label": label, "n": n, "events": int(round(s.sum)), "proportion": s.sum / s.n}
    if ds.kind == "count":
        return {"label": label, "n": n, "events": int(round(s.sum)), "exposure": s.exposure,
                "rate": s.sum / s.exposure}
    summary = {"label": label, "n": n, "mean": ds.mean(s), "sd": _num(math.sqrt(s.variance)) if s.n > 1 else None}
    if ds.has_baseline:
        summary["baseline_mean"] = ds.mean_x(s)
    return summary


def _size_warnings(ds: Dataset, design: str, result: Analysis) -> list[str]:
    found: list[str] = []
    if ds.kind == "continuous":
        small = [a["label"] for a in result.arms if a["n"] is not None and a["n"] < SMALL_GROUP]
        if small:
            found.append(f"Small groups ({', '.join(repr(s) for s in small)} with fewer than {SMALL_GROUP}): the "
                         "interval assumes averages are roughly normally distributed, which is less safe this small.")
    for c in result.comparisons:
        if c.n_arm and c.n_control and max(c.n_arm, c.n_control) > UNEQUAL_SIZES * min(c.n_arm, c.n_control):
            found.append(f"'{c.arm}' has {c.n_arm:,.0f} and '{c.control}' {c.n_control:,.0f}: if the groups were "
                         "meant to be the same size, check how people were allocated.")
    if design in {"individual", "cluster"} and ds.has_baseline and ds.kind == "continuous":
        found += _baseline_imbalance(ds)
    if design == "cluster" or (design == "did" and ds.clusters):
        counts = {a["label"]: a.get("clusters", 0) for a in result.arms}
        few = [label for label, k in counts.items() if k < FEW_CLUSTERS]
        if few:
            found.append(f"Fewer than {FEW_CLUSTERS} clusters in {', '.join(repr(x) for x in few)}: with so few "
                         "clusters the interval may be too narrow.")
    return found


def _baseline_imbalance(ds: Dataset) -> list[str]:
    found = []
    c = ds.arm_stats(ds.control)
    for label in ds.labels:
        if label == ds.control:
            continue
        a = ds.arm_stats(label)
        pooled = math.sqrt(((a.n - 1) * a.variance_x + (c.n - 1) * c.variance_x) / (a.n + c.n - 2))
        if pooled > 0 and abs(ds.mean_x(a) - ds.mean_x(c)) / pooled > BASELINE_IMBALANCE:
            found.append(f"'{label}' and '{ds.control}' differed on the baseline measure before the pilot started "
                         "(by more than a tenth of a standard deviation); the adjusted estimate allows for it.")
    return found


def _adjust_and_judge(comparisons: list[Comparison], spec: AnalysisSpec) -> None:
    if not comparisons:
        return
    pvals = [c.p_value for c in comparisons]
    adjusted = pvals
    if len(pvals) > 1:
        from statsmodels.stats.multitest import multipletests  # loaded only when there is something to adjust

        adjusted = multipletests(pvals, method="holm")[1]
    for comparison, p in zip(comparisons, adjusted, strict=True):
        comparison.p_value_adjusted = float(p)
        d = comparison.difference
        if d is None:
            continue
        oriented = (d.estimate, d.ci_low, d.ci_high) if Better(spec.better) is Better.HIGHER else (
            -d.estimate, -d.ci_high, -d.ci_low)
        comparison.oriented = dict(zip(("estimate", "ci_low", "ci_high"), map(float, oriented), strict=True))
        if spec.worthwhile is None:
            continue
        estimate = min(max(d.estimate, d.ci_low), d.ci_high)  # a bootstrap interval can miss its estimate
        judged = judge(estimate, d.ci_low, d.ci_high, better=spec.better, worthwhile=spec.worthwhile)
        comparison.verdict = judged.verdict.value
        comparison.reaches_worthwhile = bool(oriented[0] >= spec.worthwhile)
        if judged.verdict.value == "inconclusive":
            comparison.settling_sample = settling_sample(comparison, spec.worthwhile)


def settling_sample(comparison: Comparison, worthwhile: float) -> int | None:
    """People per group at which the interval would be narrower than the smallest worthwhile effect."""
    d = comparison.difference
    if d is None or not comparison.n_arm or not comparison.n_control:
        return None
    width = d.ci_high - d.ci_low
    n_now = (comparison.n_arm + comparison.n_control) / 2
    return int(math.ceil(n_now * (width / worthwhile) ** 2 * (1 + 1e-9)))


def _estimate(value: float, lo: float, hi: float, method: str) -> Estimate:
    return Estimate(float(value), float(lo), float(hi), method)


class _quiet:
    """statsmodels warns (RuntimeWarning) at the edges of its root-finding; the results are still right."""

    def __enter__(self):
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")  # RuntimeWarning and numpy's ComplexWarning
        self._err = np.errstate(all="ignore")
        self._err.__enter__()

    def __exit__(self, *exc):
        self._err.__exit__(*exc)
        self._warnings.__exit__(*exc)


ASSUMPTIONS: dict[str, list[str]] = {
    "binary": [
        "Each person's outcome is independent of everyone else's.",
        "The difference in proportions uses Newcombe's hybrid score interval, which stays accurate for small "
        "groups and proportions near 0 or 1.",
    ],
    "continuous": [
        "Each person's outcome is independent of everyone else's.",
        "Welch's t interval does not assume the groups have the same spread; it relies on the averages being "
        "roughly normally distributed, which holds for moderate or large groups.",
    ],
    "ancova": [
        "The baseline adjustment (ANCOVA) assumes the outcome rises in a straight line with the baseline, by "
        "the same amount in every group; it narrows the interval when the baseline predicts the outcome.",
    ],
    "count": [
        "Events happen independently at a steady rate per unit of exposure (a Poisson process); the data are "
        "checked for extra variation and the intervals widened if they have it.",
    ],
    "time-to-event": [
        "People who left follow-up without the event (censored) had the same chance of the event later as "
        "those who stayed.",
        "The hazard ratio assumes the ratio of event rates stays the same over time (proportional hazards).",
    ],
    "cluster": [
        "Whole clusters were randomised; people in the same cluster may be alike, so the intervals use "
        "cluster-robust standard errors and clusters, not people, count as the independent units.",
    ],
    "did": [
        "Without the change, the group would have moved in parallel with the comparison group (parallel trends).",
        "The before and after measurements are treated as separate samples.",
    ],
    "before_after": [
        "Nothing else that affects the outcome changed between the two periods.",
        "The before and after measurements are treated as separate groups of people.",
    ],
}
