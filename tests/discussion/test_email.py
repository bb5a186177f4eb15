"""Discussion email: the immediate email for a question on your council's pilot (sent by the worker), digests
holding only what you follow, only since the last one and only what you may see, and unsubscribe links."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox
from django.core import signing
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilotbook.discussion import mail, services
from pilotbook.discussion.models import EmailPreference, Notification
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.choices import Status, Visibility
from tests.factories import make_pilot

LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                           PILOTBOOK_SITE_URL="https://pilotbook.example")
DIGEST_ONLY = {"digests": {"task": "pilotbook.discussion.tasks.send_due_digests", "every": 3600}}


def unsubscribe_path(message) -> str:
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    return urlsplit(link).path


# The worker closes its database connection between jobs, so these tests commit for real (tests/test_jobs.py).
@pytest.mark.django_db(transaction=True)
@LOCMEM
@override_settings(PILOTBOOK_PERIODIC_TASKS={})
def test_a_question_on_your_councils_pilot_is_emailed_at_once_by_the_worker(
        published_pilot, officer, champion, other_officer):
    question = services.comment_post(target=published_pilot, author=other_officer, kind="question",
                                     body="How did you *measure* contact?")
    assert outbox.outbox == []  # queued, not sent inside the request
    call_command("worker", batch=True)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert sorted(m.to[0] for m in outbox.outbox) == [champion.email, officer.email]
    message = next(m for m in outbox.outbox if m.to == [officer.email])
    assert "Clearer arrears letter" in message.subject
    assert "How did you measure contact?" in message.body  # plain text: the Markdown marks are gone
    assert f"https://pilotbook.example/pilots/{published_pilot.pk}/#comment-{question.pk}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "How did you <em>measure</em> contact?" in html  # rendered as on the page
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    # Running the worker again sends nothing twice.
    call_command("worker", batch=True)
    assert len(outbox.outbox) == 2


@pytest.mark.django_db(transaction=True)
@LOCMEM
@override_settings(PILOTBOOK_PERIODIC_TASKS=DIGEST_ONLY)
def test_the_periodic_job_sends_a_due_digest_with_what_you_follow(published_pilot, officer, other_officer):
    services.follow_add(user=other_officer, subject="pilot", value=str(published_pilot.pk))
    services.comment_post(target=published_pilot, author=officer, body="We have added the letter text.")
    call_command("worker", batch=True)
    digest = [m for m in outbox.outbox if m.to == [other_officer.email]]
    assert len(digest) == 1
    assert "We have added the letter text." in digest[0].body
    assert EmailPreference.objects.get(user=other_officer).last_digest_at is not None


@LOCMEM
def test_a_comment_is_not_emailed_at_once_and_a_question_you_opted_out_of_goes_to_your_digest(
        published_pilot, officer, other_officer):
    services.preference_update(user=officer, question_emails=False, digest="daily")
    question = services.comment_post(target=published_pilot, author=other_officer, kind="question", body="Why?")
    assert mail.email_question(question.pk) == 0
    content = mail.digest_content(officer, since=timezone.now() - timedelta(days=1), until=timezone.now())
    assert [n.comment for n in content["notifications"]] == [question]


@pytest.fixture
def follower(other_officer):
    services.preference_update(user=other_officer, question_emails=True, digest="daily")
    return other_officer


def test_a_digest_holds_only_followed_things_since_the_last_digest(home_council, officer, follower):
    followed = make_pilot(home_council, officer, status=Status.PUBLISHED, title="Followed letter")
    unfollowed = make_pilot(home_council, officer, status=Status.PUBLISHED, title="Unfollowed bins",
                            service_area="waste", intervention_type="process_redesign")
    services.follow_add(user=follower, subject="pilot", value=str(followed.pk))
    old = services.comment_post(target=followed, author=officer, body="Old news")
    Notification.objects.filter(comment=old).update(created_at=timezone.now() - timedelta(days=3))
    services.comment_post(target=unfollowed, author=officer, body="Not yours to hear")
    services.comment_post(target=followed, author=officer, body="Fresh news")
    EmailPreference.objects.filter(user=follower).update(last_digest_at=timezone.now() - timedelta(days=2))
    with LOCMEM:
        assert mail.send_digest(follower)
        body = outbox.outbox[-1].body
    assert "Fresh news" in body
    assert "Old news" not in body and "Not yours to hear" not in body and "Unfollowed bins" not in body
    # Sent once: a second digest straight away has nothing new to say.
    with LOCMEM:
        assert not mail.send_digest(follower)


MARKDOWN = ("Could you send the **large-print** version? <script>alert('x')</script> "
            "[Our letters](https://example.org/letters) & [the pilot](/pilots/1/)\n\n- one\n- two")


@pytest.mark.parametrize("kind", ["question", "comment"])
def test_emails_render_a_comment_as_its_page_does_html_safely_and_text_readably(
        published_pilot, officer, follower, kind):
    services.follow_add(user=follower, subject="pilot", value=str(published_pilot.pk))
    comment = services.comment_post(target=published_pilot, author=follower, kind=kind, body=MARKDOWN)
    recipient = officer if kind == "question" else follower
    with LOCMEM:
        if kind == "question":
            assert mail.email_question(comment.pk) == 1
        else:
            services.comment_post(target=published_pilot, author=officer, body=MARKDOWN)
            assert mail.send_digest(follower)
        message = outbox.outbox[-1]
    assert message.to == [recipient.email]
    text, (html, _mimetype) = message.body, message.alternatives[0]
    # Text: Markdown stripped, nothing escaped, links written out in full.
    assert ("Could you send the large-print version? Our letters (https://example.org/letters) & the pilot "
            "(https://pilotbook.example/pilots/1/)") in text
    assert "- one\n- two" in text
    for raw in ("**", "&amp;", "&lt;", "<script", "alert("):
        assert raw not in text
    # HTML: rendered and sanitised as on the comment's page, links absolute.
    assert "Could you send the <strong>large-print</strong> version?" in html
    assert '<a href="https://example.org/letters" class="govuk-link" rel="nofollow noopener noreferrer">' in html
    assert 'href="https://pilotbook.example/pilots/1/"' in html and "<li>one</li>" in html
    assert "<script" not in html and "alert(" not in html and "**" not in html and "&amp;lt;" not in html


def test_the_notifications_page_renders_comments_as_their_page_does(client, published_pilot, officer, follower):
    services.comment_post(target=published_pilot, author=follower, kind="question", body=MARKDOWN)
    client.force_login(officer)
    page = client.get(reverse("discussion-notifications")).content.decode()
    text = page.split('data-testid="notification-text">', 1)[1].split("</div>", 1)[0]
    assert "<strong>large-print</strong>" in text and "**" not in text and "&lt;script" not in text
    assert "<script" not in text and '<a href="https://example.org/letters"' in text


def test_a_long_comment_is_cut_short_with_its_markup_closed():
    from pilotbook.discussion.markdown import excerpt_html, to_text

    body = "**" + " ".join(["word"] * 100) + "** end"
    html = excerpt_html(body, 50)
    assert html.count("<strong>") == html.count("</strong>") == 1 and html.endswith("</p>") and "…" in html
    assert to_text(body, 50).endswith("…") and "**" not in to_text(body, 50)


def test_a_digest_sent_by_a_worker_that_died_before_recording_it_is_not_sent_again(
        published_pilot, officer, follower):
    services.follow_add(user=follower, subject="pilot", value=str(published_pilot.pk))
    services.comment_post(target=published_pilot, author=officer, body="News")
    with LOCMEM:
        assert mail.send_digest(follower)
        # The worker died after the email left and before the digest was recorded; the job runs again.
        EmailPreference.objects.filter(user=follower).update(last_digest_at=None)
        Notification.objects.filter(recipient=follower).update(emailed_at=None)
        assert not mail.send_digest(follower)
        assert len(outbox.outbox) == 1
    assert EmailPreference.objects.get(user=follower).last_digest_at is not None  # recorded this time
    assert not Notification.objects.filter(recipient=follower, emailed_at__isnull=True).exists()


def test_a_follower_from_another_council_never_gets_a_draft_or_a_withheld_council(
        home_council, officer, follower):
    services.follow_add(user=follower, subject="service_area", value="housing")
    services.follow_add(user=follower, subject="council", value=home_council.code)
    since = timezone.now() - timedelta(hours=1)
    draft = make_pilot(home_council, officer, status=Status.DRAFT, title="Secret draft letter")
    draft.registered_at = timezone.now()  # even a stray timestamp must not leak a draft
    draft.save(update_fields=["registered_at"])
    make_pilot(home_council, officer, status=Status.REGISTERED, title="Registered letter")
    withheld = make_pilot(home_council, officer, status=Status.RESULTS_RECORDED, title="Withheld waste pilot",
                          service_area="waste", intervention_type="process_redesign")
    pilot_services.pilot_publish(pilot=withheld, user=officer, lessons={
        "lessons_aim": "a", "lessons_happened": "b", "lessons_why": "c", "lessons_differently": "d"},
        visibility=Visibility.PUBLIC_ANONYMOUS)
    news = mail.followed_pilot_news(follower, since=since, until=timezone.now())
    assert [n["title"] for n in news] == ["Registered letter"]
    assert news[0]["council"] == "Homeshire"


def test_a_digest_skips_a_comment_hidden_by_a_moderator(published_pilot, officer, follower, moderator):
    services.follow_add(user=follower, subject="pilot", value=str(published_pilot.pk))
    comment = services.comment_post(target=published_pilot, author=officer, body="Rude remark")
    services.comment_hide(comment=comment, moderator=moderator, reason="Rude")
    content = mail.digest_content(follower, since=timezone.now() - timedelta(days=1), until=timezone.now())
    assert content["notifications"] == []


def test_digests_are_due_daily_or_weekly_as_each_person_chose(officer):
    now = timezone.now()
    preference = services.preference_update(user=officer, question_emails=True, digest="weekly")
    preference.last_digest_at = now - timedelta(days=2)
    assert not mail.digest_due(preference, now)
    preference.digest = "daily"
    assert mail.digest_due(preference, now)
    preference.digest = "off"
    assert not mail.digest_due(preference, now)


@LOCMEM
def test_the_unsubscribe_link_works_without_signing_in(client, published_pilot, officer, follower):
    services.follow_add(user=follower, subject="pilot", value=str(published_pilot.pk))
    services.comment_post(target=published_pilot, author=officer, body="News")
    assert mail.send_digest(follower)
    path = unsubscribe_path(outbox.outbox[-1])
    page = client.get(path)
    assert page.status_code == 200 and "Stop your Pilotbook digest" in page.content.decode()
    assert EmailPreference.objects.get(user=follower).digest == "daily"  # a link scanner's GET changes nothing
    # The RFC 8058 one-click POST a mail program sends: no session, no CSRF token.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert EmailPreference.objects.get(user=follower).digest == "off"


def test_the_question_email_unsubscribe_stops_only_question_emails(client, officer):
    path = reverse("discussion-unsubscribe", args=[mail.unsubscribe_token(officer, "questions")])
    client.post(path)
    preference = EmailPreference.objects.get(user=officer)
    assert (preference.question_emails, preference.digest) == (False, "weekly")


def point_at(token: str, user) -> str:
    """The same token with its payload changed to name someone else, keeping the old signature."""
    payload, signature = token.split(":", 1)  # signature: timestamp and MAC
    data = json.loads(signing.b64_decode(payload.encode()))
    data["u"] = user.pk
    return signing.b64_encode(json.dumps(data, separators=(",", ":")).encode()).decode() + ":" + signature


@pytest.mark.parametrize("tamper", ["signature", "payload", "made_up"])
def test_a_tampered_unsubscribe_token_is_refused(client, officer, other_officer, tamper):
    token = mail.unsubscribe_token(officer, "digest")
    bad = {
        "signature": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "payload": point_at(token, other_officer),
        "made_up": "made-up-token",
    }[tamper]
    assert bad != token
    response = client.post(reverse("discussion-unsubscribe", args=[bad]))
    assert response.status_code == 400
    assert not EmailPreference.objects.filter(digest="off").exists()


def test_a_token_signed_for_another_purpose_is_refused(client, officer, other_officer):
    forged = signing.dumps({"u": other_officer.pk, "m": "digest"}, salt="some-other-salt")
    assert client.post(reverse("discussion-unsubscribe", args=[forged])).status_code == 400
