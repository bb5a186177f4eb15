"""The outcomes a power calculation can be for: yes/no (Binary), continuous, and counts per exposure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from scipy.optimize import brentq
from scipy.stats import norm
from statsmodels.stats.power import TTestIndPower, normal_power_het, normal_sample_size_one_tail

from pilotbook.stats.power.base import (
    _TINY,
    _check_better,
    _finite,
    _pct,
    _require,
    _signs,
)
from pilotbook.stats.verdicts import Better

# --- outcomes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Binary:
    """A yes/no outcome (paid, made contact) with the comparison group's expected rate, a fraction 0-1."""

    control_rate: float
    better: Better | None = None
    kind: ClassVar[str] = "binary"
    method: ClassVar[str] = (
        "Two proportions, normal approximation: pooled variance under no effect, unpooled under the effect "
        "(Fleiss), no continuity correction"
    )

    def __post_init__(self) -> None:
        _require(_finite(self.control_rate) and 0 < self.control_rate < 1, "The control rate must be between 0 and 1.")
        _check_better(self.better)

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def feasible(self, effect: float, sign: int) -> bool:
        return 0 < self.control_rate + sign * effect < 1

    def effect_range(self, sign: int) -> tuple[float, float]:
        """The weakest and the strongest effect possible in this direction, for the MDE search."""
        return _TINY, (1 - self.control_rate if sign > 0 else self.control_rate) - _TINY

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        std_null, std_alt = self._stds(effect, sign, ratio)
        return float(normal_sample_size_one_tail(effect, power, alpha / 2, std_null, std_alt))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        std_null, std_alt = self._stds(effect, sign, ratio)
        return float(normal_power_het(effect, n, alpha / 2, std_null, std_alt, alternative="larger"))

    def _stds(self, effect: float, sign: int, ratio: float) -> tuple[float, float]:
        """SDs of the difference per comparison-group person, with no effect (pooled) and with the effect."""
        p0 = self.control_rate
        p1 = p0 + sign * effect
        pooled = (p0 + ratio * p1) / (1 + ratio)
        return math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio)), math.sqrt(p0 * (1 - p0) + p1 * (1 - p1) / ratio)

    def describe(self, effect: float, sign: int) -> str:
        p1 = self.control_rate + sign * effect
        change = "rise" if sign > 0 else "fall"
        return f"a {change} from {_pct(self.control_rate)} to {_pct(p1)} ({effect * 100:.3g} percentage points)"


@dataclass(frozen=True)
class Continuous:
    """A measured outcome (days, pounds, a score) with its standard deviation.

    ``baseline_correlation`` is the correlation between the outcome and the same measure before the pilot;
    adjusting for it (ANCOVA) shrinks the SD to ``sd·sqrt(1 - r²)``. ``control_mean`` only words the result.
    """

    sd: float
    control_mean: float | None = None
    baseline_correlation: float = 0.0
    kind: ClassVar[str] = "continuous"

    def __post_init__(self) -> None:
        _require(_finite(self.sd) and self.sd > 0, "The standard deviation must be greater than 0.")
        _require(
            _finite(self.baseline_correlation) and -1 < self.baseline_correlation < 1,
            "The correlation with the baseline must be between -1 and 1.",
        )
        _require(self.control_mean is None or _finite(self.control_mean), "The control mean must be a number.")

    @property
    def method(self) -> str:
        adjusted = ", SD reduced for the baseline (ANCOVA)" if self.baseline_correlation else ""
        return f"Two-sample t-test (noncentral t){adjusted}"

    def signs(self) -> tuple[int, ...]:
        return (1,)  # symmetric: the direction never changes the answer

    def feasible(self, effect: float, sign: int) -> bool:
        return True

    def effect_range(self, sign: int) -> tuple[float, float]:
        return _TINY * self._sd, 100 * self._sd

    @property
    def _sd(self) -> float:
        return self.sd * math.sqrt(1 - self.baseline_correlation**2)

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        if n * (1 + ratio) <= 2:
            return 0.0  # no degrees of freedom left to estimate the SD: the test cannot reject
        d = effect / self._sd
        value = float(TTestIndPower().power(d, n, alpha / 2, ratio=ratio, alternative="larger"))
        if not math.isfinite(value):  # scipy's noncentral t gives NaN at some large samples, where t is normal
            value = float(norm.cdf(d * math.sqrt(n * ratio / (1 + ratio)) - norm.isf(alpha / 2)))
        return value

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        low = 2 / min(1.0, ratio)  # at least two people in each group, or the t-test has no degrees of freedom
        if self.power(effect, sign, low, alpha, ratio) >= power:
            return low
        normal = (norm.isf(alpha / 2) + norm.ppf(power)) ** 2 * (1 + 1 / ratio) * (self._sd / effect) ** 2
        high = 2 * normal + 2 * low  # the t-test needs a few more people than the normal approximation, not double
        found: float = brentq(lambda n: self.power(effect, sign, n, alpha, ratio) - power, low, high, xtol=1e-10)
        return found

    def describe(self, effect: float, sign: int) -> str:
        if self.control_mean is None:
            return f"a difference of {effect:.4g} (SD {self.sd:.4g})"
        mean = self.control_mean
        return f"a difference of {effect:.4g} from a comparison-group mean of {mean:.4g} (SD {self.sd:.4g})"


