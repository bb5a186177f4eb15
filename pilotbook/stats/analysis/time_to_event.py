"""Time-to-event outcomes: Kaplan-Meier curves and medians, the hazard ratio and the log-rank test per group
(pilotbook.stats.survival)."""

from __future__ import annotations

from pilotbook.stats import survival as surv
from pilotbook.stats.dataset import Dataset

from .results import (
    Analysis,
    AnalysisError,
    AnalysisSpec,
    Comparison,
    Estimate,
    _num,
    _others,
)
from .summaries import ASSUMPTIONS


def _time_to_event(ds: Dataset, spec: AnalysisSpec) -> Analysis:
    if ds.survival is None:  # only a dataset built from rows has them; one from typed-in summaries cannot be this kind
        raise AnalysisError("Time-to-event results need one row per person (time and whether the event happened).")
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
