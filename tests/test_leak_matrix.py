"""No page shows a pilot's result, or its council, to someone its sharing choices hold them back from.

For another council's pilots in each sharing state, each carrying unique marker strings and linked into every place
a page can reach them (a partnership, a sector's evidence, a hack-day idea, a material and its use, a pooled group,
discussion, feeds, exports and the API), every page that lists or shows pilots is rendered as each persona:

- embargoed: published, public, with an embargo date ahead: its verdict, effect, lessons and failure detail are
  for its own council and moderators only;
- unpublished: public, result recorded but not published: its verdict, effect and summary likewise;
- name withheld: published for the public with the council's name withheld: anyone sees the result, but only its
  own council and moderators may see which council ran it. It lives at a council of its own (Hushwater Vale, with no
  other pilot), because OTH's name rightly appears beside OTH's other pilots; a page leaks the name when it shows
  the pilot (its title or address) and "Hushwater" together;
- councils only: published and released to signed-in council members; nothing of it may reach an anonymous visitor.

Text markers catch lessons, summaries and names. A verdict is one of four labels and a count is a number, so no
marker catches them: instead, for each persona, what they may not know is changed in the database (each hidden
result's verdict, effect, interval, summary and lessons; the council of the pilot whose name is withheld from them)
and every page is rendered again. A page that changes depended on something it must not show that person.

The rules are written out here on their own (`may_see_*`), not taken from the code under test. Every named URL is
either in PAGES or in EXEMPT with the reason, so a new page is noticed (test_every_url_is_in_the_matrix_or_exempt).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from pilotbook.councils.models import Role
from pilotbook.discussion import mail
from pilotbook.discussion import services as discussion
from pilotbook.evidence.models import PooledGroup, PooledMembership
from pilotbook.hackdays import services as hackdays
from pilotbook.hackdays.models import Idea
from pilotbook.materials import services as materials
from pilotbook.partners import services as partners
from pilotbook.partners.models import Sector
from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result
from pilotbook.web import versions

from .factories import LESSONS, CouncilFactory, make_pilot, member

EMBARGOED, UNPUBLISHED, WITHHELD, COUNCILS_ONLY = "embargoed", "unpublished", "name withheld", "councils only"
STATES = (EMBARGOED, UNPUBLISHED, WITHHELD, COUNCILS_ONLY)
# quiet_officer belongs to the council of the name-withheld pilot; other_officer to the council of the others.
PERSONAS = ("anonymous", "officer", "champion", "other_officer", "quiet_officer", "moderator")
WITHHELD_NAME = "Hushwater"  # in the council's name and official name; on no other pilot


# The rules, written out independently of the code under test.
def owner(state: str) -> str:
    return "quiet_officer" if state == WITHHELD else "other_officer"


def may_see_pilot(persona: str, state: str) -> bool:
    return not (persona == "anonymous" and state == COUNCILS_ONLY)


def may_see_result(persona: str, state: str) -> bool:
    if state in (EMBARGOED, UNPUBLISHED):
        return persona in (owner(state), "moderator")
    return may_see_pilot(persona, state)


def may_know_council(persona: str, state: str) -> bool:
    if state == WITHHELD:
        return persona in (owner(state), "moderator")
    return may_see_pilot(persona, state)


@dataclass
class Shared:
    state: str
    pilot: Pilot
    title: str
    result_markers: list[str]  # lessons, summary, method, failure detail: released with the result

    @property
    def url(self) -> str:
        return self.pilot.get_absolute_url()


@dataclass
class World:
    pilots: dict[str, Shared]
    control: Pilot
    hack_days: list = field(default_factory=list)
    materials: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    partnerships: list = field(default_factory=list)
    group: PooledGroup | None = None


# One plan for them all, so each is among the "similar pilots elsewhere" on the others' pages.
PROBLEM = "Council tenants in rent arrears contact the income team late, when the debt has grown."
CHANGE = "A shorter, clearer first arrears letter with the balance at the top and a named income officer to call."


BACKGROUND = [
    ("Texts before bin day", "Residents forget which bin goes out.", "A text the evening before collection."),
    ("Crews report concerns", "Frontline staff do not know how to raise a safeguarding concern.",
     "Training for waste crews with a phone line to the safeguarding hub."),
    ("Library fines removed", "Families stay away from libraries over small fines.", "Stop charging late fees."),
    ("Cameras at fly-tipping hotspots", "Rubbish is dumped in back lanes.", "Redeployable cameras and signs."),
    ("Parking by phone", "Cash collection from car park machines is costly.", "Pay by phone beside the machines."),
    ("Walking football", "Older men are inactive and lonely.", "Weekly walking football at leisure centres."),
]


def lessons(tag: str) -> dict[str, str]:
    return {name: f"{tag}{name.replace('_', '')}marker" for name in LESSONS}


def shared_pilot(state: str, council, user, *, tag: str, visibility: str, estimate: str, low: str, high: str,
                 publish: bool, embargo_until=None, failure_reason: str = "") -> Shared:
    title = f"{state.capitalize()} pilot {tag}title"
    pilot = make_pilot(council, user, status=Status.RUNNING, visibility=visibility, title=title,
                       partners="Local community pharmacies", problem=PROBLEM, change=CHANGE)
    markers = [f"{tag}summarymarker", f"{tag}methodmarker"]
    services.result_record(pilot=pilot, user=user, estimate=Decimal(estimate), ci_low=Decimal(low),
                           ci_high=Decimal(high), sample_size=412, method=markers[1], summary=markers[0])
    if publish:
        services.pilot_publish(pilot=pilot, user=user, lessons=lessons(tag), failure_reason=failure_reason,
                               failure_detail=f"{tag}failuredetailmarker" if failure_reason else "",
                               embargo_until=embargo_until)
        markers += list(lessons(tag).values()) + ([f"{tag}failuredetailmarker"] if failure_reason else [])
    pilot.refresh_from_db()
    return Shared(state, pilot, title, markers)


@pytest.fixture
def quiet_council(db):
    return CouncilFactory(code="HSH", name="Hushwater Vale")


@pytest.fixture
def quiet_officer(quiet_council):
    return member(quiet_council, Role.OFFICER, email="officer@hushwater.example", full_name="Quinn Quiet")


@pytest.fixture
def world(home_council, other_council, quiet_council, officer, champion, other_officer, quiet_officer,
          moderator) -> World:
    today = timezone.localdate()
    shared = {
        EMBARGOED: shared_pilot(EMBARGOED, other_council, other_officer, tag="emb", visibility="public",
                                estimate="3.7373", low="1.6161", high="5.8585", publish=True,
                                embargo_until=today + dt.timedelta(days=30), failure_reason="idea_did_not_work"),
        UNPUBLISHED: shared_pilot(UNPUBLISHED, other_council, other_officer, tag="unp", visibility="public",
                                  estimate="-3.1313", low="-5.2525", high="-1.0101", publish=False),
        # These two, and the control, did not work for the same reason: "what didn't work" counts their councils.
        WITHHELD: shared_pilot(WITHHELD, quiet_council, quiet_officer, tag="whd", visibility="public_anonymous",
                               estimate="-1.2121", low="-3.4545", high="0.8787", publish=True,
                               failure_reason="idea_did_not_work"),
        COUNCILS_ONLY: shared_pilot(COUNCILS_ONLY, other_council, other_officer, tag="con", visibility="councils",
                                    estimate="-0.9696", low="-3.2323", high="1.6161", publish=True,
                                    failure_reason="idea_did_not_work"),
    }
    assert [s.pilot.result.verdict for s in shared.values()] == [
        "made_worse", "worked", "no_worthwhile_effect", "no_worthwhile_effect"]
    assert not Pilot.objects.results_released().filter(pk=shared[EMBARGOED].pilot.pk).exists()
    control = shared_pilot("control", home_council, officer, tag="ctl", visibility="public", estimate="-1",
                           low="-3", high="1", publish=True, failure_reason="idea_did_not_work").pilot
    # Published pilots on other subjects, so that words all the shared pilots use say something about them.
    for title, problem, change in BACKGROUND:
        make_pilot(home_council, officer, Status.PUBLISHED, visibility="public", title=title, problem=problem,
                   change=change, service_area="waste", intervention_type="nudge")
    w = World(pilots=shared, control=control)
    owners = {state: quiet_officer if state == WITHHELD else other_officer for state in STATES}
    pharmacies = Sector.objects.get(council=None, slug="pharmacies")

    for council, user, states in ((other_council, other_officer, (EMBARGOED, UNPUBLISHED, COUNCILS_ONLY)),
                                  (quiet_council, quiet_officer, (WITHHELD,))):
        linked = [shared[s].pilot for s in states]
        # A partnership that led to the council's pilots: on its page and, through the sector, unlikely partners.
        partner = partners.partner_save(
            council=council, name=f"{council.name} Pharmacy", sector=pharmacies, groups=["older_people"],
            frequency="weekly", location={"name": "", "address_1": "", "city": "Town", "postal_code": "TN22 1AA",
                                         "latitude": 50.97, "longitude": 0.098})
        partnership = partners.partnership_create(partner=partner, topic="Pharmacy check-ins", owner=user)
        partners.partnership_move(partnership=partnership, stage="running_pilot", pilots=linked)
        w.partners.append(partner)
        w.partnerships.append(partnership)
        # A closed hack day whose ideas became these pilots (its title names the council, as real ones do).
        hack_day = hackdays.hackday_create(council=council, user=user, title=f"{council.name} spring hack day",
                                           theme="Arrears", date=dt.date(2026, 3, 18), place="Offices",
                                           votes_per_person=2)
        for pilot in linked:
            idea = hackdays.idea_submit(hack_day=hack_day, user=user, title=f"Idea {pilot.pk}", problem="Arrears.",
                                        idea="A clearer letter.", expected_benefit="Earlier contact.",
                                        who_affected="Tenants.")
            # What hackdays.idea_create_pilot does, for a pilot made before its idea (it starts a fresh draft).
            Idea.objects.filter(pk=idea.pk).update(pilot=pilot, shortlisted_at=timezone.now())
        hackdays.hackday_advance(hack_day=hack_day, user=user)
        hackdays.hackday_advance(hack_day=hack_day, user=user)
        w.hack_days.append(hack_day)
        for pilot in linked:
            # A material each pilot attached, and its use of the home council's material.
            material = materials.material_add(pilot=pilot, user=user, title=f"Letter of pilot {pilot.pk}",
                                              kind="letter", body="Dear tenant, please call us.")
            w.materials.append(material)
    home_material = materials.material_add(pilot=control, user=officer, title="Homeshire letter", kind="letter",
                                           body="Dear resident.")
    w.materials.append(home_material)
    for s in shared.values():
        materials.material_record_use(material=home_material, pilot=s.pilot, user=owners[s.state],
                                      relation="adapted")
    # A pooled group of them all; the control gives the released ones something to pool with.
    w.group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact",
                                         measure="GENERIC", created_by=moderator)
    for pilot in [control, *(s.pilot for s in shared.values())]:
        PooledMembership.objects.create(group=w.group, pilot=pilot, added_by=moderator)
    # Discussion: the home officer follows each pilot, and each team answers on its pilot and its material.
    for s in shared.values():
        discussion.follow_add(user=officer, subject="pilot", value=str(s.pilot.pk))
    for code in ("OTH", "HSH"):  # the champion follows the councils, so its digest would name them
        discussion.follow_add(user=champion, subject="council", value=code)
    for s in shared.values():
        if s.pilot.status == Status.PUBLISHED:
            team = owners[s.state]
            discussion.comment_post(target=s.pilot, author=team, body="We are happy to share our letter.")
            for material in s.pilot.materials.all():
                discussion.comment_post(target=material, author=team, body="Ask us for the Word version.")
    return w


def idea(shared: Shared) -> str:
    """What someone might type into "before you start" about this pilot's idea: what anyone may read of it."""
    return f"{shared.title}. {shared.pilot.problem} {shared.pilot.change}"


