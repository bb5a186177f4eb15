"""Every page reflows at 320 CSS pixels wide (WCAG 2.2 success criterion 1.4.10), for an officer, a moderator and
an anonymous visitor.

The pages are not a hand-kept list. On the demo data (`load_demo`, `load_demo_partners`) plus what the demo lacks
(a file waiting for its columns to be named, an analysis, overdue entries and a flag, a reported comment in
Markdown, hack days at each stage, an invitation), each persona's pages are found by following every link from
the home page and a few start pages with Django's test client. Every URL pattern must be reached by someone (as a
page, a file, or the target of a form) or be in NOT_CRAWLED with the reason, so a new page cannot be missed.
Then, for each URL pattern, the largest page each persona reached is opened in Chromium in a 320 x 640 window
(one browser context per persona) and must:

- not scroll sideways: the document is no wider than the window (1 px allowed for rounding); otherwise the
  widest elements that stick out are named;
- scroll only inside a labelled, focusable region: a container that scrolls sideways (a wide data table, which
  WCAG allows to scroll in two dimensions) must be role="region" with tabindex="0" and a label, so a keyboard
  user can reach it and a screen reader says what it is;
- keep chart text readable: no SVG text drawn smaller than 12 CSS px;
- and, for the pages whose narrow layout differs most (AXE_AT_320), pass axe's WCAG 2.2 AA rules at that width.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pilotbook.councils.models import Council, Invitation, Role, User
from pilotbook.discussion import mail as discussion_mail
from pilotbook.discussion import services as discussion
from pilotbook.hackdays import services as hackdays
from pilotbook.materials import services as materials
from pilotbook.overdue import services as overdue
from pilotbook.pilots import measure
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from tests.factories import make_pilot
from tests.overdue.helpers import pilot_due

from .conftest import CSP_LISTENER, CspViolations, _only_local, assert_accessible

WIDTH, HEIGHT = 320, 640
MIN_CHART_TEXT_PX = 12
# Pages of one URL pattern the crawl reads (different pilots, filters, pages of a list); fewer of the admin's.
FETCH_PER_NAME, FETCH_PER_ADMIN_NAME = 10, 1
MARKDOWN_COMMENT = "Could you send the **large-print** version? <script>alert(1)</script> [Our letters](https://example.org/letters)"
PERSONAS = {"anonymous": None, "officer": "officer@wealden.example", "moderator": "moderator@pilotbook.example"}
# Pages whose narrow layout differs most from the wide one (stacked tables, the phone drawing of a chart, the board,
# the map, the admin's scrolling regions): axe checks them at 320 px too, as the other journeys do at full width.
AXE_AT_320 = {"pilot-detail", "analysis-detail", "pooled-group", "partner-map", "partner-pipeline",
              "arrangement-comparison", "dashboard", "discussion-notifications", "power-calculator",
              "admin:pilots_pilot_changelist"}

# URL patterns the crawl does not reach through a link or a form, and why that is right.
NOT_CRAWLED = {
    **dict.fromkeys(("api-index", "api-openapi", "api-pilots", "api-pilot", "api-councils", "api-council",
                     "api-pooled-groups", "api-pooled-group", "api-overdue", "schema-pilot"),
                    "JSON for programs, described at /api/openapi.json: no page to reflow"),
    **dict.fromkeys(("feed-results-service-area", "feed-results-council"),
                    "Atom feeds for feed readers, named in the README: no page to reflow"),
    "partner-map-data": "JSON the partner map's script reads: no page to reflow",
    "council-outline": "GeoJSON of the council's boundary that the partner map's script reads: no page to reflow",
    "restore-suggestions": "a form shown once a suggestion is dismissed in the session (tests/evidence)",
}


@dataclass
class Crawl:
    pages: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))  # name -> (size, url)
    files: dict[str, str] = field(default_factory=dict)  # name -> content type of a page that is not HTML
    form_targets: set[str] = field(default_factory=set)  # names reached by submitting a form (POST)
    refused: dict[str, int] = field(default_factory=dict)  # name -> status of a link the persona may not follow


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href") and (tag == "a" or attrs.get("rel") == "alternate"):
            self.links.append(attrs["href"])
        elif tag == "form":
            (self.posts if (attrs.get("method") or "get").lower() == "post" else self.links).append(
                attrs.get("action") or "")


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def local(base: str, href: str) -> str | None:
    """The path and query of a link within the site, or None for another site, a fragment, a static file."""
    if href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver") or parts.path.startswith(("/static/", "/media/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, seeds: list[str]) -> Crawl:
    """Follow every link from the seeds, reading the pages of each URL pattern least read so far first."""
    found = Crawl()
    read: dict[str, int] = defaultdict(int)
    queue: list[tuple[int, int, str, str]] = []  # (reads of its pattern when queued, order, name, url)
    seen: set[str] = set()

    def add(url: str) -> None:
        name = url_name(url.split("?")[0])
        if name is not None and url not in seen:
            seen.add(url)
            heapq.heappush(queue, (read[name], len(seen), name, url))

    for url in seeds:
        add(url)
    while queue:
        reads, order, name, url = heapq.heappop(queue)
        if reads < read[name]:  # its pattern has been read since: queue it behind the less-read ones
            heapq.heappush(queue, (read[name], order, name, url))
            continue
        if read[name] >= (FETCH_PER_ADMIN_NAME if name.startswith("admin:") else FETCH_PER_NAME):
            continue
        read[name] += 1
        response = client.get(url)
        links, posts = [], []
        if response.status_code in (301, 302):
            links = [response.url]
        elif response.status_code != 200:
            found.refused.setdefault(name, response.status_code)
        elif not response.get("Content-Type", "").startswith("text/html"):
            found.files[name] = response.get("Content-Type", "")
        else:
            found.pages[name].append((len(response.content), url))
            parser = Links()
            parser.feed(response.content.decode())
            links, posts = parser.links, parser.posts
        for href in posts:
            if (target := local(url, href)) and (post_name := url_name(target.split("?")[0])):
                found.form_targets.add(post_name)
        for href in links:
            if target := local(url, href):
                add(target)
    return found


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


@dataclass
class Demo:
    seeds: dict[str, list[str]]


def _hack_day(council, organiser, colleague, title, stage):
    hack_day = hackdays.hackday_create(council=council, user=organiser, title=title, theme="Reaching residents",
                                       date=timezone.localdate() + dt.timedelta(days=10), place="Council offices")
    ideas = [hackdays.idea_submit(hack_day=hack_day, user=colleague, title=f"{title}: idea {n}", problem="Late.",
                                  idea="Text first.", expected_benefit="Sooner.", who_affected="Tenants.")
             for n in (1, 2)]
    hackdays.team_form(hack_day=hack_day, user=colleague, name=f"{title}: team", idea=ideas[0])
    for _stage in range(stage):
        hack_day = hackdays.hackday_advance(hack_day=hack_day, user=organiser)
    return ideas


@pytest.fixture
def demo(transactional_db, settings) -> Demo:
    """The demo, and what it lacks for every page to be reachable by the three personas."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
        call_command("load_demo_partners", stdout=quiet)
    officer, admin, leeds = (User.objects.get(email=email) for email in (
        "officer@wealden.example", "admin@wealden.example", "officer@leeds.example"))
    wealden = Council.objects.get(pk="WEA")
    today = timezone.localdate()
    # A running pilot with an analysis (its chart), a file waiting for its columns and one for its comparison.
    running = Pilot.objects.get(council=wealden, title="Call-back instead of queue for housing benefit")
    measure.summary_analyse(pilot=running, user=officer, control="Queue", groups=[
        {"label": "Queue", "n": 1510, "events": 302}, {"label": "Call-back", "n": 1490, "events": 179}])
    rows = b"group,Calls abandoned\n" + b"".join(b"%s,%d\n" % (b"new" if i % 2 else b"old", i % 3 == 0)
                                                 for i in range(40))
    columns = measure.upload_receive(pilot=running, user=officer, filename="rows.csv", content=rows)
    compare = measure.upload_receive(pilot=running, user=officer, filename="rows.csv", content=rows)
    compare.mapping = {"arm": "group", "outcome": "Calls abandoned"}
    compare.save(update_fields=["mapping"])
    # A registered pilot to start and a result to publish.
    make_pilot(wealden, officer, status=Status.REGISTERED, title="Bin day texts", start_date=today + dt.timedelta(7),
               end_date=today + dt.timedelta(97), results_due_date=today + dt.timedelta(181))
    make_pilot(wealden, officer, status=Status.RESULTS_RECORDED, title="Rent statement redesign")
    # Two overdue pilots: one flagged for the moderator's queue, one the officer may still flag.
    flagged, _unflagged = (pilot_due(wealden, officer, today - dt.timedelta(days=days), title=title)
                           for days, title in ((30, "Garden waste by text"), (9, "Bulky waste booked online")))
    overdue.flag_raise(pilot=flagged, user=officer, kind="reported_elsewhere", reason="In the committee report.",
                       link="https://example.org/report")
    # A published pilot with a material (with a file), and a comment in Markdown, edited, then reported.
    published = Pilot.objects.filter(council=wealden, status=Status.PUBLISHED).first()
    materials.material_add(pilot=published, user=officer, title="The new arrears letter", kind="letter",
                           body="Dear tenant, please call us.", file_name="letter.txt",
                           file_data=b"Dear tenant, please call us.\n")
    comment = discussion.comment_post(target=published, author=leeds, body="Could you send the letter?")
    comment = discussion.comment_edit(comment=comment, user=leeds, body=MARKDOWN_COMMENT)
    discussion.comment_report(comment=comment, user=officer, reason="Testing the moderation queue.")
    # Hack days the officer organises, collecting ideas, voting and closed (shortlisting and making a pilot).
    _hack_day(wealden, officer, admin, "Spring hack day", stage=0)
    _hack_day(wealden, officer, admin, "Summer hack day", stage=1)
    closed = _hack_day(wealden, officer, admin, "Autumn hack day", stage=2)
    hackdays.idea_shortlist(idea=closed[0], user=officer)
    invitation = Invitation.objects.create(council=wealden, email="new@wealden.example", role=Role.OFFICER,
                                           invited_by=admin)
    reset = reverse("password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(leeds.pk)),
                                                    default_token_generator.make_token(leeds)])
    start = [reverse("home"), reverse("dashboard"), reverse("power-calculator"),
             reverse("evidence-search") + "?q=letter",
             reverse("before-you-start") + "?idea=A+text+reminder+before+the+council+tax+deadline"]
    return Demo(seeds={
        "anonymous": start + [invitation.get_absolute_url(), reset, reverse("password_reset_done"),
                              reverse("password_reset_complete"),
                              reverse("discussion-unsubscribe", args=[discussion_mail.unsubscribe_token(
                                  officer, "digest")])],
        "officer": start + [reverse("measure-columns", args=[running.pk, columns.token]),
                            reverse("measure-control", args=[running.pk, compare.token])],
        "moderator": start,
    })


