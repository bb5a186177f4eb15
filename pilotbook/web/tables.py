"""Tables that reflow on a narrow screen (WCAG 2.2 success criterion 1.4.10).

`stack(html)` marks up one rendered GOV.UK table so the stylesheet can show it as stacked rows below the tablet
breakpoint, each cell labelled with its column's heading (`.pb-stack` in frontend/scss/pilotbook.scss):

- each body cell gets `data-label`, its column heading's text, which the stylesheet puts before the value (as
  decoration: screen readers already hear the heading through the table's structure);
- every part of the table gets its ARIA role (table, rowgroup, row, columnheader, rowheader, cell), because
  browsers drop a table's semantics when its parts are displayed as blocks, and the roles keep it a table for
  screen readers;
- it is wrapped in `<div class="pb-stack">`.

Templates use it through `{% stacked_table %}...{% endstacked_table %}` (pilotbook.web.templatetags.govuk).
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ROLES = {"table": "table", "thead": "rowgroup", "tbody": "rowgroup", "tfoot": "rowgroup", "tr": "row",
         "td": "cell"}


class _Reader(HTMLParser):
    """Finds where each table tag starts and what its column headings say."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inserts: list[tuple[int, int, str]] = []  # (line, column after the tag name, attributes to add)
        self.headings: list[str] = []
        self.depth = 0  # tables nested inside the first one are left alone
        self.section = ""
        self.column = 0
        self.heading_text: list[str] | None = None
        self.heading_span = 1

    def _add(self, tag: str, attributes: str) -> None:
        line, offset = self.getpos()
        self.inserts.append((line, offset + 1 + len(tag), attributes))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.depth += 1
            if self.depth == 1 and "role" not in attrs:
                self._add(tag, ' role="table"')
            return
        if self.depth != 1:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.column = 0
        span = _span(attrs.get("colspan"))
        if tag == "th":
            scope = attrs.get("scope") or ("col" if self.section == "thead" else "row")
            self._add(tag, f' role="{"columnheader" if scope == "col" else "rowheader"}"')
            if self.section == "thead":
                self.heading_text, self.heading_span = [], span
            self.column += span
        elif tag == "td":
            label = self.headings[self.column] if span == 1 and self.column < len(self.headings) else ""
            self._add(tag, ' role="cell"' + (f' data-label="{escape(label)}"' if label else ""))
            self.column += span
        elif tag in ROLES and "role" not in attrs:
            self._add(tag, f' role="{ROLES[tag]}"')

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1
        elif tag == "th" and self.depth == 1 and self.heading_text is not None:
            text = " ".join("".join(self.heading_text).split())
            self.headings += [text] + [""] * (self.heading_span - 1)
            self.heading_text = None
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = ""

    def handle_data(self, data):
        if self.heading_text is not None:
            self.heading_text.append(data)


def _span(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def stack(html: str) -> str:
    """The table in `html` marked up to stack on narrow screens (see the module's docstring)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    lines = html.splitlines(keepends=True)
    starts, total = [], 0
    for line in lines:
        starts.append(total)
        total += len(line)
    out, last = [], 0
    for line, column, attributes in reader.inserts:
        at = starts[line - 1] + column
        out += [html[last:at], attributes]
        last = at
    out.append(html[last:])
    return '<div class="pb-stack">' + "".join(out) + "</div>"
