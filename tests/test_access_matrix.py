"""Who may see and change what: every view against every persona.

Rules (pilotbook.pilots.models.PilotQuerySet.visible_to and Pilot.can_change):
- a draft is seen only by its own council (and moderators); to anyone else it does not exist (404);
- a registered pilot is seen by every signed-in council member; a public one by anybody;
- only the owning council's members change a pilot: others get 403, anonymous visitors are sent to sign in.

Every URL pattern of the root URLconf is in the matrix (test_every_url_pattern_is_in_the_matrix walks
django.urls.get_resolver() through every include): the pilot pages in PAGES, the other apps' pages in SITE_PAGES,
the pages with a test of their own here in HERE, and the pages whose app keeps its own persona matrix in ELSEWHERE
(that module must name the page). The admin site is in too, as one rule: every admin URL goes through
ModeratorAdminSite, which lets in moderators only (test_the_admin_is_for_moderators_only asks for every registered
model's list as each persona).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilotbook.discussion import services as discussion
from pilotbook.evidence.models import PooledGroup
from pilotbook.hackdays import services as hackdays
from pilotbook.materials import services as materials
from pilotbook.overdue import services as overdue
from pilotbook.partners import services as partners
from pilotbook.pilots import measure
from pilotbook.pilots.choices import Status

from .conftest import PERSONAS
from .factories import LESSONS, make_pilot

OWN = ("officer", "champion", "council_admin")


def expected(rule: dict, persona: str) -> int:
    if persona in rule:
        return rule[persona]
    return rule.get("own", rule["default"]) if persona in OWN else rule["default"]


SIGN_IN = 302
# Pages that change a pilot: (url name, pilot status, extra url args, rule)
CHANGE_RULE = {"own": 200, "anonymous": SIGN_IN, "other_officer": 403, "moderator": 403, "default": 403}
DRAFT_CHANGE_RULE = {**CHANGE_RULE, "other_officer": 404}  # a draft must not even be revealed to outsiders

PAGES = [
    ("pilot-detail", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-plan-json", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-detail", Status.REGISTERED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-plan-json", Status.REGISTERED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-detail", Status.PUBLISHED, (), {"own": 200, "anonymous": 404, "default": 200}),
    ("pilot-step", Status.DRAFT, ("idea",), DRAFT_CHANGE_RULE),
    ("pilot-step", Status.DRAFT, ("dates",), DRAFT_CHANGE_RULE),
    ("pilot-check", Status.DRAFT, (), DRAFT_CHANGE_RULE),
    ("pilot-amend", Status.REGISTERED, ("outcome",), CHANGE_RULE),
    ("pilot-start", Status.REGISTERED, (), CHANGE_RULE),
    ("pilot-end-early", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-result", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-publish", Status.RESULTS_RECORDED, (), CHANGE_RULE),
    ("pilot-sharing", Status.REGISTERED, (), CHANGE_RULE),
    ("measure", Status.RUNNING, (), CHANGE_RULE),
    ("measure-upload", Status.RUNNING, (), CHANGE_RULE),
    ("measure-summary", Status.RUNNING, (), CHANGE_RULE),
    ("pilot-report", Status.DRAFT, (), {"own": 200, "moderator": 200, "default": 404}),
    ("pilot-report", Status.PUBLISHED, (), {"own": 200, "anonymous": 404, "default": 200}),
]


@pytest.fixture
def owned_pilot(home_council, officer):
    def make(status, visibility="councils"):
        return make_pilot(home_council, officer, status=status, visibility=visibility)

    return make


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "status", "args", "rule"), PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_pilot_page_access(persona, name, status, args, rule, owned_pilot, persona_client):
    pilot = owned_pilot(status)
    response = persona_client(persona).get(reverse(name, args=[pilot.pk, *args]))
    assert response.status_code == expected(rule, persona)
    if response.status_code == SIGN_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pilot_is_readable_by_everyone(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.PUBLISHED, visibility="public")
    assert persona_client(persona).get(pilot.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_draft_is_still_private_to_its_council(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.DRAFT, visibility="public")
    status = persona_client(persona).get(pilot.get_absolute_url()).status_code
    assert status == (200 if persona in (*OWN, "moderator") else 404)


# Writes: a POST from someone who may not change the pilot must change nothing.
WRITES = [
    ("pilot-start", Status.REGISTERED, (), {}, Status.RUNNING),
    ("pilot-publish", Status.RESULTS_RECORDED, (), {**LESSONS, "visibility": "councils"}, Status.PUBLISHED),
    ("pilot-end-early", Status.RUNNING, (), {"status": "withdrawn", "reason": "No longer needed."}, Status.WITHDRAWN),
    ("pilot-end-early", Status.RUNNING, (), {"status": "stopped_early", "reason": "Too few took part.",
                                             "failure_reason": "too_small"}, Status.STOPPED_EARLY),
    ("pilot-result", Status.RUNNING, (), {"estimate": "-10", "ci_low": "-15", "ci_high": "-5"},
     Status.RESULTS_RECORDED),
    ("pilot-check", Status.DRAFT, (), {}, Status.REGISTERED),
    ("measure-summary", Status.RUNNING, (), {"g1_label": "Old", "g1_n": "200", "g1_mean": "40", "g1_sd": "12",
                                              "g2_label": "New", "g2_n": "200", "g2_mean": "30", "g2_sd": "12"},
     Status.RUNNING),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "status", "args", "data", "after"), WRITES, ids=lambda v: v if isinstance(v, str)
                         else "")
def test_only_own_council_can_move_a_pilot_along(persona, name, status, args, data, after, owned_pilot,
                                                  persona_client):
    pilot = owned_pilot(status)
    response = persona_client(persona).post(reverse(name, args=[pilot.pk, *args]), data)
    pilot.refresh_from_db()
    if persona in OWN:
        assert response.status_code == 302
        assert pilot.status == after
    else:
        assert response.status_code in (302, 403, 404)
        assert pilot.status == status
        assert not pilot.analyses.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_analysis_page_is_only_for_the_owning_council(persona, owned_pilot, persona_client):
    from pilotbook.pilots import measure

    pilot = owned_pilot(Status.RUNNING)
    officer = pilot.created_by
    analysis = measure.summary_analyse(pilot=pilot, user=officer, control="Old", groups=[
        {"label": "Old", "n": 200, "mean": 40, "sd": 12}, {"label": "New", "n": 200, "mean": 30, "sd": 12}])
    response = persona_client(persona).get(reverse("analysis-detail", args=[pilot.pk, analysis.pk]))
    assert response.status_code == expected(CHANGE_RULE, persona)
    response = persona_client(persona).post(reverse("analysis-detail", args=[pilot.pk, analysis.pk]), {})
    pilot.refresh_from_db()
    assert (pilot.status == Status.RESULTS_RECORDED) == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_amend_a_frozen_plan(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.REGISTERED)
    data = {"planned_sample": "999", "planned_clusters": "", "stopping_rule": "none",
            "reason": "More cases than expected.",
            "results_seen": "no"}
    persona_client(persona).post(reverse("pilot-amend", args=[pilot.pk, "sample"]), data)
    pilot.refresh_from_db()
    assert (pilot.planned_sample == 999) == (persona in OWN)
    assert pilot.amendments.count() == (1 if persona in OWN else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_own_council_can_edit_a_draft(persona, owned_pilot, persona_client):
    pilot = owned_pilot(Status.DRAFT)
    persona_client(persona).post(reverse("pilot-step", args=[pilot.pk, "partners"]), {"partners": "Hacked"})
    pilot.refresh_from_db()
    assert (pilot.partners == "Hacked") == (persona in OWN)


@pytest.mark.parametrize("persona", PERSONAS)
def test_browse_lists_drafts_only_to_their_council(persona, owned_pilot, persona_client):
    draft = owned_pilot(Status.DRAFT)
    draft.title = "Secret draft idea"
    draft.save()
    owned_pilot(Status.REGISTERED)
    page = persona_client(persona).get(reverse("pilot-list")).content.decode()
    assert ("Secret draft idea" in page) == (persona in (*OWN, "moderator"))
    assert ("Clearer arrears letter" in page) == (persona != "anonymous")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 200),
     ("moderator", 200)],
)
def test_dashboard_needs_sign_in(persona, status, persona_client):
    assert persona_client(persona).get(reverse("dashboard")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 200),
     ("moderator", 403)],
)
def test_registering_needs_a_council(persona, status, persona_client, home_council, other_council):
    assert persona_client(persona).get(reverse("pilot-create")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", SIGN_IN), ("officer", 200), ("champion", 200), ("council_admin", 200), ("other_officer", 403),
     ("moderator", 200)],
)
def test_council_team_is_for_its_members(persona, status, persona_client, home_council):
    assert persona_client(persona).get(reverse("council-team", args=["HOM"])).status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_council_admin_can_invite(persona, persona_client, home_council):
    from pilotbook.councils.models import Invitation

    persona_client(persona).post(reverse("council-team", args=["HOM"]), {"email": "new@home.example",
                                                                         "role": "officer"})
    assert Invitation.objects.filter(email="new@home.example").exists() == (persona == "council_admin")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("officer", 302), ("other_officer", 302), ("moderator", 200)],
)
def test_only_moderators_reach_the_admin(persona, status, persona_client, home_council):
    assert persona_client(persona).get(reverse("admin:pilots_pilot_changelist")).status_code == status


# Every other page, against every persona. A rule maps a persona to the status code it gets; "own" is the pilot's
# (or record's) own council, "default" everyone else not named.
EVERYONE = {"default": 200}
SIGNED_IN = {"anonymous": SIGN_IN, "default": 200}
SEE_PILOT = {"anonymous": 404, "default": 200}  # a pilot shared with councils, not the public
SEE_DRAFT = {"own": 200, "moderator": 200, "default": 404}
MODERATORS = {"anonymous": SIGN_IN, "moderator": 200, "default": 403}
# A form about one upload: only the person who uploaded it continues; the rest of the council starts again.
OWN_UPLOAD = {**CHANGE_RULE, "champion": 302, "council_admin": 302}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def site(home_council, other_council, officer, champion, moderator):
    """One of each record the pages show, all of the home council."""
    draft = make_pilot(home_council, officer, status=Status.DRAFT)
    registered = make_pilot(home_council, officer, status=Status.REGISTERED)
    running = make_pilot(home_council, officer, status=Status.RUNNING)
    published = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    upload = measure.upload_receive(pilot=running, user=officer, filename="rows.csv",
                                    content=b"Group,Paid\n" + b"old,1\nnew,0\n" * 10)
    upload.mapping = {"arm": "Group", "outcome": "Paid"}
    upload.save(update_fields=["mapping"])
    draft_material = materials.material_add(pilot=draft, user=officer, title="Draft letter", kind="letter",
                                            body="Dear resident.", file_name="letter.pdf", file_data=PDF)
    comment = discussion.comment_post(target=published, author=officer, body="We are happy to share our letter.")
    discussion.comment_post(target=published, author=champion, body="Thank you.", parent=comment)
    notification = officer.notifications.get()
    flag = overdue.flag_raise(pilot=running, user=officer, kind="other", reason="It ended later.")
    arrangement = partners.arrangement_save(council=home_council, service="Waste collection", model="outsourced")
    hack_day = hackdays.hackday_create(council=home_council, user=champion, title="Spring hack day", theme="Bins",
                                       date=dt.date(2027, 3, 18), place="Offices", votes_per_person=2)
    team = hackdays.team_form(hack_day=hack_day, user=champion, name="Bin crew")
    group = PooledGroup.objects.create(title="Arrears letters", slug="arrears-letters", outcome="Days to contact",
                                       measure="GENERIC", created_by=moderator)
    return {"draft": draft, "registered": registered, "running": running, "published": published,
            "upload": upload, "material": draft_material, "comment": comment, "flag": flag,
            "arrangement": arrangement, "hack_day": hack_day, "team": team, "group": group,
            "notification": notification}


# (url name, method, args from the site's records, rule)
SITE_PAGES = [
    ("home", "get", lambda s: [], EVERYONE),
    ("about", "get", lambda s: [], EVERYONE),
    ("accessibility", "get", lambda s: [], EVERYONE),
    ("council-list", "get", lambda s: [], EVERYONE),
    ("council-detail", "get", lambda s: ["HOM"], EVERYONE),
    ("council-outline", "get", lambda s: ["WEA"], EVERYONE),  # from the vendored boundaries, for everyone
    ("invitation-accept", "get", lambda s: ["not-a-token"], {"default": 404}),
    ("login", "get", lambda s: [], {"anonymous": 200, "default": 302}),  # signed in: passed straight on
    ("logout", "get", lambda s: [], {"default": 405}),  # signing out is a POST
    ("password_reset", "get", lambda s: [], EVERYONE),
    ("password_reset_done", "get", lambda s: [], EVERYONE),
    ("password_reset_confirm", "get", lambda s: ["MQ", "not-a-token"], EVERYONE),  # says the link is not valid
    ("password_reset_complete", "get", lambda s: [], EVERYONE),
    ("measure-columns", "get", lambda s: [s["running"].pk, s["upload"].token], OWN_UPLOAD),
    ("measure-control", "get", lambda s: [s["running"].pk, s["upload"].token], OWN_UPLOAD),
    ("power-calculator", "get", lambda s: [], EVERYONE),
    ("arrangement-edit", "get", lambda s: [s["arrangement"].pk], CHANGE_RULE),
    ("overdue-list", "get", lambda s: [], EVERYONE),
    ("overdue-council", "get", lambda s: ["HOM"], EVERYONE),
    ("overdue-entry", "get", lambda s: [s["registered"].pk], SEE_PILOT),
    ("overdue-entry", "get", lambda s: [s["draft"].pk], SEE_DRAFT),
    ("overdue-flag", "get", lambda s: [s["running"].pk], CHANGE_RULE),
    ("overdue-correct", "get", lambda s: [s["running"].pk], MODERATORS),
    ("overdue-moderation", "get", lambda s: [], MODERATORS),
    ("overdue-review", "get", lambda s: [s["flag"].pk], MODERATORS),
    ("evidence-search", "get", lambda s: [], EVERYONE),
    ("before-you-start", "get", lambda s: [], EVERYONE),
    ("dismiss-suggestion", "post", lambda s: [s["published"].pk], {"default": 302}),  # remembered per session
    ("restore-suggestions", "post", lambda s: [], {"default": 302}),
    ("failure-register", "get", lambda s: [], EVERYONE),
    ("pooled-groups", "get", lambda s: [], EVERYONE),
    ("pooled-group", "get", lambda s: [s["group"].slug], EVERYONE),
    ("pooled-group-create", "get", lambda s: [], MODERATORS),
    ("pooled-group-edit", "get", lambda s: [s["group"].slug], MODERATORS),
    ("pooled-group-pilots", "get", lambda s: [s["group"].slug], MODERATORS),
    ("pooled-group-remove", "post", lambda s: [s["group"].slug, s["published"].pk], {**MODERATORS, "moderator": 302}),
    ("schema-pilot", "get", lambda s: [], EVERYONE),
    ("feed-results", "get", lambda s: [], EVERYONE),
    ("feed-results-service-area", "get", lambda s: ["housing"], EVERYONE),
    ("feed-results-council", "get", lambda s: ["HOM"], EVERYONE),
    ("export-pilots-metadata", "get", lambda s: [], EVERYONE),
    ("export-evidence-metadata", "get", lambda s: [], EVERYONE),
    ("export-pilots", "get", lambda s: ["csv"], EVERYONE),
    ("export-evidence", "get", lambda s: ["csv"], EVERYONE),
    ("api-index", "get", lambda s: [], EVERYONE),
    ("api-openapi", "get", lambda s: [], EVERYONE),
    ("api-pilots", "get", lambda s: [], EVERYONE),
    ("api-pilot", "get", lambda s: [s["published"].pk], EVERYONE),
    ("api-pilot", "get", lambda s: [s["registered"].pk], SEE_PILOT),
    ("api-pilot", "get", lambda s: [s["draft"].pk], SEE_DRAFT),
    ("api-councils", "get", lambda s: [], EVERYONE),
    ("api-council", "get", lambda s: ["HOM"], EVERYONE),
    ("api-pooled-groups", "get", lambda s: [], EVERYONE),
    ("api-pooled-group", "get", lambda s: [s["group"].slug], EVERYONE),
    ("api-overdue", "get", lambda s: [], EVERYONE),
    ("hackday-team-join", "post", lambda s: [s["hack_day"].pk, s["team"].pk],
     {"anonymous": SIGN_IN, "other_officer": 404, "moderator": 403, "default": 302}),
    ("material-library", "get", lambda s: [], EVERYONE),
    ("material-detail", "get", lambda s: [s["material"].pk], SEE_DRAFT),
    ("material-download", "get", lambda s: [s["material"].pk], SEE_DRAFT),
    ("material-new", "get", lambda s: [s["draft"].pk], DRAFT_CHANGE_RULE),
    ("discussion-comment-reply", "post", lambda s: [s["comment"].pk],
     {"anonymous": SIGN_IN, "moderator": 403, "default": 200}),  # an empty reply: the form again, with its error
    ("discussion-follow", "post", lambda s: [], {"anonymous": SIGN_IN, "default": 404}),  # nothing named to follow
    ("discussion-notifications-read", "post", lambda s: [], {"anonymous": SIGN_IN, "default": 302}),
    ("discussion-notification-read", "post", lambda s: [s["notification"].pk],
     {"anonymous": SIGN_IN, "officer": 302, "default": 404}),  # the officer's own notification of a reply
    ("discussion-unsubscribe", "get", lambda s: ["not-a-token"], {"default": 400}),
]

# Pages with a test of their own in this module (see the tests above).
HERE = {"pilot-list", "dashboard", "pilot-create", "council-team", "analysis-detail"}
# Pages whose app keeps its own matrix of every persona; the module must name each one it is trusted with.
ELSEWHERE = {
    "tests/partners/test_access.py": {
        "partner-index", "champions-directory", "arrangement-comparison", "partner-map", "partner-map-data",
        "partner-coverage", "partner-unlikely", "partner-create", "sector-create", "partner-import",
        "partner-template-csv", "partner-export-csv", "partner-export-json", "council-champions",
        "partner-pipeline", "partner-pipeline-list", "arrangement-create", "partner-detail", "partner-edit",
        "partnership-create", "partnership-detail", "partnership-move", "partnership-advance", "partnership-review"},
    "tests/hackdays/test_access.py": {
        "hackday-list", "hackday-create", "hackday-impact", "hackday-council-ics", "hackday-detail", "hackday-ics",
        "hackday-advance", "hackday-idea-new", "hackday-vote", "hackday-shortlist", "hackday-idea-pilot",
        "hackday-team-new"},
    "tests/discussion/test_access.py": {
        "discussion-comment-create", "discussion-comment-edit", "discussion-comment-history",
        "discussion-comment-report", "discussion-comment-moderate", "discussion-moderation",
        "discussion-following", "discussion-notifications", "discussion-preferences"},
}
ADMIN = "admin"  # every URL in the admin's namespace: ModeratorAdminSite, checked by the test below
# The one pattern without a name: the API's "no such endpoint" answer under /api/, the same for everyone.
UNNAMED = {"pilotbook.api.views.api_not_found"}


def url_patterns(patterns=None, namespace=""):
    """(namespace, name with its namespace or None, the view's dotted path) for every URL pattern, through every
    include."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else \
                pattern.namespace or namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield namespace, name, pattern.lookup_str


def in_matrix() -> set[str]:
    return {name for name, *_ in PAGES} | {name for name, *_ in SITE_PAGES} | HERE | set().union(*ELSEWHERE.values())


def test_every_url_pattern_is_in_the_matrix():
    known = in_matrix()
    missing = sorted(name or lookup for namespace, name, lookup in url_patterns()
                     if not (name in known or namespace.split(":")[0] == ADMIN or lookup in UNNAMED))
    assert not missing, f"URL patterns with no access rule for each persona: {', '.join(missing)}. " \
                        "Add each to PAGES or SITE_PAGES here (or to its app's persona matrix, listed in ELSEWHERE)."
    named = {name for _namespace, name, _lookup in url_patterns() if name}
    assert known <= named, f"in the matrix but no longer a URL: {', '.join(sorted(known - named))}"


@pytest.mark.parametrize("module", sorted(ELSEWHERE))
def test_each_app_matrix_names_the_pages_it_is_trusted_with(module):
    text = (Path(__file__).resolve().parent.parent / module).read_text()
    unnamed = sorted(name for name in ELSEWHERE[module] if f'"{name}"' not in text)
    assert not unnamed, f"{module} does not check {', '.join(unnamed)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "args", "rule"), SITE_PAGES,
                         ids=lambda v: v if isinstance(v, str) and v not in ("get", "post") else "")
