"""``pilotbook pool``'s readable summary (printed without --json): a text forest plot on the analysis scale, the
pooled effect, the between-council variation, the prediction interval and the same in plain words."""

from __future__ import annotations

import math
from collections.abc import Sequence

PLOT_WIDTH = 41


def _fmt(x: float) -> str:
    """Three significant figures, without scientific notation for the sizes councils meet."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3g}"
    return f"{x:.2e}" if "e" in text else text


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


class _Axis:
    """Maps analysis-scale values to columns of the text plot."""

    def __init__(self, values: Sequence[float]):
        self.low, self.high = min(values), max(values)
        if self.high == self.low:
            self.low, self.high = self.low - 1, self.high + 1

    def col(self, x: float) -> int:
        return round((x - self.low) / (self.high - self.low) * (PLOT_WIDTH - 1))


def _bar(
    axis: _Axis, low: float, mid: float, high: float, *, ends: str = "[]", line: str = "-", mark: str = "o"
) -> str:
    """One row of the plot: the interval drawn with ``line``, its ends and the point estimate."""
    cells = [" "] * PLOT_WIDTH
    cells[axis.col(0.0)] = "|"
    a, b = axis.col(low), axis.col(high)
    for i in range(a, b + 1):
        cells[i] = line
    cells[a], cells[b] = ends[0], ends[1]
    cells[axis.col(mid)] = mark
    return "".join(cells)


def _display(result, x: float) -> str:
    return _fmt(math.exp(x) if result.is_ratio else x)


def _interval(result, low: float, high: float) -> str:
    return f"{_display(result, low)} to {_display(result, high)}"


def _row(width: int, label: str, effect: str, interval: str, weight: str, plot: str) -> str:
    return f"{label[:width]:<{width}}  {effect:>7}  {interval:<17} {weight:>6}  {plot}".rstrip()


def forest_plot(result) -> list[str]:
    """A text forest plot on the analysis scale: studies, the pooled diamond and the prediction interval."""
    studies = result.studies()
    lows, highs = [s.ci_low for s in studies], [s.ci_high for s in studies]
    extra = [result.pi_low, result.pi_high] if result.pi_low is not None else []
    axis = _Axis([0.0, *lows, *highs, result.ci_low, result.ci_high, *extra])
    width = min(28, max(len(label) for label in [*result.labels, "Prediction interval"]))
    lines = [_row(width, "Study", "Effect", f"{result.level:.0%} CI", "Weight", "Plot")]
    for s in studies:
        effect, interval = _display(result, s.yi), _interval(result, s.ci_low, s.ci_high)
        lines.append(_row(width, s.label, effect, interval, f"{s.weight:.1f}%", _bar(axis, s.ci_low, s.yi, s.ci_high)))
    est, lo, hi = result.estimate, result.ci_low, result.ci_high
    diamond = _bar(axis, lo, est, hi, ends="<>", line="=", mark="#")
    lines.append(_row(width, "Pooled", _display(result, est), _interval(result, lo, hi), "100%", diamond))
    if result.pi_low is not None:
        pi = _bar(axis, result.pi_low, est, result.pi_high, line=".", mark=":")
        lines.append(_row(width, "Prediction interval", "", _interval(result, result.pi_low, result.pi_high), "", pi))
    lines.append(_row(width, "", "", "", "", _axis_labels(result, axis, "1" if result.is_ratio else "0")))
    return lines


def _axis_labels(result, axis: _Axis, null: str) -> str:
    left, right = _display(result, axis.low), _display(result, axis.high)
    cells = list(left.ljust(PLOT_WIDTH))
    start = max(len(left) + 1, min(axis.col(0.0) - len(null) // 2, PLOT_WIDTH - len(right) - len(null) - 1))
    cells[start : start + len(null)] = null
    cells[PLOT_WIDTH - len(right) :] = right
    return "".join(cells)


def report(result) -> str:
    """The readable summary printed without --json."""
    from pilotbook.stats.effect_sizes import MEASURE_NAMES
    from pilotbook.stats.meta import describe

    name, level = MEASURE_NAMES[result.measure], f"{result.level:.0%}"
    model = "fixed effect" if result.method == "FE" else f"random effects, {result.method}"
    model += ", Hartung-Knapp adjusted" if result.hksj else ""
    stat = f"{result.statistic_name} = {result.statistic:.2f}" + (f" on {result.df} df" if result.df else "")
    ci = _interval(result, result.ci_low, result.ci_high)
    lines = [f"Pooled {name} from {result.k} studies ({model})", "", *forest_plot(result), ""]
    lines.append(f"Pooled {name}: {_display(result, result.estimate)} ({level} CI {ci}), {stat}, {_p(result.p_value)}")
    lines.append(
        f"Between-council variation: tau² = {_fmt(result.tau2)} (tau = {_fmt(result.tau)}), "
        f"I² = {result.i2:.1f}%, H² = {result.h2:.2f}"
    )
    lines.append(f"Test of no variation: Q = {result.q:.2f} on {result.q_df} df, {_p(result.q_p)}")
    if result.pi_low is not None:
        pi = _interval(result, result.pi_low, result.pi_high)
        lines.append(f"{level} prediction interval (the effect to expect in a new council): {pi}")
    elif result.method != "FE":
        lines.append("No prediction interval: it needs at least three studies.")
    if result.is_ratio:
        lines.append(
            f"Analysis scale: log {name} (estimate {result.estimate:.4f}, SE {result.se:.4f}), as in the plot."
        )
    lines += [f"Note: {note}" for note in result.notes]
    lines += ["", "In plain words:", *(f"  {sentence}" for sentence in describe(result))]
    return "\n".join(lines)
