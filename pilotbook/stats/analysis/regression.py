"""Least squares from the cells' sums of squares and cross-products alone, with cluster-robust variances."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from pilotbook.stats.dataset import Cell, Dataset

from .results import (
    AnalysisError,
    Estimate,
    _estimate,
)


@dataclass
class _Fit:
    coef: np.ndarray
    cov: np.ndarray
    df: float

    def contrast(self, position: int, alpha: float, method: str, test: str) -> tuple[Estimate, float, str]:
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
    xtx, xty = _total(p[1] for p in parts), _total(p[2] for p in parts)
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
    scores: dict[int | None, np.ndarray] = {}
    for cell, cell_xtx, cell_xty in parts:
        scores[cell.cluster] = scores.get(cell.cluster, 0) + cell_xty - cell_xtx @ coef
    g = len(scores)
    meat = _total(np.outer(s, s) for s in scores.values())
    factor = g / (g - 1) * (n - 1) / (n - k)
    return _Fit(coef, factor * bread @ meat @ bread, g - 1)


def _total(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """The arrays added up in order, as ``sum`` adds them, starting from a zero array rather than the int 0."""
    return sum(arrays, np.zeros(()))


def _arm_regressors(ds: Dataset, control: str) -> Callable[[Cell], np.ndarray]:
    """Intercept plus one indicator per non-comparison group."""
    others = [ds.labels.index(label) for label in ds.labels if label != control]

    def regressors(cell: Cell) -> np.ndarray:
        return np.array([1.0, *(float(cell.arm == i) for i in others)])

    return regressors


def _arm_position(ds: Dataset, control: str, label: str) -> int:
    return 1 + [x for x in ds.labels if x != control].index(label)
