"""Comments are Markdown rendered to sanitised HTML: hostile input never reaches the page as markup."""

from html.parser import HTMLParser

import pytest

from pilotbook.discussion.markdown import render

HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"https://example.org\" onclick=\"steal()\">link</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<div style=\"position:fixed\">x</div>",
    "<form action=\"https://evil.example\"><input name=password></form>",
    "![x](https://evil.example/x.png \"t\" onerror=\"alert(1)\")",
    "<p title=\"&quot; onmouseover=alert(1)\">q</p>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<a href=\"vbscript:msgbox(1)\">v</a>",
]
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}


class Elements(HTMLParser):
    """Every tag and attribute in a piece of HTML, as a browser's parser would see them."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_neutralised(text):
    for tag, attrs in Elements(str(render(text))).found:
        assert tag in ALLOWED_TAGS, tag
        assert not [name for name in attrs if name.startswith("on") or name in ("style", "src", "xlink:href")]
        if "href" in attrs:
            assert attrs["href"].split(":")[0] in ("http", "https", "mailto"), attrs["href"]


def test_ordinary_markdown_renders_with_design_system_classes():
    html = str(render("Worked **well**.\n\n- one\n- two\n\n[report](https://example.org/r)"))
    assert '<strong>well</strong>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert 'href="https://example.org/r"' in html
    assert 'class="govuk-link"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_a_heading_in_a_comment_becomes_bold_text_so_the_page_outline_stays_intact():
    html = str(render("# Big claim\n\ntext"))
    assert "<h1" not in html
    assert "<strong>Big claim</strong>" in html


def test_text_that_looks_like_html_is_escaped_when_kept():
    html = str(render("Use 5 < 6 and a & b"))
    assert "5 &lt; 6" in html
    assert "a &amp; b" in html