def test_site_page_access(persona, name, method, args, rule, site, persona_client):
    client = persona_client(persona)
    response = getattr(client, method)(reverse(name, args=args(site)))
    assert response.status_code == expected(rule, persona), (name, persona)
    if persona == "anonymous" and rule.get("anonymous") == SIGN_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_for_moderators_only(persona, persona_client, home_council):
    client = persona_client(persona)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        if persona != "moderator":
            assert response.status_code == 302, url  # to sign in, or told the admin is for moderators
            assert "/admin/login/" in response.url
        else:
            visible = model_admin.has_view_permission(response.wsgi_request) or \
                model_admin.has_change_permission(response.wsgi_request)
            assert response.status_code == (200 if visible else 403), url


VISIBILITIES = ("councils", "public", "public_anonymous")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REGISTERED, Status.PUBLISHED])
def test_the_pilot_pages_own_check_is_visible_to_line_for_line(status, owned_pilot, request, moderator,
                                                               other_officer):
    """The pilot's page checks a cached pilot with Pilot.visible_to_user (pilots.access.shown_pilot_or_404): for
    every persona, one with no council, and every visibility, it agrees with PilotQuerySet.visible_to."""
    from django.contrib.auth.models import AnonymousUser

    from pilotbook.pilots.models import Pilot

    from .factories import UserFactory

    people = [AnonymousUser(), UserFactory(email="nobody@example.org", full_name="Nia Nobody"),
              *(request.getfixturevalue(p) for p in PERSONAS if p != "anonymous")]
    for visibility in VISIBILITIES:
        pilot = owned_pilot(status, visibility=visibility)
        for person in people:
            in_sql = Pilot.objects.visible_to(person).filter(pk=pilot.pk).exists()
            assert pilot.visible_to_user(person) == in_sql, (visibility, person)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REGISTERED])
def test_the_cached_pilot_is_never_shown_to_someone_who_may_not_see_it(status, owned_pilot, persona_client):
    """Whoever asks first fills the page cache with the pilot; everyone after is checked afresh, in either order."""
    pilot = owned_pilot(status)
    rule = {"own": 200, "moderator": 200, "default": 404} if status == Status.DRAFT else \
        {"own": 200, "anonymous": 404, "default": 200}
    for order in (PERSONAS, PERSONAS[::-1]):
        for persona in order:
            assert persona_client(persona).get(pilot.get_absolute_url()).status_code == expected(rule, persona), \
                (persona, order[0])
