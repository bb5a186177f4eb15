"""Presenters for results: the plain-English verdict, the effect chart, Kaplan-Meier curves and their tables.

Charts are server-drawn SVG (no JavaScript), each with a title and description for screen readers and the
same numbers in a table beside it. Nothing here computes statistics: every number comes from the engine's
output (pilotbook.stats.analysis.Analysis.to_dict()) or the recorded Result; this module only places and
words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace

from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext as _

from pilotbook.stats import cost

from . import presenters
from .choices import BetterDirection, OutcomeKind, Verdict

WIDTH, LEFT, RIGHT = 640, 150, 20
EFFECT_LEFT = 200  # room for comparison labels such as "new letter − old letter"
ROW_HEIGHT, TOP, AXIS = 44, 40, 36
# The narrow drawing, shown on phones in place of the wide one: 320 units wide, so that at 320 CSS px its 14-unit
# text is drawn at about 12.7 px; each row's label sits above its line instead of to the left of it.
NARROW_WIDTH, NARROW_SIDE, NARROW_ROW_HEIGHT = 320, 12, 52
# Line styles that differ by more than colour, for Kaplan-Meier curves.
CURVE_STYLES = [("#1d70b8", ""), ("#d4351c", "8 4"), ("#00703c", "2 3"), ("#6f72af", "12 3 2 3")]


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round-numbered ticks covering [low, high]."""
    span = high - low or abs(high) or 1.0
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def number(value: float | Decimal | None, places: int = 2) -> str:
    if value is None:
        return "–"
    value = float(value)
    if value != 0 and abs(value) < 0.01:
        return f"{value:.2g}"
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class EffectRow:
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    x_est: float = 0
    x_low: float = 0
    x_high: float = 0
    y: float = 0
    y_text: float = 0
    x_box: float = 0
    y_box: float = 0
    verdict: str = ""
    label_short: str = ""


@dataclass
class EffectChart:
    rows: list[EffectRow]
    unit: str
    worthwhile: float  # signed: on the side of the axis that is better
    height: int = 0
    width: int = WIDTH
    ticks: list[tuple[float, str]] = field(default_factory=list)
    x_zero: float = 0
    x_worthwhile: float = 0
    zero_anchor: str = "middle"
    worthwhile_anchor: str = "middle"
    axis_y: float = 0
    left: float = EFFECT_LEFT
    right: float = WIDTH - RIGHT
    label_x: float = EFFECT_LEFT - 10
    label_anchor: str = "end"
    tick_label_y: float = 0
    worthwhile_label_y: float = 0
    title: str = ""
    description: str = ""
    narrow: EffectChart | None = None  # the same chart drawn for a phone


def anchor(x: float, left: float, right: float) -> str:
    """Where a label centred on x would run past the drawing's edge, start or end it at x instead."""
    if x - left < 40:
        return "start"
    return "end" if right - x < 40 else "middle"


def effect_chart(rows: list[EffectRow], *, unit: str, worthwhile: float, better: str, level: float = 95) -> EffectChart:
    """Place each effect and its CI on one axis with zero and the smallest worthwhile effect marked, drawn wide
    and, as `.narrow`, for a phone."""
    chart = _effect_layout(rows, unit=unit, worthwhile=worthwhile, better=better, narrow=False)
    chart.narrow = _effect_layout([replace(row) for row in rows], unit=unit, worthwhile=worthwhile, better=better,
                                  narrow=True)
    chart.title = chart.narrow.title = _("Effect with its %(level)s%% confidence interval, in %(unit)s") % {
        "unit": unit, "level": number(level, 1)}
    parts = [
        _("%(label)s: %(estimate)s %(unit)s, %(level)s%% confidence interval %(low)s to %(high)s.")
        % {"label": r.label, "estimate": number(r.estimate), "low": number(r.ci_low), "high": number(r.ci_high),
           "unit": unit, "level": number(level, 1)}
        for r in rows
    ]
    parts.append(_("No effect is at 0; the smallest effect worth having is at %(w)s %(unit)s.")
                 % {"w": number(chart.worthwhile), "unit": unit})
    chart.description = chart.narrow.description = " ".join(parts)
    return chart