# Every page that lists or shows pilots: url name -> the addresses to render in this world.
def _each_pilot(name):
    return lambda w: [reverse(name, args=[pilot.pk]) for pilot in [*(s.pilot for s in w.pilots.values()), w.control]]


def _each_council(name):
    return lambda w: [reverse(name, args=[code]) for code in ("HOM", "OTH", "HSH")]


def _each_partner_council(name):
    return lambda w: [reverse(name, args=[code]) for code in ("OTH", "HSH")]


PAGES = {
    "home": lambda w: [reverse("home")],
    "dashboard": lambda w: [reverse("dashboard")],
    "pilot-list": lambda w: [reverse("pilot-list"), reverse("pilot-list") + "?nation=England",
                             reverse("pilot-list") + "?council=HSH"],
    "pilot-detail": _each_pilot("pilot-detail"),
    "pilot-plan-json": _each_pilot("pilot-plan-json"),
    "pilot-report": _each_pilot("pilot-report"),
    "council-list": lambda w: [reverse("council-list")],
    "council-detail": _each_council("council-detail"),
    "evidence-search": lambda w: [reverse("evidence-search"), reverse("evidence-search") + "?q=arrears+letter",
                                  reverse("evidence-search") + "?verdict=made_worse"]
    + [reverse("evidence-search") + "?" + urlencode({"q": s.title}) for s in w.pilots.values()],
    "before-you-start": lambda w: [reverse("before-you-start") + "?" + urlencode({"idea": idea(s)})
                                   for s in w.pilots.values()],
    "failure-register": lambda w: [reverse("failure-register")],
    "pooled-groups": lambda w: [reverse("pooled-groups")],
    "pooled-group": lambda w: [reverse("pooled-group", args=[w.group.slug])],
    "pooled-group-pilots": lambda w: [reverse("pooled-group-pilots", args=[w.group.slug])],
    "feed-results": lambda w: [reverse("feed-results")],
    "feed-results-service-area": lambda w: [reverse("feed-results-service-area", args=["housing"])],
    "feed-results-council": _each_council("feed-results-council"),
    "export-pilots": lambda w: [reverse("export-pilots", args=[fmt]) for fmt in ("csv", "json")]
    + [reverse("export-pilots", args=["json"]) + "?q=arrears"],
    "export-evidence": lambda w: [reverse("export-evidence", args=[fmt]) for fmt in ("csv", "json")],
    "api-pilots": lambda w: [reverse("api-pilots") + "?page_size=100", reverse("api-pilots") + "?q=arrears"],
    "api-pilot": _each_pilot("api-pilot"),
    "api-councils": lambda w: [reverse("api-councils")],
    "api-council": _each_council("api-council"),
    "api-pooled-groups": lambda w: [reverse("api-pooled-groups")],
    "api-pooled-group": lambda w: [reverse("api-pooled-group", args=[w.group.slug])],
    "api-overdue": lambda w: [reverse("api-overdue")],
    "hackday-list": lambda w: [reverse("hackday-list")],
    "hackday-detail": lambda w: [h.get_absolute_url() for h in w.hack_days],
    "hackday-impact": lambda w: [reverse("hackday-impact")],
    "material-library": lambda w: [reverse("material-library")],
    "material-detail": lambda w: [m.get_absolute_url() for m in w.materials],
    "overdue-list": lambda w: [reverse("overdue-list")],
    "overdue-council": _each_council("overdue-council"),
    "overdue-entry": _each_pilot("overdue-entry"),
    "overdue-moderation": lambda w: [reverse("overdue-moderation")],
    "partner-index": lambda w: [reverse("partner-index")],
    "partner-map": _each_partner_council("partner-map"),
    "partner-map-data": _each_partner_council("partner-map-data"),
    "partner-coverage": _each_partner_council("partner-coverage"),
    "partner-unlikely": lambda w: [reverse("partner-unlikely", args=["HOM"]) + "?goal=spot+isolated+older+people"],
    "partner-pipeline": _each_partner_council("partner-pipeline"),
    "partner-pipeline-list": _each_partner_council("partner-pipeline-list"),
    "partner-detail": lambda w: [p.get_absolute_url() for p in w.partners],
    "partnership-detail": lambda w: [p.get_absolute_url() for p in w.partnerships],
    "partner-export-csv": _each_partner_council("partner-export-csv"),
    "partner-export-json": _each_partner_council("partner-export-json"),
    "champions-directory": lambda w: [reverse("champions-directory")],
    "council-champions": _each_partner_council("council-champions"),
    "arrangement-comparison": lambda w: [reverse("arrangement-comparison")],
    "discussion-following": lambda w: [reverse("discussion-following")],
    "discussion-notifications": lambda w: [reverse("discussion-notifications")],
    "discussion-moderation": lambda w: [reverse("discussion-moderation")],
}

