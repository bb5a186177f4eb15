"""The forest plot: each pilot's effect and interval, sized by weight, and the pooled diamond, as SVG geometry.

Ratio measures are drawn on a log axis labelled in natural units (0.5, 1, 2). Nothing is computed here but
positions; the numbers come from pilotbook.stats.meta.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.template.defaultfilters import truncatechars

from pilotbook.pilots.charts import NARROW_SIDE, NARROW_WIDTH, nice_ticks, number

WIDTH, LEFT, RIGHT, ROW, TOP, AXIS = 640, 220, 20, 30, 20, 40
NARROW_ROW = 48  # on a phone each pilot's name sits on its own line above its interval (pilotbook.pilots.charts)


@dataclass
class ForestRow:
    label: str
    estimate: str
    ci: str
    weight: str
    x: float = 0
    x_low: float = 0
    x_high: float = 0
    y: float = 0
    size: float = 0
    x_box: float = 0
    y_box: float = 0
    label_y: float = 0
    label_short: str = ""


@dataclass
class Forest:
    rows: list[ForestRow]
    height: int
    null_x: float
    ticks: list[tuple[float, str]] = field(default_factory=list)
    diamond: str = ""
    diamond_y: float = 0
    pooled_label: str = ""
    axis_y: float = 0
    tick_y: float = 0
    title: str = ""
    description: str = ""
    width: int = WIDTH
    label_x: float = LEFT - 10
    label_anchor: str = "end"
    pooled_label_y: float = 0
    narrow: Forest | None = None  # the same plot drawn for a phone


def forest(pooled, members, *, ratio: bool, names: dict[int, str]) -> Forest:
    """The plot drawn wide and, as `.narrow`, for a phone."""
    chart = _layout(pooled, ratio=ratio, names=names, narrow=False)
    chart.narrow = _layout(pooled, ratio=ratio, names=names, narrow=True)
    return chart


def _layout(pooled, *, ratio: bool, names: dict[int, str], narrow: bool) -> Forest:
    studies = pooled.studies()
    width = NARROW_WIDTH if narrow else WIDTH
    left, right = (NARROW_SIDE, NARROW_SIDE) if narrow else (LEFT, RIGHT)
    row_height = NARROW_ROW if narrow else ROW
    show = (lambda v: math.exp(v)) if ratio else (lambda v: v)  # noqa: E731
    values = [s.ci_low for s in studies] + [s.ci_high for s in studies] + [pooled.ci_low, pooled.ci_high, 0.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or 0.5
    low, high = low - pad, high + pad
    scale = (width - left - right) / (high - low)

    def x(v: float) -> float:
        return round(left + (v - low) * scale, 1)

    if ratio:
        candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        ticks = [(x(math.log(t)), number(t)) for t in candidates if low <= math.log(t) <= high]
    else:
        ticks = [(x(t), number(t)) for t in nice_ticks(low, high, count=4 if narrow else 6) if low <= t <= high]
    largest = max(s.weight for s in studies) or 1
    rows = []
    for i, s in enumerate(studies):
        pilot_id = int(s.label)
        row = ForestRow(label=names.get(pilot_id, s.label), estimate=number(show(s.yi)),
                        ci=f"{number(show(s.ci_low))} to {number(show(s.ci_high))}", weight=f"{s.weight:.1f}%")
        row.x, row.x_low, row.x_high = x(s.yi), x(s.ci_low), x(s.ci_high)
        if narrow:
            row.label_y = TOP + i * row_height + 14
            row.y = row.label_y + 20
        else:
            row.y = TOP + i * row_height + row_height / 2
            row.label_y = row.y + 5
        row.label_short = truncatechars(row.label, 40 if narrow else 30)
        row.size = round(4 + 10 * math.sqrt(s.weight / largest), 1)
        row.x_box, row.y_box = round(row.x - row.size / 2, 1), round(row.y - row.size / 2, 1)
        rows.append(row)
    diamond_y = TOP + len(rows) * row_height + (34 if narrow else row_height / 2)
    diamond = " ".join(f"{px},{py}" for px, py in (
        (x(pooled.ci_low), diamond_y), (x(pooled.estimate), diamond_y - 8), (x(pooled.ci_high), diamond_y),
        (x(pooled.estimate), diamond_y + 8)))
    height = int(diamond_y + 10 + AXIS)
    chart = Forest(rows=rows, height=height, null_x=x(0.0), ticks=ticks, diamond=diamond, diamond_y=diamond_y,
                   axis_y=diamond_y + 14, tick_y=diamond_y + 32, width=width,
                   label_x=left if narrow else LEFT - 10, label_anchor="start" if narrow else "end",
                   pooled_label_y=diamond_y - 20 if narrow else diamond_y + 5)
    chart.pooled_label = (f"Pooled: {number(show(pooled.estimate))} "
                          f"({number(show(pooled.ci_low))} to {number(show(pooled.ci_high))})")
    chart.title = "Forest plot: each pilot's effect with its confidence interval, and the pooled effect"
    chart.description = " ".join(
        [f"{r.label}: {r.estimate} ({r.ci}), weight {r.weight}." for r in rows] + [chart.pooled_label + "."]
        + [f"No effect is at {'1' if ratio else '0'}."])
    return chart