def client_for(persona: str) -> Client:
    client = Client()
    if PERSONAS[persona]:
        client.force_login(User.objects.get(email=PERSONAS[persona]))
    return client


REFLOW_JS = """
(minText) => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    const cls = classes.map((name) => "." + name).join("");
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}` + (text ? ` "${text}"` : "");
  };
  const clips = (el) => {
    const style = getComputedStyle(el);
    return style.overflowX !== "visible" || style.clip !== "auto" || style.clipPath !== "none";
  };
  const contained = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (clips(up)) return up.getBoundingClientRect().right <= width + 1;
    }
    return false;
  };
  const sticking = [];
  const scrollers = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    const control = ["SELECT", "TEXTAREA", "INPUT"].includes(el.tagName);  // scroll natively, focusable, labelled
    const scrolls = style.overflowX === "auto" || style.overflowX === "scroll";
    if (!control && scrolls && el.scrollWidth > el.clientWidth + 1) {
      const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
      if (!(el.getAttribute("role") === "region" && el.getAttribute("tabindex") === "0" && labelled)) {
        scrollers.push(`${describe(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px) `
                       + "but is not a focusable, labelled region");
      }
    }
    if (box.right > width + 1 && !contained(el)) sticking.push([Math.round(box.width), Math.round(box.right), el]);
  }
  // Name the outermost elements that stick out (a table, not each of its rows), widest first. An absolutely
  // positioned element escapes a scrolling container that is not its containing block: if nothing else sticks
  // out, name what lies past the edge anyway.
  if (sticking.length === 0 && document.documentElement.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1) sticking.push([Math.round(box.width), Math.round(box.right), el]);
    }
  }
  const out = new Set(sticking.map(([, , el]) => el));
  const outermost = sticking.filter(([, , el]) => !out.has(el.parentElement));
  outermost.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const small = [];
  for (const text of document.querySelectorAll("svg text")) {
    const box = text.getBoundingClientRect();
    if (box.width === 0 || !text.getScreenCTM()) continue;
    const m = text.getScreenCTM();
    const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    if (px < minText - 0.05) small.push(`"${text.textContent.trim().slice(0, 30)}" drawn at ${px.toFixed(1)}px`);
  }
  return {
    width, scrollWidth: document.documentElement.scrollWidth,
    sticking: outermost.slice(0, 6).map(([w, right, el]) => `${describe(el)}: ${w}px wide, right edge at ${right}px`),
    scrollers: scrollers.slice(0, 6), small: small.slice(0, 6), smallCount: small.length,
  };
}
"""


