"""Who may post, edit, see the history of, report and moderate comments: every page against every persona.

Rules (pilotbook.discussion.access): council members comment on published pilots they may see, never on
drafts or pilots still running; only the author edits; the author and moderators see earlier versions; any
signed-in person reports; only moderators hide. Anonymous visitors are sent to sign in.
"""

import pytest
from django.urls import reverse

from pilotbook.discussion import services
from pilotbook.discussion.models import Comment
from pilotbook.pilots.choices import Status
from tests.conftest import PERSONAS
from tests.factories import make_pilot

OWN = ("officer", "champion", "council_admin")
SIGN_IN = 302
CREATED = "created"


def expected(rule: dict, persona: str):
    if persona in rule:
        return rule[persona]
    return rule["own"] if persona in OWN else rule["default"]


POST_RULES = [
    (Status.PUBLISHED, {"anonymous": SIGN_IN, "moderator": 403, "default": CREATED, "own": CREATED}),
    (Status.RUNNING, {"anonymous": SIGN_IN, "default": 403, "own": 403}),
    # A draft is not even revealed to other councils.
    (Status.DRAFT, {"anonymous": SIGN_IN, "other_officer": 404, "moderator": 403, "default": 403, "own": 403}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("status", "rule"), POST_RULES, ids=lambda v: v if isinstance(v, str) else "")
def test_who_may_comment(persona, status, rule, home_council, officer, persona_client):
    pilot = make_pilot(home_council, officer, status=status)
    url = reverse("discussion-comment-create", args=["pilot", pilot.pk])
    response = persona_client(persona).post(url, {"kind": "question", "body": "How did you choose the wording?"})
    want = expected(rule, persona)
    if want == CREATED:
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response.url == f"{pilot.get_absolute_url()}#comment-{comment.pk}"
    else:
        assert response.status_code == want
        assert not Comment.objects.exists()
        if want == SIGN_IN:
            assert response.url.startswith(reverse("login"))


@pytest.fixture
def comment(published_pilot, other_officer):
    comment = services.comment_post(target=published_pilot, author=other_officer, body="Did tenants notice?")
    services.comment_edit(comment=comment, user=other_officer, body="Did tenants notice the new letter?")
    return comment


# Pages about one comment, written by other_officer: (url name, rule)
COMMENT_PAGES = [
    ("discussion-comment-edit", {"anonymous": SIGN_IN, "other_officer": 200, "default": 403, "own": 403}),
    ("discussion-comment-history", {"anonymous": SIGN_IN, "other_officer": 200, "moderator": 200, "default": 403,
                                    "own": 403}),
    ("discussion-comment-report", {"anonymous": SIGN_IN, "default": 200, "own": 200}),
    ("discussion-comment-moderate", {"anonymous": SIGN_IN, "moderator": 200, "default": 403, "own": 403}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "rule"), COMMENT_PAGES, ids=lambda v: v if isinstance(v, str) else "")
def test_comment_page_access(persona, name, rule, comment, persona_client):
    response = persona_client(persona).get(reverse(name, args=[comment.pk]))
    assert response.status_code == expected(rule, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_author_can_change_a_comment(persona, comment, persona_client):
    response = persona_client(persona).post(reverse("discussion-comment-edit", args=[comment.pk]),
                                            {"body": "Rewritten by someone else"})
    comment.refresh_from_db()
    if persona == "other_officer":
        assert response.status_code == 302
        assert comment.body == "Rewritten by someone else"
    else:
        assert comment.body == "Did tenants notice the new letter?"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_moderators_can_hide_a_comment(persona, comment, persona_client):
    persona_client(persona).post(reverse("discussion-comment-moderate", args=[comment.pk]), {"reason": "Spam"})
    comment.refresh_from_db()
    assert comment.is_hidden == (persona == "moderator")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["discussion-notifications", "discussion-preferences", "discussion-following",
                                  "discussion-moderation"])
def test_personal_pages_need_sign_in(persona, name, persona_client, home_council, other_council):
    response = persona_client(persona).get(reverse(name))
    if persona == "anonymous":
        assert response.status_code == SIGN_IN
    elif name == "discussion-moderation":
        assert response.status_code == (200 if persona == "moderator" else 403)
    else:
        assert response.status_code == 200


def test_the_service_refuses_a_comment_on_a_draft_whoever_asks(home_council, officer):
    draft = make_pilot(home_council, officer, status=Status.DRAFT)
    with pytest.raises(services.DiscussionError):
        services.comment_post(target=draft, author=officer, body="Note to self")
