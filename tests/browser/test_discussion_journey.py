"""Journey: an officer at Leeds asks a question on Wealden's published pilot, Wealden's team is told (in the
app and by email, sent by the background worker) and answers it; the answer is marked as from the team."""

import re

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import assert_accessible, sign_in

QUESTION = "Did you send the new letter by **post** only, or also by email?"
ANSWER = "By post only. We plan a text message next:\n\n- same wording\n- one link"


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", PILOTBOOK_PERIODIC_TASKS={})
def test_a_question_from_another_council_is_answered_by_the_pilots_team(
        page, wealden, wealden_officer, leeds_officer):
    # Given a published pilot at Wealden
    pilot = make_pilot(wealden, wealden_officer, status=Status.PUBLISHED, title="Clearer arrears letter")

    # When an officer at Leeds opens it and asks a question
    sign_in(page, "officer@leeds.example")
    page.goto(pilot.get_absolute_url())
    expect(page.get_by_role("heading", name="Discussion")).to_be_visible()
    page.get_by_role("button", name="Follow this pilot").click()
    expect(page.get_by_role("button", name="Stop following this pilot")).to_be_visible()
    # GOV.UK Frontend moves focus (and the page) to the success banner once its script runs: wait for that, or a
    # click aimed before it lands elsewhere (the Question radio was left unchecked once under load)
    expect(page.get_by_role("alert")).to_be_focused()
    page.get_by_label("Question", exact=True).check()
    page.get_by_label("Your comment or question").fill(QUESTION)
    page.get_by_role("button", name="Post", exact=True).click()

    # Then the question is on the page, with its Markdown rendered
    expect(page.get_by_text("Question posted.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Question from Lee Officer \\(Leeds\\)"))).to_be_visible()
    expect(page.locator(".pb-comment strong", has_text="post")).to_be_visible()
    assert_accessible(page)

    # And the background worker emails Wealden's team at once
    call_command("worker", batch=True)
    assert [m.to for m in mail.outbox] == [["officer@wealden.example"]]
    link = re.search(r"https?://\S+#comment-\d+", mail.outbox[0].body).group(0)

    # When Wealden's officer signs in, sees the notification and opens it
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer@wealden.example")
    page.get_by_role("link", name="Notifications (1)").click()
    expect(page.get_by_role("heading", name=re.compile("asked a question on your council's pilot"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Open and mark as read")).click()
    assert page.url.endswith(link.split("/pilots/", 1)[1])

    # And answers it
    page.get_by_text("Answer this question").click()
    page.get_by_label("Your reply").fill(ANSWER)
    page.get_by_role("button", name="Post answer").click()

    # Then the answer shows, marked as from the pilot's team, and the notification is read
    expect(page.get_by_text("Reply posted.")).to_be_visible()
    expect(page.get_by_text("Answer from the pilot's team")).to_be_visible()
    expect(page.get_by_text("same wording")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)

    # And the asker sees the answer in their notifications
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer@leeds.example")
    page.get_by_role("link", name="Notifications (1)").click()
    expect(page.get_by_role("heading", name=re.compile("answered your question"))).to_be_visible()
    assert_accessible(page)


def test_email_choices_follows_history_and_unsubscribe_pages_are_accessible(
        page, wealden, wealden_officer, leeds_officer):
    from pilotbook.discussion import mail as discussion_mail
    from pilotbook.discussion import services

    # Given a published pilot with an edited comment from Leeds
    pilot = make_pilot(wealden, wealden_officer, status=Status.PUBLISHED, title="Clearer arrears letter")
    comment = services.comment_post(target=pilot, author=leeds_officer, body="First *thought*")
    services.comment_edit(comment=comment, user=leeds_officer, body="Second *thought*")

    # When the Leeds officer chooses a daily digest
    sign_in(page, "officer@leeds.example")
    page.goto("/notifications/email/")
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    assert_accessible(page)

    # And follows a service area
    page.goto("/discussion/following/")
    page.get_by_role("button", name="Follow Housing and homelessness").click()
    expect(page.get_by_role("button", name="Stop following Housing and homelessness").first).to_be_visible()
    assert_accessible(page)

    # And looks at the earlier versions of their comment
    page.goto(pilot.get_absolute_url())
    page.get_by_role("link", name=re.compile("Earlier versions")).click()
    expect(page.get_by_text("First thought")).to_be_visible()
    assert_accessible(page)

    # Then an unsubscribe link works signed out
    page.get_by_role("button", name="Sign out").click()
    page.goto("/unsubscribe/" + discussion_mail.unsubscribe_token(leeds_officer, "digest") + "/")
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert_accessible(page)
