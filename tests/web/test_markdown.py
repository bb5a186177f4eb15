"""The one safe Markdown renderer (pilotbook.web.markdown): whatever people type, a page gets only the allow-list's
tags and attributes, and links only to http, https and mailto addresses; both users of it (comments and
materials) go through it."""

import pytest

from pilotbook.discussion import markdown as comments
from pilotbook.web.markdown import ALLOWED_TAGS, render
from tests.discussion.test_markdown import Elements

HOSTILE = [
    "<script>alert('x')</script>Hello",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="steal()">link</a>',
    '<p onmouseover="alert(1)">hover</p>',
    '<table onclick="alert(1)"><tr><td onfocus="alert(1)">cell</td></tr></table>',
    '<h2 style="color:red" onclick="x()">Heading</h2>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#09;script:alert(1))",
    '<a href="javascript:alert(1)">raw</a>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<a href=\"vbscript:msgbox(1)\">v</a>",
]


@pytest.mark.parametrize("renderer", [render, comments.render], ids=["document", "comment"])
@pytest.mark.parametrize("text", HOSTILE)
def test_scripts_event_handlers_and_javascript_links_are_stripped(renderer, text):
    html = str(renderer(text))
    lowered = html.lower()
    for danger in ("<script", "javascript:", "vbscript:", "data:text", "onerror", "onclick", "onload",
                   "onmouseover", "onfocus", "style=", "<iframe", "<img", "<svg", "<style", "<!--"):
        assert danger not in lowered, (danger, html)
    for tag, attrs in Elements(html).found:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= {"href", "title", "class", "rel"}, attrs
        if "href" in attrs:
            assert attrs["href"].split(":")[0] in ("http", "https", "mailto"), attrs["href"]


def test_a_document_keeps_headings_and_tables_with_design_system_classes():
    html = str(render("## Steps\n\n| Step | Words |\n|---|---|\n| 1 | Hello |\n\n> quoted"))
    assert '<h2 class="govuk-heading-m">Steps</h2>' in html
    assert '<table class="govuk-table">' in html and '<td class="govuk-table__cell">Hello</td>' in html
    assert '<blockquote class="govuk-inset-text">' in html


def test_a_comment_turns_headings_into_bold_text_and_keeps_no_table():
    html = str(comments.render("## Steps\n\n| Step | Words |\n|---|---|\n| 1 | Hello |"))
    assert "<h2" not in html and "<strong>Steps</strong>" in html
    assert "<table" not in html


def test_every_link_is_marked_as_not_endorsed_and_opening_no_window_reference():
    html = str(render("[a](https://example.org) and <a href=\"mailto:x@example.org\">mail</a>"))
    assert html.count('rel="nofollow noopener noreferrer"') == 2
