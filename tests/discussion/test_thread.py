"""A pilot's discussion: questions answered by the pilot's team, edits with history, reports and moderation."""

import re

from django.urls import reverse

from pilotbook.discussion import services
from pilotbook.discussion.models import Comment, ModerationAction, Report
from pilotbook.pilots.choices import Status, Visibility
from tests.factories import make_pilot

HOSTILE = "Look **here** <script>alert('pwned')</script> [x](javascript:alert(1)) <img src=x onerror=alert(2)>"


def page(client, user, pilot) -> str:
    client.force_login(user)
    return client.get(pilot.get_absolute_url()).content.decode()


def test_a_question_is_answered_and_the_answer_is_marked_as_from_the_pilots_team(
        client, published_pilot, officer, other_officer):
    client.force_login(other_officer)
    client.post(reverse("discussion-comment-create", args=["pilot", published_pilot.pk]),
                {"kind": "question", "body": "Did the new letter cost more to print?"})
    question = Comment.objects.get()
    assert not question.from_team
    client.force_login(officer)
    response = client.post(reverse("discussion-comment-reply", args=[question.pk]),
                           {f"reply-{question.pk}-body": "No, the same: one sheet."})
    answer = Comment.objects.get(parent=question)
    assert response.url.endswith(f"#comment-{answer.pk}")
    assert answer.from_team and answer.is_answer
    html = page(client, other_officer, published_pilot)
    assert "Question from Otto Other (Otherborough)" in html
    assert "Answer from the pilot&#x27;s team" in html or "Answer from the pilot's team" in html
    assert "No, the same: one sheet." in html
    # The asker's question carries no team mark.
    question_block = html[html.index(f'id="comment-{question.pk}"'):html.index(f'id="comment-{answer.pk}"')]
    assert "team" not in question_block.split("</h3>")[1].split("</p>")[0]


def test_hostile_markdown_in_a_posted_comment_never_reaches_the_page_as_markup(client, published_pilot,
                                                                             other_officer):
    client.force_login(other_officer)
    client.post(reverse("discussion-comment-create", args=["pilot", published_pilot.pk]),
                {"kind": "comment", "body": HOSTILE})
    html = page(client, other_officer, published_pilot)
    thread = html[html.index('id="discussion-heading"'):]
    assert "<strong>here</strong>" in thread
    assert "<script>alert" not in thread
    assert "javascript:" not in thread
    assert not re.search(r"<img[^>]*onerror", thread)


def test_editing_keeps_each_earlier_version_for_the_author_and_moderators(
        client, published_pilot, officer, other_officer, moderator):
    comment = services.comment_post(target=published_pilot, author=other_officer, body="First thought")
    services.comment_edit(comment=comment, user=other_officer, body="Second thought")
    services.comment_edit(comment=comment, user=other_officer, body="Third thought")
    assert list(comment.versions.values_list("body", flat=True)) == ["First thought", "Second thought"]
    history = reverse("discussion-comment-history", args=[comment.pk])
    for viewer in (other_officer, moderator):
        html = page(client, viewer, published_pilot)
        assert "edited" in html and history in html
        client.force_login(viewer)
        history_html = client.get(history).content.decode()
        assert "First thought" in history_html and "Second thought" in history_html
    html = page(client, officer, published_pilot)
    assert "edited" in html and history not in html


def test_a_reported_comment_hidden_by_a_moderator_shows_a_placeholder_to_others_and_the_text_to_moderators(
        client, published_pilot, officer, other_officer, moderator):
    comment = services.comment_post(target=published_pilot, author=other_officer,
                                    body="Mrs Smith at 4 Acacia Road never pays.")
    client.force_login(officer)
    client.post(reverse("discussion-comment-report", args=[comment.pk]), {"reason": "Names a resident"})
    report = Report.objects.get()
    assert report.reporter == officer and report.closed_at is None

    client.force_login(moderator)
    assert "Names a resident" in client.get(reverse("discussion-moderation")).content.decode()
    client.post(reverse("discussion-comment-moderate", args=[comment.pk]), {"reason": "Personal data about a resident"})
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_by == moderator
    action = ModerationAction.objects.get()
    assert (action.moderator, action.action, action.reason) == (moderator, "hide", "Personal data about a resident")
    report.refresh_from_db()
    assert report.closed_at is not None

    for viewer in (officer, other_officer):
        html = page(client, viewer, published_pilot)
        assert "Acacia Road" not in html
        assert "A moderator hid this comment." in html
        assert "Personal data about a resident" not in html
    html = page(client, moderator, published_pilot)
    assert "Acacia Road" in html and "Personal data about a resident" in html


def test_reporting_twice_makes_one_report(client, published_pilot, officer, other_officer):
    comment = services.comment_post(target=published_pilot, author=other_officer, body="Buy my software")
    client.force_login(officer)
    for _ in range(2):
        client.post(reverse("discussion-comment-report", args=[comment.pk]), {"reason": "Advertising"})
    assert Report.objects.count() == 1


def test_a_team_answer_does_not_reveal_a_council_that_withheld_its_name(client, home_council, officer,
                                                                       other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility=Visibility.PUBLIC_ANONYMOUS)
    question = services.comment_post(target=pilot, author=other_officer, body="Who ran this?", kind="question")
    services.comment_post(target=pilot, author=officer, body="We did.", parent=question)
    html = page(client, other_officer, pilot)
    assert "A member of the pilot&#x27;s team" in html
    assert "Homeshire" not in html and "Olu Officer" not in html
    # No "follow this council" button either.
    assert "Follow Homeshire" not in html


def test_anonymous_readers_of_a_public_pilot_see_the_thread_but_no_form(client, home_council, officer,
                                                                       other_officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    services.comment_post(target=pilot, author=other_officer, body="Great result")
    html = client.get(pilot.get_absolute_url()).content.decode()
    assert "Great result" in html
    assert reverse("discussion-comment-create", args=["pilot", pilot.pk]) not in html
    assert "to comment or ask the pilot" in html


def test_no_thread_on_a_pilot_that_is_not_published(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    assert 'id="discussion-heading"' not in page(client, officer, pilot)