OWN_COUNCIL_FORMS = "changes a record: only the owning council's members (tests/test_access_matrix.py, " \
                    "tests/partners/test_access.py)"
EXEMPT = {
    # Pages about no pilot.
    "about": "static", "accessibility": "static", "power-calculator": "a calculator",
    "schema-pilot": "the record's JSON Schema", "api-index": "links", "api-openapi": "the API description",
    "export-pilots-metadata": "a CSV export's licence and column types",
    "export-evidence-metadata": "a CSV export's licence and column types",
    "login": "sign-in", "logout": "sign-out", "password_reset": "account", "password_reset_done": "account",
    "password_reset_confirm": "account", "password_reset_complete": "account", "invitation-accept": "account",
    "council-team": "a council's members and invitations, for its members",
    "hackday-ics": "a hack day's date", "hackday-council-ics": "hack day dates, signed per person",
    "partner-template-csv": "an empty template", "discussion-preferences": "email settings",
    "council-outline": "a council's ONS boundary, from a vendored file; no pilot",
    "discussion-unsubscribe": "email settings", "discussion-comment-history": "one comment's own versions",
    "material-download": "the material's own file, behind the material's access",
    # Writes and the forms for them.
    **dict.fromkeys((
        "pilot-create", "pilot-step", "pilot-check", "pilot-amend", "pilot-start", "pilot-end-early", "pilot-result",
        "pilot-publish", "pilot-sharing", "measure", "measure-upload", "measure-columns", "measure-control",
        "measure-summary", "analysis-detail", "material-new", "hackday-create", "hackday-advance",
        "hackday-idea-new", "hackday-vote", "hackday-shortlist", "hackday-idea-pilot", "hackday-team-new",
        "hackday-team-join", "overdue-flag", "partner-create", "sector-create", "partner-import", "partner-edit",
        "partnership-create", "partnership-move", "partnership-advance", "partnership-review", "arrangement-create",
        "arrangement-edit"), OWN_COUNCIL_FORMS),
    **dict.fromkeys(("overdue-correct", "overdue-review", "pooled-group-create", "pooled-group-edit",
                     "pooled-group-remove", "discussion-comment-moderate"), "a moderator's form"),
    **dict.fromkeys(("dismiss-suggestion", "restore-suggestions", "discussion-comment-create",
                     "discussion-comment-reply", "discussion-comment-edit", "discussion-comment-report",
                     "discussion-follow", "discussion-notifications-read", "discussion-notification-read"),
                    "a POST that redirects"),
}


