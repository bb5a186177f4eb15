"""Per-study effect sizes for pooling, following R metafor's ``escalc`` conventions.

Each calculator takes one value per study (any sequence) and returns :class:`EffectSizes`: the effect ``yi``
and its sampling variance ``vi`` for each study kept, on the *analysis scale* (log scale for RR and OR), plus
plain-English notes about anything done to the data. "t" is the group that got the change, "c" the
comparison group, so a positive MD means the change group scored higher.

- **RR** log risk ratio ``log(p_t / p_c)``, variance ``1/a - 1/n_t + 1/c - 1/n_c``.
- **OR** log odds ratio, variance ``1/a + 1/b + 1/c + 1/d``.
- **RD** risk difference ``p_t - p_c``, variance ``p_t(1-p_t)/n_t + p_c(1-p_c)/n_c``.
- **MD** mean difference, variance ``sd_t²/n_t + sd_c²/n_c`` (metafor's default, no equal-variance assumption).
- **SMD** Hedges' g: the difference over the pooled SD times metafor's *exact* small-sample correction
  ``c(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2))`` with ``m = n_t + n_c - 2``, and metafor's large-sample variance
  ``1/n_t + 1/n_c + g²/(2(n_t + n_c))``.
- **GENERIC** effects the councils computed themselves, given as ``yi`` and ``vi``.

Zero cells (counts): as metafor's default (``add=1/2, to="only0"``), 0.5 is added to all four cells of any
study with a zero cell, and to no other study. Unlike metafor's ``escalc`` default (``drop00=FALSE``), for
RR and OR a study with no events in either group (or only events in both) is left out, as metafor does with
``drop00=TRUE`` and as ``rma.mh``/``rma.peto`` do by default: such a study says nothing about a ratio, and
the 0.5 correction would otherwise pull the pooled ratio towards 1. Such studies stay in for RD, where
"no difference" is real information. Every dropped study is named in the notes and in a
:class:`StudyDroppedWarning`.

The counts measures call statsmodels' ``effectsize_2proportions`` on the corrected counts (its own
``zero_correction=0.5`` adds 0.5 to the events of every study in statsmodels 0.15, which is not metafor's
rule); MD and SMD are written here because statsmodels' ``effectsize_smd`` uses the approximate correction
and a different variance, which would not match metafor.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from scipy.special import gammaln

CONTINUITY_CORRECTION = 0.5


class Measure(StrEnum):
    RR = "RR"
    OR = "OR"
    RD = "RD"
    MD = "MD"
    SMD = "SMD"
    GENERIC = "GENERIC"


RATIO_MEASURES = frozenset({Measure.RR, Measure.OR})
COUNT_MEASURES = frozenset({Measure.RR, Measure.OR, Measure.RD})
MEAN_MEASURES = frozenset({Measure.MD, Measure.SMD})

MEASURE_NAMES = {
    Measure.RR: "risk ratio",
    Measure.OR: "odds ratio",
    Measure.RD: "risk difference",
    Measure.MD: "mean difference",
    Measure.SMD: "standardised mean difference (Hedges' g)",
    Measure.GENERIC: "effect",
}

_STATSMODELS_STATISTIC = {Measure.RR: "risk-ratio", Measure.OR: "odds-ratio", Measure.RD: "diff"}


class EffectSizeError(ValueError):
    """Study data that cannot give an effect size; the message names the study and says what to fix."""


class StudyDroppedWarning(UserWarning):
    """A study was left out of the pooling (the message says which and why)."""


@dataclass(frozen=True)
class EffectSizes:
    """Effects ready to pool: one ``yi``/``vi`` per study kept, with its label, and notes for the reader."""

    measure: Measure
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    labels: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        return len(self.yi)


def _labels(labels: Sequence[str] | None, k: int) -> list[str]:
    """Study labels, defaulting to "Study 1", "Study 2"... so every message can name the study."""
    if labels is None:
        return [f"Study {i + 1}" for i in range(k)]
    if len(labels) != k:
        raise EffectSizeError(f"There are {len(labels)} study labels for {k} studies.")
    return [str(label) for label in labels]


def _as_arrays(**columns: Sequence[float]) -> dict[str, np.ndarray]:
    """Turn each column into a float array, checking they are all the same length and finite."""
    arrays = {name: np.asarray(values, dtype=float) for name, values in columns.items()}
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) != 1 or len(next(iter(shapes))) != 1:
        raise EffectSizeError("Every column must have one value per study.")
    for name, a in arrays.items():
        if not np.all(np.isfinite(a)):
            raise EffectSizeError(f"Column {name} has a missing or non-numeric value.")
    return arrays


def counts_problem(events_t: float, n_t: float, events_c: float, n_c: float) -> str | None:
    """What is impossible about one study's 2x2 table, in words, or None if it is fine."""
    for name, value in (("events_t", events_t), ("n_t", n_t), ("events_c", events_c), ("n_c", n_c)):
        if value < 0 or value != math.floor(value):
            return f"{name} must be a whole number of 0 or more, not {value:g}."
    for group, events, n in (("t", events_t, n_t), ("c", events_c, n_c)):
        if n == 0:
            return f"n_{group} is 0; each group needs at least one person."
        if events > n:
            return f"events_{group} ({events:g}) is more than the {n:g} people in n_{group}."
    return None


