"""Markdown to safe HTML for comments: Markdown renders, then nh3 (the Rust ammonia sanitiser) keeps only an
allow-list of tags and attributes, so raw HTML, event handlers and javascript: links never reach a page."""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# The design system's classes, set on every allowed tag so a comment looks like the rest of the page.
GOVUK_CLASSES = {
    "p": {"class": "govuk-body"},
    "a": {"class": "govuk-link"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "blockquote": {"class": "govuk-inset-text"},
    "hr": {"class": "govuk-section-break govuk-section-break--m govuk-section-break--visible"},
}


# A heading inside a comment would break the page's heading outline, so it becomes a bold paragraph (the
# sanitiser still runs afterwards, so this substitution cannot let anything through).
HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)


def render(text: str) -> SafeString:
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    html = HEADING.sub(r"<p><strong>\1</strong></p>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        set_tag_attribute_values=GOVUK_CLASSES,
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with the allow-list above