# What reaches people other than as a page: the analysts' commands (as each persona with --user) and the email
# digest (what mail.digest_content gathers and mail.notification_item says, as the digest email prints them).
COMMANDS = {
    "pilotbook search": lambda w: [("search", s.title) for s in w.pilots.values()],
    "pilotbook similar": lambda w: [("similar", idea(s)) for s in w.pilots.values()],
    "email digest": lambda w: [("digest", "the last 30 days")],
}


def run(user, command: str, text: str) -> str:
    if command == "digest":
        if user is None:
            return ""
        now = timezone.now()
        content = mail.digest_content(user, since=now - dt.timedelta(days=30), until=now)
        return json.dumps({"items": [mail.notification_item(n, user) for n in content["notifications"]],
                           "pilots": content["pilots"]})
    out = io.StringIO()
    call_command(command, text, "--json", *(["--user", user.email] if user else []), stdout=out)
    return out.getvalue()


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":  # the admin site: moderators only, Django's own
                names |= url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_is_in_the_matrix_or_exempt():
    names = url_names()
    assert names - PAGES.keys() - EXEMPT.keys() == set(), "add the new page to PAGES (or EXEMPT, with the reason)"
    assert (PAGES.keys() | EXEMPT.keys()) - names == set(), "a page in the matrix no longer exists"


