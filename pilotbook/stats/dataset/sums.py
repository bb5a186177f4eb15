"""Sufficient statistics: the sums kept per cell (group x period x cluster), and the dataset that holds them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pilotbook.stats.errors import DataError

KINDS = ("binary", "continuous", "count", "time-to-event")
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "t"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f"})
JSON_VERSION = 1



@dataclass(frozen=True)
class Stats:
    """Sums over a set of rows. ``y`` and ``x`` are shifted by the dataset's ``y_shift``/``x_shift``."""

    n: float = 0.0
    sum: float = 0.0
    sum_sq: float = 0.0
    sum_x: float = 0.0
    sum_xx: float = 0.0
    sum_xy: float = 0.0
    exposure: float = 0.0
    sum_sq_per_exposure: float = 0.0  # Σ y²/exposure, for counts only

    def __add__(self, other: Stats) -> Stats:
        return Stats(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[float, ...]:
        return (self.n, self.sum, self.sum_sq, self.sum_x, self.sum_xx, self.sum_xy, self.exposure,
                self.sum_sq_per_exposure)

    @property
    def variance(self) -> float:
        """Sample variance of y (n - 1 denominator); shift-free."""
        if self.n < 2:
            return math.nan
        return max(self.sum_sq - self.sum**2 / self.n, 0.0) / (self.n - 1)

    @property
    def variance_x(self) -> float:
        if self.n < 2:
            return math.nan
        return max(self.sum_xx - self.sum_x**2 / self.n, 0.0) / (self.n - 1)


@dataclass(frozen=True)
class Cell:
    arm: int
    period: int | None  # 0 before, 1 after
    cluster: int | None
    stats: Stats


@dataclass(frozen=True)
class Dataset:
    kind: str
    labels: tuple[str, ...]  # groups in order of first appearance
    control: str
    cells: tuple[Cell, ...] = ()
    periods: tuple[str, str] | None = None  # (before label, after label)
    clusters: tuple[str, ...] | None = None
    has_baseline: bool = False
    n_known: bool = True  # False for count summaries typed in without n
    y_shift: float = 0.0
    x_shift: float = 0.0
    row_count: int = 0
    from_summaries: bool = False
    survival: dict[str, tuple[np.ndarray, np.ndarray]] | None = field(default=None, compare=False)

    def arm_stats(self, arm: int | str, period: int | None = None) -> Stats:
        index = self.labels.index(arm) if isinstance(arm, str) else arm
        total = Stats()
        for cell in self.cells:
            if cell.arm == index and (period is None or cell.period == period):
                total = total + cell.stats
        return total

    def mean(self, stats: Stats) -> float:
        return self.y_shift + stats.sum / stats.n

    def mean_x(self, stats: Stats) -> float:
        return self.x_shift + stats.sum_x / stats.n

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types only; :meth:`from_json` rebuilds an equal dataset."""
        return {
            "version": JSON_VERSION,
            "kind": self.kind,
            "labels": list(self.labels),
            "control": self.control,
            "periods": list(self.periods) if self.periods else None,
            "clusters": list(self.clusters) if self.clusters is not None else None,
            "has_baseline": self.has_baseline,
            "n_known": self.n_known,
            "y_shift": self.y_shift,
            "x_shift": self.x_shift,
            "row_count": self.row_count,
            "from_summaries": self.from_summaries,
            "cells": [[c.arm, c.period, c.cluster, *map(float, c.stats.as_tuple())] for c in self.cells],
            "survival": None if self.survival is None else {
                label: {"time": [float(t) for t in time], "event": [bool(e) for e in event]}
                for label, (time, event) in self.survival.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Dataset:
        if data.get("version") != JSON_VERSION:
            raise DataError("These stored figures come from an unknown version of Pilotbook.")
        survival = data.get("survival")
        return cls(
            kind=data["kind"],
            labels=tuple(data["labels"]),
            control=data["control"],
            periods=tuple(data["periods"]) if data.get("periods") else None,
            clusters=tuple(data["clusters"]) if data.get("clusters") is not None else None,
            has_baseline=data["has_baseline"],
            n_known=data["n_known"],
            y_shift=data["y_shift"],
            x_shift=data["x_shift"],
            row_count=data["row_count"],
            from_summaries=data.get("from_summaries", False),
            cells=tuple(Cell(c[0], c[1], c[2], Stats(*c[3:])) for c in data["cells"]),
            survival=None if survival is None else {
                label: (np.asarray(v["time"], dtype=float), np.asarray(v["event"], dtype=bool))
                for label, v in survival.items()
            },
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]
