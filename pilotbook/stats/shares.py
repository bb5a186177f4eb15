"""Reading shares typed as percentages or as fractions, one rule for the power calculator page and for
``pilotbook power`` (documented in the README and in ``pilotbook power --help``).

- A number with a % sign is a percentage: "30%" is 30%, "0.5%" is half of one percent.
- A number of 1 or more is a percentage: "30" is 30%. (A share of 1, that is 100%, is never a sensible rate,
  power or significance level, so "1" means 1%.)
- A number below 1 without a % sign is a fraction: "0.30" is 30%. So half of one percent is typed "0.5%".
- The smallest worthwhile effect of a yes-or-no outcome is a difference in percentage points. It is read as the
  comparison rate typed with it was: "30" and "5", or "0.30" and "0.05", both mean 30% and 5 points. With a %
  sign or "pp", or when it is 1 or more, it is always percentage points: "0.30" and "5" is 30% and 5 points.

Whatever was read is said back ("comparison rate taken as 30%"), and figures that are possible but unlikely to be
meant are warned about (`warnings`). Pure Python, no Django: the command imports it without starting Django.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

How = Literal["percent", "fraction"]
_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(%|pp|percentage points?|points?)?\s*$",
                     re.IGNORECASE)
SMALLEST_SENSIBLE_POINTS = 0.5  # a worthwhile effect under half a percentage point is very likely a slip
LARGEST_SENSIBLE_GROUP = 200_000  # more people in each group than almost any council pilot can include

RULE = ("a number with a % sign, or of 1 or more, is a percentage (30 or 30% is 30%); a number below 1 without "
        "a % sign is a fraction (0.30 is 30%); the worthwhile effect is read as the rate typed with it was "
        "(0.30 and 0.05, or 30 and 5: 30% and 5 percentage points)")


class ShareError(ValueError):
    """A figure that is not a number, or not a possible share; the message says what to type."""


@dataclass(frozen=True)
class Share:
    typed: str
    value: float  # as a fraction: 0.30 for 30%
    how: How  # how the typed figure was read

    @property
    def percent(self) -> str:
        return f"{percent(self.value)}%"


def percent(fraction: float) -> str:
    """0.3 -> '30', 0.005 -> '0.5', 0.123456 -> '12.35': a percentage without needless digits."""
    value = fraction * 100
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _parse(text: str, what: str) -> tuple[float, str]:
    match = _NUMBER.match(str(text))
    if not match:
        raise ShareError(f"{what} must be a number, such as 30 or 0.30 or 30%, not {str(text).strip()!r}")
    number = float(match.group(1))
    if not math.isfinite(number):
        raise ShareError(f"{what} must be a finite number, not {str(text).strip()!r}")
    return number, (match.group(2) or "").lower()


def read_share(text: str, what: str) -> Share:
    """A rate, power or significance level typed as a percentage or a fraction (see the module's rule)."""
    number, unit = _parse(text, what)
    if unit and unit != "%":
        raise ShareError(f"{what} is a percentage, such as 30%, not percentage points")
    how: How = "percent" if unit == "%" or abs(number) >= 1 else "fraction"
    return Share(str(text).strip(), number / 100 if how == "percent" else number, how)


def read_difference(text: str, what: str, *, like: Share) -> Share:
    """A difference in percentage points, read as the rate `like` was typed (see the module's rule)."""
    number, unit = _parse(text, what)
    how: How = "percent" if unit or abs(number) >= 1 or like.how == "percent" else "fraction"
    return Share(str(text).strip(), number / 100 if how == "percent" else number, how)


def plain_number(text: str, what: str) -> float:
    """A figure in the outcome's own unit (a mean, a count, a time): a number, without % or points."""
    number, unit = _parse(text, what)
    if unit:
        raise ShareError(f"{what} is in the outcome's own unit: give a number without {unit}, for example 5")
    return number


def rate_and_effect(rate: Share, effect: Share | None, better: str | None) -> tuple[str, str] | None:
    """What is wrong with a comparison rate and a worthwhile effect read together, as ("rate" or "effect", the
    message), or None if nothing is."""
    if not 0 < rate.value < 1:
        return ("rate", f"The comparison rate must be between 0% and 100%: {rate.typed} was taken as {rate.percent}. "
                "Give the share expected to have the outcome without the change, for example 30 or 0.30")
    if effect is None or effect.value <= 0:
        return None
    rise, fall = rate.value + effect.value < 1, rate.value - effect.value > 0
    if {"higher": rise, "lower": fall}.get(better or "", rise or fall):
        return None
    change = {"higher": "a rise", "lower": "a fall"}.get(better or "", "a rise or a fall")
    message = (f"The smallest worthwhile effect is larger than possible: {change} of {percent(effect.value)} "
               f"percentage points from {rate.percent} leaves 0% to 100% ({effect.typed} was taken as "
               f"{percent(effect.value)} percentage points).")
    if effect.how == "percent":
        message += " For a fraction, type the rate as a fraction too, for example 0.30 and 0.05"
    return ("effect", message)


def read_back(rate: Share, effect: Share | None) -> str:
    """How the figures were read, as one sentence to show next to the answer."""
    text = f"Comparison rate taken as {rate.percent}"
    if effect is not None:
        text += f" and the smallest worthwhile effect as {percent(effect.value)} percentage points"
    return text + f" (you typed {rate.typed}" + (f" and {effect.typed}" if effect is not None else "") + ")."


def warnings(*, effect: Share | None = None, per_group: int | None = None) -> list[str]:
    """Figures that can be computed but are unlikely to be what was meant."""
    found = []
    if effect is not None and 0 < effect.value * 100 < SMALLEST_SENSIBLE_POINTS:
        found.append(
            f"A smallest worthwhile effect of {percent(effect.value)} percentage points is very small: few changes "
            f"are worth keeping for so little, and showing it takes a very large sample. If you meant "
            f"{percent(effect.value * 100)} percentage points, type {percent(effect.value * 100)}.")
    if per_group is not None and per_group > LARGEST_SENSIBLE_GROUP:
        found.append(
            f"This needs {per_group:,} people in each group, more than almost any council pilot can include. "
            "Check the figures (a rate of 30% is 30 or 0.30; a difference of 5 percentage points is 5, or 0.05 "
            "with a rate such as 0.30), or consider several councils running the pilot together.")
    return found