# Rendering and checking.
CSRF = re.compile(r'(csrfmiddlewaretoken" value=")[^"]+')
SIGNED = re.compile(r"([?&]key=)[^\"&]+")  # calendar feed links, signed with the time
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")


def render(client: Client, url: str) -> str:
    response = client.get(url)
    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
    return f"[{response.status_code}] {body}"


def normalised(text: str) -> str:
    return TIMESTAMP.sub("<time>", SIGNED.sub(r"\1", CSRF.sub(r"\1", text)))


def typed(address: str) -> list[str]:
    """What the person typed (a search, an idea, in the page's address or to a command): it may be repeated."""
    command, _, text = address.partition(": ")
    if command in ("search", "similar"):
        return [text.lower()]
    return [value.lower() for values in parse_qs(urlsplit(address).query).values() for value in values]


def leaks_on(page: str, persona: str, world: World, url: str = "") -> list[str]:
    text = page.lower()
    for words in typed(url):
        text = text.replace(words, "")
    found = []
    for s in world.pilots.values():
        shows_pilot = s.title.lower() in text or f'{s.url}"' in text or f"{s.url}#" in text
        if not may_see_pilot(persona, s.state) and shows_pilot:
            found.append(f"{s.state} pilot is shown")
        if not may_see_result(persona, s.state):
            found += [f"{s.state} result marker {m!r}" for m in s.result_markers if m in text]
        if not may_know_council(persona, s.state) and shows_pilot and WITHHELD_NAME.lower() in text:
            found.append(f"{s.state} pilot shown beside its council's name")
    return found


