"""The one safe Markdown renderer: Markdown to HTML, then nh3 (the Rust ammonia sanitiser) keeps only one
allow-list, so raw HTML, scripts, styles, event handlers, images and javascript:/data: links never reach a page.

Every piece of Markdown people write and others read goes through here: comments (`pilotbook.discussion`) and a
material's text (`pilotbook.materials`). One allow-list serves both:

- tags: paragraphs and line breaks, strong/em/b/i, links, bulleted and numbered lists, block quotes, code and
  preformatted text, a horizontal rule, headings h2-h4 and simple tables (table, thead, tbody, tr, th, td);
  never h1 (the page's own title), script, style, iframe, img, form, svg, math or any other tag;
- attributes: only `href` and `title` on links; every other attribute (event handlers, style, src) is dropped;
- link schemes: http, https and mailto only; every link gets rel="nofollow noopener noreferrer";
- HTML comments are dropped; each kept tag gets the design system's class, so Markdown looks like the page.

A comment sits inside a page with its own heading outline, so `headings=False` turns a heading into a bold
paragraph (before the sanitiser runs, so the substitution cannot let anything through); comments are rendered
without the tables extension (a table inside a comment or an email excerpt reads badly). A material's text is a
document of its own: headings h2-h4 and tables stay.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# The design system's classes, set on every allowed tag so Markdown looks like the rest of the page.
GOVUK_CLASSES = {
    "p": "govuk-body", "a": "govuk-link", "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number", "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "h2": "govuk-heading-m", "h3": "govuk-heading-s", "h4": "govuk-heading-s",
    "table": "govuk-table", "th": "govuk-table__header", "td": "govuk-table__cell",
}

HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)


def render(text: str, *, headings: bool = True, tables: bool = True) -> SafeString:
    """`text` as Markdown, sanitised. `headings=False` makes headings bold paragraphs; `tables` turns on the
    Markdown tables extension."""
    extensions = ["sane_lists", "tables"] if tables else ["sane_lists"]
    html = markdown_lib.markdown(text, extensions=extensions, output_format="html")
    if not headings:
        html = HEADING.sub(r"<p><strong>\1</strong></p>", html)
    return sanitise(html)


def sanitise(html: str) -> SafeString:
    """Any HTML reduced to the allow-list above, safe to put on a page."""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        set_tag_attribute_values={tag: {"class": value} for tag, value in GOVUK_CLASSES.items()},
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with the allow-list above