def _effect_layout(rows: list[EffectRow], *, unit: str, worthwhile: float, better: str,
                   narrow: bool) -> EffectChart:
    signed_worthwhile = worthwhile if better == BetterDirection.HIGHER else -worthwhile
    values = [0.0, signed_worthwhile] + [v for r in rows for v in (r.ci_low, r.ci_high)]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 1.0
    ticks = nice_ticks(low - pad, high + pad, count=4 if narrow else 6)
    lo, hi = min(ticks[0], low - pad), max(ticks[-1], high + pad)
    width = NARROW_WIDTH if narrow else WIDTH
    left, right = (NARROW_SIDE, NARROW_WIDTH - NARROW_SIDE) if narrow else (EFFECT_LEFT, WIDTH - RIGHT)
    row_height = NARROW_ROW_HEIGHT if narrow else ROW_HEIGHT
    scale = (right - left) / (hi - lo)

    def x(value: float) -> float:
        return round(left + (value - lo) * scale, 1)

    for index, row in enumerate(rows):
        row.x_est, row.x_low, row.x_high = x(row.estimate), x(row.ci_low), x(row.ci_high)
        if narrow:  # the label on its own line above the interval
            row.y_text = TOP + index * row_height + 16
            row.y = row.y_text + 20
            row.label_short = truncatechars(row.label, 40)
        else:
            row.y = TOP + index * row_height + row_height / 2
            row.y_text = row.y + 5
            row.label_short = truncatechars(row.label, 27)
        row.x_box, row.y_box = row.x_est - 7, row.y - 7
    chart = EffectChart(rows=rows, unit=unit, worthwhile=signed_worthwhile, width=width, left=left, right=right)
    if narrow:
        chart.label_x, chart.label_anchor = left, "start"
    chart.height = TOP + len(rows) * row_height + AXIS
    chart.axis_y, chart.tick_label_y, chart.worthwhile_label_y = chart.height - AXIS, chart.height - 14, 30
    chart.ticks = [(x(t), number(t)) for t in ticks if lo <= t <= hi]
    chart.x_zero, chart.x_worthwhile = x(0.0), x(signed_worthwhile)
    chart.zero_anchor = anchor(chart.x_zero, 0, width)
    chart.worthwhile_anchor = anchor(chart.x_worthwhile, 0, width)
    return chart


@dataclass
class KMChart:
    curves: list[dict]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    height: int
    plot_bottom: float
    x_label_y: float
    unit_label_y: float
    time_unit: str
    table_times: list[float]
    table: list[dict]
    title: str
    description: str
    width: int = WIDTH
    left: float = LEFT
    right: float = WIDTH - RIGHT
    narrow: KMChart | None = None  # the same curves drawn for a phone

    @property
    def y_label_x(self) -> float:
        return self.left - 10

    @property
    def unit_label_x(self) -> float:
        return round((self.left + self.right) / 2, 1)


def km_chart(curves: list[dict], *, time_unit: str) -> KMChart | None:
    """Kaplan-Meier step curves, one per group, with survival at a few times for the table alternative; drawn
    wide and, as `.narrow`, for a phone."""
    if not curves:
        return None
    chart = _km_layout(curves, time_unit=time_unit, narrow=False)
    chart.narrow = _km_layout(curves, time_unit=time_unit, narrow=True)
    return chart


def _km_layout(curves: list[dict], *, time_unit: str, narrow: bool) -> KMChart:
    height, top, bottom = (240 if narrow else 300), 16, 40
    width = NARROW_WIDTH if narrow else WIDTH
    left, right = (48, NARROW_WIDTH - NARROW_SIDE) if narrow else (LEFT, WIDTH - RIGHT)
    t_max = max((step[0] for c in curves for step in c["steps"]), default=0) or 1.0
    x_ticks_values = nice_ticks(0, t_max)
    x_hi = max(x_ticks_values[-1], t_max)
    # The table's times come from the wide axis, so both drawings describe the same table.
    table_times = [t for t in x_ticks_values if 0 < t <= t_max][:6]
    if narrow:
        x_ticks_values = nice_ticks(0, t_max, count=4)
        x_hi = max(x_ticks_values[-1], t_max)

    def x(t):
        return round(left + t / x_hi * (right - left), 1)

    def y(s):
        return round(top + (1 - s) * (height - top - bottom), 1)

    drawn = []
    for index, curve in enumerate(curves):
        colour, dash = CURVE_STYLES[index % len(CURVE_STYLES)]
        points, previous = [], None
        for t, s, *_bounds in curve["steps"]:
            if previous is not None:
                points.append(f"{x(t)},{y(previous)}")
            points.append(f"{x(t)},{y(s)}")
            previous = s
        points.append(f"{x(x_hi)},{y(previous if previous is not None else 1)}")
        drawn.append({**curve, "colour": colour, "dash": dash, "points": " ".join(points)})
    table = []
    for curve in curves:
        at = []
        for t in table_times:
            s = 1.0
            for step_t, step_s, *_bounds in curve["steps"]:
                if step_t <= t:
                    s = step_s
            at.append(number(s * 100, 0) + "%")
        table.append({"label": curve["label"], "at": at, "median": curve.get("median"),
                      "median_ci_low": curve.get("median_ci_low"), "median_ci_high": curve.get("median_ci_high")})
    description = " ".join(
        _("%(label)s: median %(median)s %(unit)s.") % {
            "label": c["label"], "unit": time_unit,
            "median": number(c["median"]) if c.get("median") is not None else _("not reached")}
        for c in curves)
    return KMChart(
        curves=drawn,
        x_ticks=[(x(t), number(t)) for t in x_ticks_values if t <= x_hi],
        y_ticks=[(y(s), y(s) + 5, f"{int(s * 100)}%") for s in (0, 0.25, 0.5, 0.75, 1)],
        height=height, plot_bottom=height - bottom, x_label_y=height - 20, unit_label_y=height - 2,
        time_unit=time_unit, table_times=[number(t) for t in table_times], table=table,
        title=_("Share still waiting for the event over time (Kaplan-Meier)"), description=description,
        width=width, left=left, right=right,
    )