def change_what_is_hidden(world: World, persona: str) -> list[str]:
    """Change what this persona may not know: every result hidden from them, and the council of a pilot whose
    council's name is withheld from them (moved to another council, not theirs, with pilots they see and may
    attribute, so that counts of councils would move too). Returns what was changed."""
    changed = []
    for s in world.pilots.values():
        if not may_see_result(persona, s.state):
            verdict = "inconclusive" if s.pilot.result.verdict != "inconclusive" else "worked"
            Result.objects.filter(pilot=s.pilot).update(
                verdict=verdict, estimate=Decimal("0.5"), ci_low=Decimal("-40.25"), ci_high=Decimal("41.75"),
                reaches_worthwhile=not s.pilot.result.reaches_worthwhile, sample_size=99, summary="changed",
                method="changed")
            Pilot.objects.filter(pk=s.pilot.pk).update(**dict.fromkeys(LESSONS, "changed"),
                                                       failure_detail="changed", failure_reason="too_small")
            changed.append(f"the {s.state} result")
        if may_see_pilot(persona, s.state) and not may_know_council(persona, s.state):
            elsewhere = "OTH" if persona in ("officer", "champion") else "HOM"
            Pilot.objects.filter(pk=s.pilot.pk).update(council_id=elsewhere)
            s.pilot.materials.update(council_id=elsewhere)
            changed.append(f"the {s.state} pilot's council")
    versions.bump()  # written without signals, so say so: pages built from the data before are not used again
    return changed


