"""Comments shown everywhere they appear, through the one safe renderer (`pilotbook.web.markdown`).

On a comment's page a comment is Markdown rendered and sanitised with the site's one allow-list, its headings made
bold paragraphs so the page's heading outline stays intact. Everywhere else a comment appears (the notifications
page, the question email, the digest) it is shown through this module too: `excerpt_html` for pages and HTML
emails (rendered as on the comment's page, cut short with its tags closed, sanitised again), and `to_text` for
text emails (what the page shows, as readable plain text: no Markdown marks, no markup, no escaped entities)."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from pilotbook.web import markdown as web_markdown
from pilotbook.web.markdown import sanitise


def render(text: str) -> SafeString:
    """A comment as on its page: headings become bold paragraphs, no tables."""
    return web_markdown.render(text, headings=False, tables=False)


def excerpt_html(text: str, limit: int, *, site: str = "") -> SafeString:
    """The comment rendered as on its page, cut to about `limit` characters of text with its tags closed.

    With `site` (an email), links relative to the site become absolute, as a mail program has no page to be
    relative to."""
    html = Truncator(render(text)).chars(limit, html=True)
    if site:
        html = re.sub(r'href="/(?!/)', f'href="{html_lib.escape(site.rstrip("/"))}/', html)
    return sanitise(html)  # cutting only removes text and closes tags; sanitised again all the same


def to_text(text: str, limit: int | None = None, *, site: str = "") -> str:
    """The comment as readable plain text: what its page shows, paragraphs apart, list items with "- ", quotes
    with "> ", a link as "its text (its address)" (absolute with `site`), and characters, not entities. Cut to
    `limit` characters."""
    reader = _Text(site.rstrip("/"))
    reader.feed(render(text))
    reader.close()
    plain = _tidy("".join(reader.buffers[0]))
    if limit is not None and len(plain) > limit:
        plain = plain[:limit].rstrip() + "…"
    return plain


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Text(HTMLParser):
    """Sanitised comment HTML (only the tags `render` allows) to plain text."""

    BLOCKS = {"p", "ul", "ol", "pre", "hr"}

    def __init__(self, site: str):
        super().__init__(convert_charrefs=True)
        self.site = site
        self.buffers: list[list[str]] = [[]]  # a quote collects its text in a buffer of its own
        self.links: list[tuple[str | None, int]] = []  # (address, where its text starts in the buffer)
        self.lists: list[int | None] = []  # per open list: the last number of a numbered list, None for bullets

    def handle_starttag(self, tag, attrs):
        out = self.buffers[-1]
        if tag in self.BLOCKS:
            out.append("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append(0 if tag == "ol" else None)
        if tag == "hr":
            out.append("---\n\n")
        elif tag == "li":
            if self.lists and self.lists[-1] is not None:
                self.lists[-1] += 1
                out.append(f"\n{self.lists[-1]}. ")
            else:
                out.append("\n- ")
        elif tag == "br":
            out.append("\n")
        elif tag == "blockquote":
            self.buffers.append([])
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(out)))

    def handle_endtag(self, tag):
        out = self.buffers[-1]
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in self.BLOCKS:
            out.append("\n\n")
        elif tag == "blockquote" and len(self.buffers) > 1:
            quoted = _tidy("".join(self.buffers.pop()))
            self.buffers[-1].append("\n\n" + "\n".join(f"> {line}".rstrip() for line in quoted.split("\n")) + "\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if href and href.startswith("/") and not href.startswith("//") and self.site:
                href = self.site + href
            if href and " ".join("".join(out[start:]).split()) != href.removeprefix("mailto:"):
                out.append(f" ({href})")

    def handle_data(self, data):
        self.buffers[-1].append(data.replace("\n", " "))