def _raise_if(label: str, problem: str | None) -> None:
    if problem:
        raise EffectSizeError(f"{label}: {problem}")


def _uninformative_for_ratio(events_t: float, n_t: float, events_c: float, n_c: float) -> bool:
    """No events in either group, or only events in both: the study carries no information on a ratio."""
    return (events_t == 0 and events_c == 0) or (events_t == n_t and events_c == n_c)


def from_counts(
    measure: Measure | str,
    events_t: Sequence[float],
    n_t: Sequence[float],
    events_c: Sequence[float],
    n_c: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """RR, OR or RD from events and group sizes, with metafor's 0.5 correction for studies with a zero cell."""
    measure = Measure(measure)
    if measure not in COUNT_MEASURES:
        raise EffectSizeError(f"{measure} is not a measure for counts; use RR, OR or RD.")
    cols = _as_arrays(events_t=events_t, n_t=n_t, events_c=events_c, n_c=n_c)
    names = _labels(labels, len(cols["n_t"]))
    rows = list(zip(names, cols["events_t"], cols["n_t"], cols["events_c"], cols["n_c"], strict=True))
    for label, *counts in rows:
        _raise_if(label, counts_problem(*counts))
    keep, notes = _keep_informative(measure, rows)
    kept = [rows[i] for i in keep]
    yi, vi, fixed = _count_effects(measure, kept)
    notes += [f"{label}: added 0.5 to every cell because it has a zero count (metafor's default)." for label in fixed]
    return EffectSizes(measure, tuple(yi), tuple(vi), tuple(r[0] for r in kept), tuple(notes))


def _keep_informative(measure: Measure, rows: list[tuple[Any, ...]]) -> tuple[list[int], list[str]]:
    """Indexes of the studies to keep and a note for each one left out (ratio measures only)."""
    keep, notes = [], []
    for i, (label, *counts) in enumerate(rows):
        if measure in RATIO_MEASURES and _uninformative_for_ratio(*counts):
            note = (
                f"{label}: left out, because with no events in either group (or only events in both) "
                f"it says nothing about a {MEASURE_NAMES[measure]}."
            )
            warnings.warn(note, StudyDroppedWarning, stacklevel=3)
            notes.append(note)
        else:
            keep.append(i)
    return keep, notes


def _count_effects(measure: Measure, rows: list[tuple[Any, ...]]) -> tuple[list[float], list[float], list[str]]:
    """statsmodels' per-study effects for the kept studies, and the labels of those it corrected."""
    if not rows:
        return [], [], []
    labels, a, n1, c, n2 = (np.array(col) for col in zip(*rows, strict=True))
    zero_cell = (a == 0) | (a == n1) | (c == 0) | (c == n2)
    add = CONTINUITY_CORRECTION * zero_cell
    # The correction is applied here, not through statsmodels' zero_correction=0.5: in statsmodels 0.15
    # that adds 0.5 to the events of *every* study (only the group sizes are masked), which is not metafor's rule.
    statistic = _STATSMODELS_STATISTIC[measure]
    from statsmodels.stats.meta_analysis import effectsize_2proportions  # loaded only for counts

    yi, vi = effectsize_2proportions(a + add, n1 + 2 * add, c + add, n2 + 2 * add, statistic=statistic)
    return [float(y) for y in yi], [float(v) for v in vi], [str(lab) for lab in labels[zero_cell]]


def hedges_correction(m: np.ndarray) -> np.ndarray:
    """metafor's exact small-sample correction c(m), computed on the log scale so large m cannot overflow."""
    corrected: np.ndarray = np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))
    return corrected