def matrix(world: World) -> list[tuple[str, str]]:
    """(name, address) of everything to render: a page's address, or a command and what it was given."""
    return ([(name, url) for name, urls in PAGES.items() for url in urls(world)]
            + [(name, f"{command}: {text}") for name, runs in COMMANDS.items() for command, text in runs(world)])


def output(client: Client, user, address: str) -> str:
    command, _, text = address.partition(": ")
    return run(user, command, text) if command in ("search", "similar", "digest") else render(client, address)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_a_persona_what_its_sharing_choices_hold_back(persona, world, persona_client, request,
                                                                    record_property):
    client = persona_client(persona)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    pages = matrix(world)
    size = (f"{len(pages)} pages and outputs ({len(PAGES)} url names, {len(COMMANDS)} others) x {len(PERSONAS)} "
            f"personas x {len(STATES)} sharing states = {len(pages) * len(PERSONAS) * len(STATES)} checks")
    record_property("leak_matrix", size)
    print(f"leak matrix: {size}")
    before = {url: output(client, user, url) for _, url in pages}
    problems = [f"{persona} on {name} {url}: {leak}" for name, url in pages
                for leak in leaks_on(before[url], persona, world, url)]
    changed = change_what_is_hidden(world, persona)
    for name, url in pages if changed else []:
        after = output(client, user, url)
        if normalised(after) != normalised(before[url]):
            diff = [line for line in difflib.unified_diff(normalised(before[url]).splitlines(),
                                                          normalised(after).splitlines(), lineterm="", n=0)
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")]
            problems.append(f"{persona} on {name} {url}: changes with {' and '.join(changed)}: "
                            + " | ".join(line.strip()[:160] for line in diff[:4]))
    assert not problems, "\n".join(problems)


def w_url(pilot) -> str:
    return pilot.get_absolute_url()


def test_every_shared_pilot_is_reachable_from_each_place_the_matrix_renders(world, persona_client, moderator,
                                                                             officer):
    """The matrix is only as good as its links: a moderator, who may see everything, finds each pilot there."""
    client = persona_client("moderator")
    digest = run(officer, "digest", "").lower()
    for s in world.pilots.values():
        assert s.title.lower() in digest, s.state  # the officer follows each pilot
        if s.state in (WITHHELD, COUNCILS_ONLY):
            assert s.title.lower() in run(moderator, "search", s.title).lower()
            assert s.title.lower() in run(moderator, "similar", idea(s)).lower()
    # "Similar pilots elsewhere" on a pilot's page lists the released ones (their plans are alike).
    control_page = render(client, w_url(world.control)).lower()
    for s in world.pilots.values():
        assert (s.title.lower() in control_page) == (s.state in (WITHHELD, COUNCILS_ONLY)), s.state
    places = ["partnership-detail", "hackday-detail", "material-detail", "material-library", "pilot-list",
              "api-pilots", "discussion-notifications"]
    released = ["pooled-group", "partner-unlikely", "evidence-search", "before-you-start", "feed-results",
                "export-evidence"]
    pages = {name: " ".join(render(client, url) for url in PAGES[name](world)).lower() for name in places + released}
    pages["discussion-notifications"] = render(persona_client("officer"), reverse("discussion-notifications")).lower()
    for s in world.pilots.values():
        where = places + (released if s.state in (WITHHELD, COUNCILS_ONLY) else [])
        if s.state == COUNCILS_ONLY:
            where = [name for name in where if name != "feed-results"]  # the feed is public
        if s.state == UNPUBLISHED:
            where = [name for name in where if name != "discussion-notifications"]  # not open for discussion
        missing = [name for name in where if s.title.lower() not in pages[name]]
        assert not missing, f"{s.state} pilot missing from {missing}"
        # And the markers are there to be found by those who may see them.
        own_page = render(persona_client(owner(s.state)), s.url).lower()
        assert all(marker in own_page for marker in s.result_markers), s.state
        assert (WITHHELD_NAME.lower() in own_page) == (s.state == WITHHELD)