# Whole views ------------------------------------------------------------------------------------------------


def _scale(pilot) -> float:
    return 100.0 if pilot.outcome_kind == OutcomeKind.BINARY else 1.0


def _comparison_view(pilot, comparison: dict) -> dict:
    scale = _scale(pilot)
    d = comparison["difference"]
    estimate, low, high = d["estimate"] * scale, d["ci_low"] * scale, d["ci_high"] * scale
    verdict = comparison.get("verdict")
    fake = SimpleNamespace(ci_low=Decimal(repr(round(low, 4))), ci_high=Decimal(repr(round(high, 4))))
    return {
        "arm": comparison["arm"], "control": comparison["control"], "verdict": verdict,
        "verdict_label": Verdict(verdict).label if verdict else "",
        "verdict_tag": presenters.verdict_tag_class(verdict) if verdict else "",
        "verdict_explanation": presenters.VERDICT_EXPLANATION.get(verdict, ""),
        "sentence": presenters.effect_sentence(pilot, fake),
        "estimate": estimate, "ci_low": low, "ci_high": high,
        "difference": d, "ratio": comparison.get("ratio"), "other_measures": comparison.get("other_measures") or {},
        "p_value": comparison.get("p_value"), "p_value_adjusted": comparison.get("p_value_adjusted"),
        "test": comparison.get("test"), "reaches_worthwhile": comparison.get("reaches_worthwhile"),
        "settling_sample": comparison.get("settling_sample"),
    }


def analysis_report(pilot, output: dict) -> dict:
    """Everything a page needs to show one engine output: comparisons, charts, tables and caveats."""
    comparisons = [_comparison_view(pilot, c) for c in output["comparisons"]]
    rows = [EffectRow(label=f"{c['arm']} − {c['control']}", estimate=c["estimate"], ci_low=c["ci_low"],
                      ci_high=c["ci_high"], verdict=c["verdict_label"]) for c in comparisons]
    survival = output.get("survival") or {}
    return {
        "output": output,
        "comparisons": comparisons,
        "chart": effect_chart(rows, unit=pilot.outcome_unit, worthwhile=float(pilot.worthwhile_effect),
                              better=pilot.better_direction, level=(1 - output.get("alpha", 0.05)) * 100),
        "level": (1 - output.get("alpha", 0.05)) * 100,
        "km": km_chart(survival.get("curves") or [], time_unit=pilot.outcome_unit),
        "scale": _scale(pilot),
        "arms": output.get("arms", []),
        "warnings": output.get("warnings", []),
        "assumptions": output.get("assumptions", []),
        "multiple_arms": len(comparisons) > 1,
    }


def cost_view(pilot, output: dict):
    """Cost per extra successful outcome and net saving, when the plan gave costs (pilotbook.stats.cost)."""
    if pilot.setup_cost is None and pilot.running_cost is None:
        return None
    if pilot.outcome_kind != OutcomeKind.BINARY:
        # "Extra successful outcomes" are people who had the outcome; for days, pounds or counts the effect per
        # person is not a number of successes, so no cost per success is claimed.
        return None
    comparison = output["comparisons"][0]
    arm = next((a for a in output.get("arms", []) if a["label"] == comparison["arm"]), None)
    oriented = comparison.get("oriented")
    if not arm or not arm.get("n") or not oriented:
        return None
    try:
        return cost.cost_effectiveness(
            setup_cost=pilot.setup_cost or 0, running_cost=pilot.running_cost or 0, treated=int(arm["n"]),
            effect=oriented["estimate"], ci_low=oriented["ci_low"], ci_high=oriented["ci_high"],
            value_per_outcome=pilot.value_per_outcome)
    except cost.CostInputError:
        return None


def result_view(pilot, result) -> dict:
    """The recorded headline result, with the analysis behind it when it was done in Pilotbook."""
    analysis = result.analysis
    view = {"result": result, "sentence": presenters.effect_sentence(pilot, result),
            "verdict_explanation": presenters.VERDICT_EXPLANATION.get(result.verdict, ""),
            "verdict_tag": presenters.verdict_tag_class(result.verdict), "report": None}
    if analysis is not None:
        view["report"] = analysis_report(pilot, analysis.output)
        view["chart"] = view["report"]["chart"]
        view["cost"] = cost_view(pilot, analysis.output)
    elif result.has_interval and pilot.worthwhile_effect is not None and pilot.better_direction:
        row = EffectRow(label=_("Pilot − comparison"), estimate=float(result.estimate),
                        ci_low=float(result.ci_low), ci_high=float(result.ci_high))
        view["chart"] = effect_chart([row], unit=pilot.outcome_unit, worthwhile=float(pilot.worthwhile_effect),
                                     better=pilot.better_direction)
    return view