def means_problem(sd_t: float, n_t: float, sd_c: float, n_c: float) -> str | None:
    """What is impossible about one study's SDs and group sizes, in words, or None if they are fine."""
    for name, sd in (("sd_t", sd_t), ("sd_c", sd_c)):
        if sd <= 0:
            return f"{name} must be greater than 0, not {sd:g}."
    for name, n in (("n_t", n_t), ("n_c", n_c)):
        if n < 2 or n != math.floor(n):
            return f"{name} must be a whole number of at least 2, not {n:g}."
    return None


def from_means(
    measure: Measure | str,
    mean_t: Sequence[float],
    sd_t: Sequence[float],
    n_t: Sequence[float],
    mean_c: Sequence[float],
    sd_c: Sequence[float],
    n_c: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
) -> EffectSizes:
    """MD or SMD (Hedges' g) from each group's mean, SD and size, as metafor's escalc computes them."""
    measure = Measure(measure)
    if measure not in MEAN_MEASURES:
        raise EffectSizeError(f"{measure} is not a measure for means; use MD or SMD.")
    cols = _as_arrays(mean_t=mean_t, sd_t=sd_t, n_t=n_t, mean_c=mean_c, sd_c=sd_c, n_c=n_c)
    names = _labels(labels, len(cols["n_t"]))
    for label, *values in zip(names, cols["sd_t"], cols["n_t"], cols["sd_c"], cols["n_c"], strict=True):
        _raise_if(label, means_problem(*values))
    compute = _mean_difference if measure is Measure.MD else _hedges_g
    yi, vi = compute(**cols)
    return EffectSizes(measure, tuple(map(float, yi)), tuple(map(float, vi)), tuple(names))


def _mean_difference(mean_t: np.ndarray, sd_t: np.ndarray, n_t: np.ndarray, mean_c: np.ndarray, sd_c: np.ndarray,
                     n_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw difference in means with metafor's default variance, which does not assume equal SDs."""
    return mean_t - mean_c, sd_t**2 / n_t + sd_c**2 / n_c


def _hedges_g(mean_t: np.ndarray, sd_t: np.ndarray, n_t: np.ndarray, mean_c: np.ndarray, sd_c: np.ndarray,
              n_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hedges' g with metafor's exact correction and large-sample ("LS") variance."""
    m = n_t + n_c - 2
    sd_pooled = np.sqrt(((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / m)
    g = hedges_correction(m) * (mean_t - mean_c) / sd_pooled
    return g, 1 / n_t + 1 / n_c + g**2 / (2 * (n_t + n_c))


def variance_problem(vi: float) -> str | None:
    """A variance that cannot weight a study, in words, or None if it is fine."""
    return None if vi > 0 else f"vi (the effect's variance) must be greater than 0, not {vi:g}."


def from_effects(yi: Sequence[float], vi: Sequence[float], *, labels: Sequence[str] | None = None) -> EffectSizes:
    """Effects a council computed itself; each variance must be positive (it sets the study's weight)."""
    cols = _as_arrays(yi=yi, vi=vi)
    names = _labels(labels, len(cols["yi"]))
    for label, v in zip(names, cols["vi"], strict=True):
        _raise_if(label, variance_problem(v))
    return EffectSizes(Measure.GENERIC, tuple(map(float, cols["yi"])), tuple(map(float, cols["vi"])), tuple(names))
