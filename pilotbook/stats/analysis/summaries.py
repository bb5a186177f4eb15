"""Each group in a few figures, the warnings about sizes and baselines, Holm-adjusted p-values, verdicts and the
assumptions stated with each method."""

from __future__ import annotations

import math
from typing import Any

from pilotbook.stats.dataset import Dataset, Stats
from pilotbook.stats.verdicts import Better, judge

from .results import (
    BASELINE_IMBALANCE,
    FEW_CLUSTERS,
    SMALL_GROUP,
    UNEQUAL_SIZES,
    Analysis,
    AnalysisSpec,
    Comparison,
    _num,
)


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
