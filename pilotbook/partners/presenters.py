"""Formatting between partner models and templates: marker symbols, stage tags, money and shares.

Unit-tested without a database (tests/partners/test_presenters.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .choices import Stage, WouldRepeat

# Each shape in a 20 x 20 box. The map script gets the same SVG from the JSON endpoint, so the legend,
# the table and the markers always agree.
SHAPES = {
    "circle": '<circle cx="10" cy="10" r="8"/>',
    "square": '<rect x="3" y="3" width="14" height="14"/>',
    "triangle": '<polygon points="10,2 18.5,17.5 1.5,17.5"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"/>',
    "star": '<polygon points="10,1 12.6,7.2 19,7.6 14,11.8 15.6,18.4 10,14.8 4.4,18.4 6,11.8 1,7.6 7.4,7.2"/>',
    "hexagon": '<polygon points="10,1 18,5.5 18,14.5 10,19 2,14.5 2,5.5"/>',
    "cross": '<polygon points="7,2 13,2 13,7 18,7 18,13 13,13 13,18 7,18 7,13 2,13 2,7 7,7"/>',
    "pentagon": '<polygon points="10,1 19,7.8 15.6,18.5 4.4,18.5 1,7.8"/>',
}
STAGE_TAG = {
    Stage.IDENTIFIED: "govuk-tag--grey",
    Stage.CONTACTED: "govuk-tag--light-blue",
    Stage.EXPLORING: "govuk-tag--blue",
    Stage.AGREEMENT: "govuk-tag--purple",
    Stage.RUNNING_PILOT: "govuk-tag--turquoise",
    Stage.REVIEWED: "govuk-tag--green",
    Stage.ENDED: "govuk-tag--orange",
}
REPEAT_TAG = {WouldRepeat.YES: "govuk-tag--green", WouldRepeat.WITH_CHANGES: "govuk-tag--yellow",
              WouldRepeat.NO: "govuk-tag--red"}


def marker_svg(shape: str, colour: str, size: int = 20) -> str:
    """The marker as SVG markup (decorative: the sector's name is always written beside it)."""
    body = SHAPES.get(shape, SHAPES["circle"])
    colour = escape(colour)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20" width="{size}" height="{size}" '
            f'aria-hidden="true" focusable="false" class="pb-marker"><g fill="{colour}" stroke="#ffffff" '
            f'stroke-width="1.5">{body}</g></svg>')


def sector_symbol(sector) -> SafeString:
    return format_html('<span class="pb-sector">{}{}</span>', SafeString(marker_svg(sector.shape, sector.colour)),
                       sector.name)


def money(value: Decimal | None) -> str:
    if value is None:
        return _("not reported")
    return f"£{value:,.0f}"


def share(value: float | None) -> str:
    return _("none to compare") if value is None else f"{value:.0%}"


def stage_tag_class(stage: str) -> str:
    return STAGE_TAG.get(stage, "govuk-tag--grey")
