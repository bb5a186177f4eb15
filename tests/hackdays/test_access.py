"""Who may see and do what at a hack day, every page against every persona.

Rules (pilotbook.hackdays.models): staff of the hack day's council always see it and take part; other
councils' members see it only once voting has closed (404 before); moderators see every hack day but take
part in none; nobody signed in sees any (sent to sign in). Only the organiser (here the champion) or a council
admin opens and closes voting, shortlists and makes pilots.
"""

import html
import re

import pytest
from django.urls import reverse

from pilotbook.councils.models import Role
from pilotbook.hackdays import services
from pilotbook.hackdays.models import Stage, Vote
from tests.conftest import PERSONAS

from .conftest import make_idea

SIGN_IN = 302
SEE = {"anonymous": SIGN_IN, "other_officer": 404, "default": 200}
SEE_CLOSED = {"anonymous": SIGN_IN, "default": 200}
TAKE_PART = {"anonymous": SIGN_IN, "other_officer": 404, "moderator": 403, "default": 200}
MANAGE = {"anonymous": SIGN_IN, "other_officer": 404, "officer": 403, "moderator": 403, "default": 200}
MANAGE_CLOSED = {**MANAGE, "other_officer": 403}

PAGES = [
    ("hackday-detail", Stage.IDEAS, False, SEE),
    ("hackday-detail", Stage.VOTING, False, SEE),
    ("hackday-detail", Stage.CLOSED, False, SEE_CLOSED),
    ("hackday-ics", Stage.IDEAS, False, SEE),
    ("hackday-ics", Stage.CLOSED, False, SEE_CLOSED),
    ("hackday-idea-new", Stage.IDEAS, False, TAKE_PART),
    ("hackday-team-new", Stage.VOTING, False, TAKE_PART),
    ("hackday-team-new", Stage.CLOSED, False, {**TAKE_PART, "other_officer": 403}),
    ("hackday-advance", Stage.IDEAS, False, MANAGE),
    ("hackday-advance", Stage.VOTING, False, MANAGE),
    ("hackday-idea-pilot", Stage.CLOSED, True, MANAGE_CLOSED),
]


def expected(rule: dict, persona: str) -> int:
    return rule.get(persona, rule["default"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "stage", "with_idea", "rule"), PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_hack_day_page_access(persona, name, stage, with_idea, rule, hack_day_factory, officer, champion,
                              persona_client):
    hack_day = hack_day_factory(Stage.VOTING if with_idea else stage)
    args = [hack_day.pk]
    if with_idea:
        idea = make_idea(hack_day, officer)
        services.hackday_advance(hack_day=hack_day, user=champion)
        services.idea_shortlist(idea=idea, user=champion)
        args.append(idea.pk)
    response = persona_client(persona).get(reverse(name, args=args))
    assert response.status_code == expected(rule, persona)
    if response.status_code == SIGN_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_of_the_council_can_vote(persona, hack_day_factory, officer, persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    response = persona_client(persona).post(reverse("hackday-vote", args=[hack_day.pk, idea.pk]))
    assert response.status_code == expected({"anonymous": SIGN_IN, "other_officer": 404, "moderator": 403,
                                             "default": 302}, persona)
    assert Vote.objects.filter(idea=idea).exists() == (persona in ("officer", "champion", "council_admin"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_organiser_or_an_admin_shortlists(persona, hack_day_factory, officer, champion, persona_client):
    hack_day = hack_day_factory(Stage.VOTING)
    idea = make_idea(hack_day, officer)
    services.hackday_advance(hack_day=hack_day, user=champion)
    response = persona_client(persona).post(reverse("hackday-shortlist", args=[hack_day.pk, idea.pk]))
    assert response.status_code == expected({**MANAGE_CLOSED, "default": 302}, persona)
    idea.refresh_from_db()
    assert idea.is_shortlisted == (persona in ("champion", "council_admin"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_and_organising(persona, persona_client):
    client = persona_client(persona)
    assert client.get(reverse("hackday-list")).status_code == (SIGN_IN if persona == "anonymous" else 200)
    assert client.get(reverse("hackday-create")).status_code == expected(
        {"anonymous": SIGN_IN, "moderator": 403, "default": 200}, persona)
    assert client.get(reverse("hackday-impact")).status_code == 200


def test_other_councils_list_shows_only_closed_hack_days(hack_day_factory, persona_client):
    hack_day_factory(Stage.VOTING, title="Still voting")
    hack_day_factory(Stage.CLOSED, title="All done")
    page = persona_client("other_officer").get(reverse("hackday-list")).content.decode()
    assert "All done" in page
    assert "Still voting" not in page


def test_council_feed_lists_only_what_the_person_may_see(hack_day_factory, persona_client):
    hack_day_factory(Stage.VOTING, title="Still voting")
    hack_day_factory(Stage.CLOSED, title="All done")
    url = reverse("hackday-council-ics", args=["HOM"])
    own = persona_client("officer").get(url).content.decode()
    other = persona_client("other_officer").get(url).content.decode()
    assert "SUMMARY:Still voting" in own and "SUMMARY:All done" in own
    assert "Still voting" not in other and "SUMMARY:All done" in other
    assert persona_client("anonymous").get(url).status_code == SIGN_IN


def _feed_url(client, council: str = "HOM") -> str:
    """The subscription link the hack days page gives for a council's feed."""
    page = client.get(reverse("hackday-list")).content.decode()
    feed = re.escape(reverse("hackday-council-ics", args=[council]))
    found = re.search(rf'href="({feed}\?key=[^"]+)"', page)
    assert found, "the hack days page gives no calendar feed link"
    return html.unescape(found.group(1))


def test_a_calendar_app_subscribes_with_the_pages_link_and_no_sign_in(hack_day_factory, persona_client):
    hack_day_factory(Stage.VOTING, title="Still voting")
    url = _feed_url(persona_client("officer"))
    body = persona_client("anonymous").get(url).content.decode()
    assert "SUMMARY:Still voting" in body


def test_a_feed_link_that_is_altered_moved_or_stale_is_refused(hack_day_factory, persona_client, officer):
    hack_day_factory(Stage.VOTING, title="Still voting")
    url = _feed_url(persona_client("officer"))
    anonymous = persona_client("anonymous")
    path, key = url.split("?key=")
    assert anonymous.get(f"{path}?key={key[:-2]}xy").status_code == 403
    assert anonymous.get(url.replace("/HOM.ics", "/OTH.ics")).status_code in (403, 404)
    officer.set_password("a new password for this test")
    officer.save()
    refused = anonymous.get(url)
    assert refused.status_code == 403 and "Copy the link again" in refused.content.decode()


def test_a_feed_shows_what_its_owner_may_see_now(hack_day_factory, persona_client, officer, other_council):
    hack_day_factory(Stage.VOTING, title="Still voting")
    hack_day_factory(Stage.CLOSED, title="All done")
    url = _feed_url(persona_client("officer"))
    officer.memberships.all().delete()
    officer.memberships.create(council=other_council, role=Role.OFFICER)
    body = persona_client("anonymous").get(url).content.decode()
    assert "Still voting" not in body and "SUMMARY:All done" in body