@dataclass(frozen=True)
class Count:
    """Events counted per person (contacts, missed bins) with the comparison group's rate per unit of exposure.

    ``exposure`` is each person's exposure (weeks, years); ``dispersion`` is the variance as a multiple of the
    mean, 1 for Poisson and more for counts that bunch up in some people. ``effect`` says what ``worthwhile``
    means: "difference" in the rate per unit of exposure, or "ratio", the change group's rate over the
    comparison group's (0.8 = a fifth fewer events).
    """

    control_rate: float
    exposure: float = 1.0
    dispersion: float = 1.0
    better: Better | None = None
    effect: str = "difference"
    kind: ClassVar[str] = "count"

    def __post_init__(self) -> None:
        _require(_finite(self.control_rate) and self.control_rate > 0, "The control rate must be greater than 0.")
        _require(_finite(self.exposure) and self.exposure > 0, "The exposure per person must be greater than 0.")
        _require(_finite(self.dispersion) and self.dispersion > 0, "The dispersion must be greater than 0.")
        _require(self.effect in {"difference", "ratio"}, "The effect must be 'difference' or 'ratio'.")
        _check_better(self.better)

    @property
    def method(self) -> str:
        model = "Poisson" if self.dispersion == 1 else f"overdispersed Poisson (variance {self.dispersion:g} x mean)"
        return f"Difference in {model} rates with exposure, normal approximation: pooled variance under no effect"

    @property
    def is_ratio(self) -> bool:
        return self.effect == "ratio"

    def signs(self) -> tuple[int, ...]:
        return _signs(self.better)

    def new_rate(self, effect: float, sign: int) -> float:
        """The change group's rate: a rate ratio sets its own direction; a difference goes the ``sign`` way."""
        return self.control_rate * effect if self.is_ratio else self.control_rate + sign * effect

    def feasible(self, effect: float, sign: int) -> bool:
        if self.is_ratio:
            return effect > 0 and effect != 1
        return self.new_rate(effect, sign) > 0

    def effect_range(self, sign: int) -> tuple[float, float]:
        if self.is_ratio:
            return (1 + _TINY, 1e6) if sign > 0 else (1 - _TINY, 1e-6)  # (weakest, strongest)
        return _TINY * self.control_rate, (1e6 if sign > 0 else 1 - _TINY) * self.control_rate

    def n_exact(self, effect: float, sign: int, alpha: float, power: float, ratio: float) -> float:
        gap, std_null, std_alt = self._gap_and_stds(effect, sign, ratio)
        return float(normal_sample_size_one_tail(gap, power, alpha / 2, std_null, std_alt))

    def power(self, effect: float, sign: int, n: float, alpha: float, ratio: float) -> float:
        gap, std_null, std_alt = self._gap_and_stds(effect, sign, ratio)
        return float(normal_power_het(gap, n, alpha / 2, std_null, std_alt, alternative="larger"))

    def _gap_and_stds(self, effect: float, sign: int, ratio: float) -> tuple[float, float, float]:
        """The difference in counts per person, and its SDs per comparison-group person without and with it."""
        mu0 = self.control_rate * self.exposure
        mu1 = self.new_rate(effect, sign) * self.exposure
        pooled = (mu0 + ratio * mu1) / (1 + ratio)
        phi = self.dispersion
        return abs(mu1 - mu0), math.sqrt(phi * pooled * (1 + 1 / ratio)), math.sqrt(phi * (mu0 + mu1 / ratio))

    def describe(self, effect: float, sign: int) -> str:
        new = self.new_rate(effect, sign)
        return (
            f"a change in the rate from {self.control_rate:.4g} to {new:.4g} per unit of exposure "
            f"(rate ratio {new / self.control_rate:.3g})"
        )
