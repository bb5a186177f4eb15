"""Pages signed in share what they build among people the access rules treat alike, never anything personal
(ADR 0020): each person gets their own CSRF token and their own name, and a council that withheld its name is named
to its own members only, whoever asked for the page first."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotbook.councils.models import Role
from pilotbook.discussion import services
from pilotbook.discussion.models import Comment
from pilotbook.pilots.choices import Status

from .factories import CouncilFactory, UserFactory, make_pilot, member

SEARCH = reverse("evidence-search") + "?q=arrears"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_two_officers_of_one_council_get_their_own_token_and_name(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    colleague = member(home_council, Role.OFFICER, email="colleague@home.example", full_name="Cleo Colleague")
    clients = {"Olu Officer": signed_in(officer), "Cleo Colleague": signed_in(colleague)}
    for url in (pilot.get_absolute_url(), SEARCH):
        tokens = {}
        for name, client in clients.items():  # the second is served what the first built
            page = client.get(url).content.decode()
            other = next(n for n in clients if n != name)
            assert f"Signed in as {name}." in page and other not in page
            tokens[name] = TOKEN.findall(page)
            assert tokens[name]  # the sign-out form at least
        assert not set(tokens["Olu Officer"]) & set(tokens["Cleo Colleague"])
        # Each token is good for its own person only: signing out with the other's is refused.
        assert clients["Olu Officer"].post(reverse("logout"), {"csrfmiddlewaretoken": tokens["Cleo Colleague"][0]},
                                           ).status_code == 403
        assert clients["Olu Officer"].post(reverse("logout"), {"csrfmiddlewaretoken": tokens["Olu Officer"][0]},
                                           ).status_code == 302
        clients["Olu Officer"].force_login(officer)


def test_a_withheld_name_is_named_to_its_council_only_whoever_asked_first(home_council, other_council, officer,
                                                                          other_officer):
    withheld = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public_anonymous",
                          title="Clearer rent arrears letter")
    third = member(CouncilFactory(code="THI", name="Thirdbury"), Role.OFFICER, email="officer@third.example")
    for url in (SEARCH, withheld.get_absolute_url()):
        for order in ((other_officer, officer, third), (officer, other_officer, third)):
            pages = {user: signed_in(user).get(url).content.decode() for user in order}
            assert "Homeshire" in pages[officer], url
            assert "Homeshire" not in pages[other_officer] and "Homeshire" not in pages[third], url


def test_members_of_councils_a_page_does_not_depend_on_share_it(home_council, other_council, officer, other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    third = member(CouncilFactory(code="THI", name="Thirdbury"), Role.OFFICER, email="officer@third.example")
    for url in (pilot.get_absolute_url(), SEARCH):
        first, second = signed_in(other_officer), signed_in(third)
        first.get(url)
        with CaptureQueriesContext(connection) as built_for_another:
            second.get(url)
        with CaptureQueriesContext(connection) as again:
            second.get(url)
        assert len(built_for_another) == len(again), url  # nothing was built for the second council's officer


# The discussion under a pilot page: its comments are rendered once per data version for everyone shown the same
# (pilotbook.discussion.presenters.comments_html); the CSRF token and the actions on one's own comments are each
# person's own.

def comment_block(page: str, comment) -> str:
    """The part of a page that shows one comment (up to the next comment, or the end of the discussion)."""
    start = page.index(f'id="comment-{comment.pk}"')
    ends = [i for i in (page.find('id="comment-', start + 1), page.find('id="new-comment"', start)) if i > 0]
    return page[start:min(ends) if ends else len(page)]


def test_two_people_who_share_the_discussion_never_see_each_others_actions_or_tokens(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    colleague = member(home_council, Role.OFFICER, email="colleague@home.example", full_name="Cleo Colleague")
    mine = services.comment_post(target=pilot, author=officer, body="Olu's own comment")
    theirs = services.comment_post(target=pilot, author=colleague, body="Cleo's own comment")
    services.comment_edit(comment=theirs, user=colleague, body="Cleo's own comment, edited")
    services.follow_add(user=officer, subject="pilot", value=str(pilot.pk))
    for order in ((officer, colleague), (colleague, officer)):  # the second is served what the first built
        clients = {user: signed_in(user) for user in order}
        pages = {user: clients[user].get(pilot.get_absolute_url()).content.decode() for user in order}
        for user, own, other in ((officer, mine, theirs), (colleague, theirs, mine)):
            page = pages[user]
            assert reverse("discussion-comment-edit", args=[own.pk]) in comment_block(page, own)
            assert reverse("discussion-comment-report", args=[own.pk]) not in page
            assert reverse("discussion-comment-edit", args=[other.pk]) not in page
            assert reverse("discussion-comment-report", args=[other.pk]) in comment_block(page, other)
            assert reverse("discussion-comment-moderate", args=[own.pk]) not in page
        # What each follows is their own.
        assert "Stop following this pilot" in pages[officer] and "Follow this pilot" not in pages[officer]
        assert "Follow this pilot" in pages[colleague] and "Stop following this pilot" not in pages[colleague]
        # Earlier versions: for the author (and moderators) only.
        history = reverse("discussion-comment-history", args=[theirs.pk])
        assert history in pages[colleague] and history not in pages[officer]
        # Every form in the discussion (the comment form, each reply form) carries the reader's own token (Django
        # masks it afresh each time, so each form's differs): each is accepted for its reader, refused for the other.
        tokens = {user: TOKEN.findall(page[page.index('id="discussion-heading"'):]) for user, page in pages.items()}
        assert len(tokens[officer]) >= 4 and len(tokens[colleague]) >= 4  # follow, 2 replies, the comment form
        assert not set(tokens[officer]) & set(tokens[colleague])
        for page in pages.values():
            assert not re.search(r"~[0-9a-f]{32}~", page)  # no slot left unfilled
        create = reverse("discussion-comment-create", args=["pilot", pilot.pk])
        for user, other in ((officer, colleague), (colleague, officer)):
            client = clients[user]
            for token in tokens[user]:  # an empty comment: the form again with its error, nothing written
                assert client.post(create, {"kind": "comment", "body": "", "csrfmiddlewaretoken": token}
                                   ).status_code == 200
            assert client.post(create, {"kind": "comment", "body": "", "csrfmiddlewaretoken": tokens[other][0]}
                               ).status_code == 403

def test_a_moderators_controls_and_hidden_text_never_reach_an_officer(home_council, other_council, officer,
                                                                      other_officer, moderator):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    shown = services.comment_post(target=pilot, author=other_officer, body="A fair question about costs")
    hidden = services.comment_post(target=pilot, author=other_officer, body="Mrs Smith at 4 Acacia Road")
    services.comment_hide(comment=hidden, moderator=moderator, reason="Names a resident")
    # Signed in, in no council: may read but not post, as a moderator in no council.
    outsider = UserFactory(email="reader@example.org", full_name="Rae Reader")
    for order in ((moderator, officer, other_officer, outsider), (outsider, officer, other_officer, moderator)):
        pages = {user: signed_in(user).get(pilot.get_absolute_url()).content.decode() for user in order}
        moderating = pages[moderator]
        assert reverse("discussion-comment-moderate", args=[shown.pk]) in moderating
        assert reverse("discussion-comment-moderate", args=[hidden.pk]) in moderating
        assert "Mrs Smith at 4 Acacia Road" in moderating and "Names a resident" in moderating
        for user in (officer, other_officer, outsider):
            assert "/moderate/" not in pages[user]
            assert "Mrs Smith at 4 Acacia Road" not in pages[user] and "Names a resident" not in pages[user]
            assert "A moderator hid this comment." in pages[user]
        # The author of a hidden comment may no longer change it, and nobody may reply to it.
        assert reverse("discussion-comment-edit", args=[hidden.pk]) not in pages[other_officer]
        assert reverse("discussion-comment-reply", args=[hidden.pk]) not in pages[officer]
        assert reverse("discussion-comment-reply", args=[shown.pk]) in pages[officer]


def test_a_new_comment_an_edit_and_hiding_show_at_once(home_council, other_council, officer, other_officer,
                                                       moderator):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    reader, writer = signed_in(officer), signed_in(other_officer)
    assert "No comments or questions yet." in reader.get(pilot.get_absolute_url()).content.decode()
    page = writer.get(pilot.get_absolute_url()).content.decode()
    token = TOKEN.findall(page[page.index('id="new-comment"'):])[0]
    posted = writer.post(reverse("discussion-comment-create", args=["pilot", pilot.pk]),
                         {"kind": "comment", "body": "We tried this in 2023", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    assert "We tried this in 2023" in reader.get(pilot.get_absolute_url()).content.decode()
    comment = Comment.objects.get()
    services.comment_edit(comment=comment, user=other_officer, body="We tried this in 2024")
    assert "We tried this in 2024" in reader.get(pilot.get_absolute_url()).content.decode()
    services.comment_hide(comment=comment, moderator=moderator, reason="Off topic")
    page = reader.get(pilot.get_absolute_url()).content.decode()
    assert "We tried this in 2024" not in page and "A moderator hid this comment." in page
    assert reverse("discussion-comment-edit", args=[comment.pk]) not in writer.get(
        pilot.get_absolute_url()).content.decode()


def test_the_dashboard_shares_a_councils_list_among_its_members_and_shows_a_change_at_once(home_council,
                                                                                           other_council, officer,
                                                                                           other_officer):
    """A council's pilots on the dashboard are rendered once per data version for its members (site.dashboard);
    the rest of the page (whose it is, an admin's invitations) stays each person's own."""
    admin = member(home_council, Role.ADMIN, email="admin@home.example", full_name="Ada Admin")
    make_pilot(home_council, officer, status=Status.PUBLISHED, title="Clearer rent arrears letter")
    make_pilot(other_council, other_officer, status=Status.PUBLISHED, title="Otherborough own pilot")
    for order in ((officer, admin, other_officer), (other_officer, admin, officer)):
        clients = {user: signed_in(user) for user in order}
        pages = {user: clients[user].get(reverse("dashboard")).content.decode() for user in order}
        for user in (officer, admin):
            assert "Clearer rent arrears letter" in pages[user] and "Otherborough own pilot" not in pages[user]
            assert f"Signed in as {user.full_name}." in pages[user]
        assert "Otherborough own pilot" in pages[other_officer]
        assert "Clearer rent arrears letter" not in pages[other_officer]
        assert "and invitations" in pages[admin] and "and invitations" not in pages[officer]
    make_pilot(home_council, officer, title="A new draft")
    page = clients[admin].get(reverse("dashboard")).content.decode()
    assert "A new draft" in page and "Finish and register the plan" in page
