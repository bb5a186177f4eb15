"""A pooled result in plain sentences."""

from __future__ import annotations

import math
from collections.abc import Callable

from pilotbook.stats.effect_sizes import MEASURE_NAMES
from pilotbook.stats.meta.results import (
    I2_WORDS,
    Method,
    PooledResult,
)


def _fmt(x: float) -> str:
    """Three significant figures without scientific notation for everyday sizes."""
    text = f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"
    return f"{x:.2e}" if "e" in text else text


def describe(result: PooledResult) -> list[str]:
    """A plain-English summary of a pooled result, one sentence per item, ratios on their natural scale."""
    show: Callable[[float], float] = math.exp if result.is_ratio else float
    name, null = MEASURE_NAMES[result.measure], ("1" if result.is_ratio else "0")
    level = f"{result.level:.0%}"
    sentences = [
        f"Across {result.k} pilots the pooled {name} is {_fmt(show(result.estimate))} "
        f"({level} confidence interval {_fmt(show(result.ci_low))} to {_fmt(show(result.ci_high))})."
    ]
    if result.ci_low <= 0 <= result.ci_high:
        sentences.append(f"Together they do not show a clear effect: the interval includes no effect ({null}).")
    else:
        sentences.append(f"Together they show a clear effect: the interval excludes no effect ({null}).")
    words = next((w for cut, w in I2_WORDS if result.i2 >= cut), "are consistent")
    sentences.append(f"The councils' results {words} (I² = {result.i2:.0f}%).")
    sentences.append(_prediction_sentence(result, show, null))
    if result.hksj:
        sentences.append("The intervals use the Hartung-Knapp adjustment, which is more cautious with few pilots.")
    return sentences


def _prediction_sentence(result: PooledResult, show: Callable[[float], float], null: str) -> str:
    if result.method is Method.FE:
        return "This fixed-effect analysis assumes every council has the same true effect."
    if result.pi_low is None or result.pi_high is None:
        return "There are too few pilots to say how much the effect would vary in another council."
    span = f"{_fmt(show(result.pi_low))} to {_fmt(show(result.pi_high))}"
    if result.pi_low <= 0 <= result.pi_high:
        return f"In another council the effect could be anywhere from {span}, which includes no effect ({null})."
    return f"In another council the effect would be expected to lie between {span}, on the same side of {null}."