def reflow_problems(page) -> list[str]:
    found = page.evaluate(REFLOW_JS, MIN_CHART_TEXT_PX)
    problems = []
    if found["scrollWidth"] > found["width"] + 1:
        problems.append(f"the page is {found['scrollWidth']}px wide in a {found['width']}px window; sticking out: "
                        + "; ".join(found["sticking"]))
    problems += found["scrollers"]
    if found["small"]:
        problems.append(f"{found['smallCount']} chart labels smaller than {MIN_CHART_TEXT_PX}px: "
                        + "; ".join(found["small"]))
    return problems


def check_pages(browser, live_server, settings, persona: str, pages: dict[str, list[tuple[int, str]]]) -> list[str]:
    """Open the largest page of each URL pattern in one 320 x 640 window signed in as the persona."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": WIDTH, "height": HEIGHT})
    context.route("**/*", _only_local)
    violations = CspViolations()
    context.expose_function("pilotbookCspViolation", violations.record)
    context.add_init_script(CSP_LISTENER)
    if PERSONAS[persona]:
        session = client_for(persona).cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.csp_violations = violations
    problems = []
    try:
        for name, candidates in sorted(pages.items()):
            url = max(candidates)[1]
            page.goto(url)
            problems += [f"{persona} on {name} {url}: {problem}" for problem in reflow_problems(page)]
            if name in AXE_AT_320:
                try:
                    assert_accessible(page)
                except AssertionError as failure:
                    problems.append(f"{persona} on {name} {url}: {failure}")
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 50))")  # let CSP reports arrive
    finally:
        context.close()
    if violations:
        problems.append(f"{persona}: Content-Security-Policy violations: {json.dumps(violations)}")
    return problems


@override_settings(PILOTBOOK_MAP_TILE_URL="")
def test_every_page_reflows_at_320_css_pixels_for_an_officer_a_moderator_and_a_visitor(
        demo, browser, live_server, settings, record_property):
    crawls = {persona: crawl(client_for(persona), demo.seeds[persona]) for persona in PERSONAS}

    # Every URL pattern is reached by someone, as a page, a file or a form's target (or is exempt, with the reason).
    reached = set(NOT_CRAWLED).union(*(found.pages.keys() | found.files.keys() | found.form_targets
                                       for found in crawls.values()))
    # The admin's patterns are Django's own, several per model: the moderator's crawl reads each one linked to.
    missing = {name for name in url_names() if not name.startswith("admin:")} - reached
    assert not missing, f"no persona reached these pages: add a link, a seed in `demo`, or a reason: {missing}"

    # And every page each persona reaches reflows.
    problems = []
    for persona, found in crawls.items():
        problems += check_pages(browser, live_server, settings, persona, found.pages)
    size = ", ".join(f"{len(found.pages)} pages as {persona}" for persona, found in crawls.items())
    record_property("reflow", size)
    print(f"reflow at {WIDTH}x{HEIGHT}: {size}")
    assert not problems, f"{len(problems)} problems at {WIDTH} CSS px wide:\n" + "\n".join(problems)
