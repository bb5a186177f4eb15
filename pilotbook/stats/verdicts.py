"""The four verdicts (ADR 0005), on a 95% confidence interval oriented so that positive is better.

- worked: lo > 0 (and, separately, whether the estimate reaches the smallest worthwhile effect);
- made things worse: hi < 0;
- no worthwhile effect: hi < delta and not worse;
- inconclusive: otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    WORKED = "worked"
    NO_WORTHWHILE_EFFECT = "no_worthwhile_effect"
    MADE_WORSE = "made_worse"
    INCONCLUSIVE = "inconclusive"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Oriented:
    """An effect and its CI flipped, where needed, so that a positive number is an improvement."""

    estimate: float
    ci_low: float
    ci_high: float


def orient(estimate: float, ci_low: float, ci_high: float, better: Better | str) -> Oriented:
    if not (ci_low <= estimate <= ci_high):
        raise ValueError("The estimate must lie inside its confidence interval.")
    if Better(better) is Better.HIGHER:
        return Oriented(estimate, ci_low, ci_high)
    return Oriented(-estimate, -ci_high, -ci_low)


@dataclass(frozen=True)
class VerdictResult:
    verdict: Verdict
    reaches_worthwhile: bool  # the point estimate is at least the smallest worthwhile effect
    oriented: Oriented


def judge(estimate: float, ci_low: float, ci_high: float, *, better: Better | str, worthwhile: float) -> VerdictResult:
    """Apply the verdict rules. ``worthwhile`` is the smallest worthwhile effect, in the outcome's units, > 0."""
    values = (estimate, ci_low, ci_high, worthwhile)
    if not all(math.isfinite(v) for v in values):
        raise ValueError("The effect, its confidence interval and the worthwhile effect must be finite numbers.")
    if worthwhile <= 0:
        raise ValueError("The smallest worthwhile effect must be greater than zero.")
    o = orient(estimate, ci_low, ci_high, better)
    if o.ci_low > 0:
        verdict = Verdict.WORKED
    elif o.ci_high < 0:
        verdict = Verdict.MADE_WORSE
    elif o.ci_high < worthwhile:
        verdict = Verdict.NO_WORTHWHILE_EFFECT
    else:
        verdict = Verdict.INCONCLUSIVE
    return VerdictResult(verdict=verdict, reaches_worthwhile=o.estimate >= worthwhile, oriented=o)
