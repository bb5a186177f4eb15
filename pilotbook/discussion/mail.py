"""Discussion email: the immediate email for a question on your council's pilot, the daily or weekly digest,
and the signed one-click unsubscribe link each of them carries.

Everything goes through Django's email backend (console in development, SMTP or a provider in production).
The digest is built at sending time from what the person may see then, so a pilot made private, a hidden
comment or a draft never reaches an inbox.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pilotbook.councils.models import Council, User
from pilotbook.jobs.outbox import send_once
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from . import markdown, presenters, targets
from .models import EmailPreference, Follow, Notification
from .services import preference_for

UNSUBSCRIBE_SALT = "pilotbook.discussion.unsubscribe"
MAILINGS = {"questions", "digest"}
DIGEST_PERIODS = {EmailPreference.Digest.DAILY: timedelta(days=1), EmailPreference.Digest.WEEKLY: timedelta(days=7)}
# The hourly job drifts by a few minutes; without slack a daily digest would slip an hour each day.
DUE_SLACK = timedelta(minutes=30)


# Unsubscribe links: signed, never expiring (an old email's link must still work), no sign-in needed.
def unsubscribe_token(user: User, mailing: str) -> str:
    return signing.dumps({"u": user.pk, "m": mailing}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The person and mailing a token names; raises signing.BadSignature if it was altered or made up."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if data.get("m") not in MAILINGS:
        raise signing.BadSignature("Unknown mailing")
    try:
        return User.objects.get(pk=data["u"]), data["m"]
    except (User.DoesNotExist, KeyError, TypeError):
        raise signing.BadSignature("Unknown person") from None


def absolute(path: str) -> str:
    return settings.PILOTBOOK_SITE_URL.rstrip("/") + path


def unsubscribe_url(user: User, mailing: str) -> str:
    return absolute(reverse("discussion-unsubscribe", args=[unsubscribe_token(user, mailing)]))


def _send(user: User, *, key: str, subject: str, template: str, context: dict, mailing: str) -> bool:
    """Send one email to `user` unless the email named `key` was sent already (pilotbook.jobs.outbox)."""
    link = unsubscribe_url(user, mailing)
    context = {**context, "user": user, "unsubscribe_url": link,
               "preferences_url": absolute(reverse("discussion-preferences"))}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"discussion/email/{template}.txt", context),
        to=[user.email],
        # RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs here, no sign-in needed.
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(render_to_string(f"discussion/email/{template}.html", context), "text/html")
    return send_once(key, message)


EXCERPT_LENGTH = 300


def notification_item(notification: Notification, viewer: User) -> dict:
    """One notification as an email shows it; the comment as its page renders it (pilotbook.discussion.markdown):
    `excerpt` as plain text for the text part, `excerpt_html` as sanitised HTML for the HTML part."""
    comment = notification.comment
    target = comment.target
    site = settings.PILOTBOOK_SITE_URL
    return {
        "who": presenters.author_label(comment, viewer, target),
        "what": notification.get_reason_display(),
        "title": targets.for_object(target).title(target),
        "excerpt": markdown.to_text(comment.body, EXCERPT_LENGTH, site=site),
        "excerpt_html": markdown.excerpt_html(comment.body, EXCERPT_LENGTH, site=site),
        "url": absolute(f"{target.get_absolute_url()}#comment-{comment.pk}"),
    }


# The immediate email.
def email_question(comment_id: int) -> int:
    """Email each of the pilot's team who wants it about a new question; returns how many were sent.

    Run again (its worker died), it sends only to those not emailed yet: each email is keyed by its
    notification."""
    pending = (Notification.objects
               .filter(comment_id=comment_id, reason=Notification.Reason.QUESTION_ON_YOUR_PILOT,
                       emailed_at__isnull=True, comment__hidden_at__isnull=True)
               .select_related("recipient", "comment__author"))
    sent = 0
    for notification in pending:
        user = notification.recipient
        if not preference_for(user).question_emails or not targets.user_may_see(user, notification.comment.target):
            continue  # left for their digest, or no longer theirs to see
        item = notification_item(notification, user)
        if _send(user, key=f"discussion.question:notification={notification.pk}",
                 subject=f"Question on your pilot: {item['title']}", template="question",
                 context={"item": item}, mailing="questions"):
            sent += 1
        notification.emailed_at = timezone.now()  # also when an earlier run sent it: it is not for the digest
        notification.save(update_fields=["emailed_at"])
    return sent


# The digest.
def digest_content(user: User, *, since, until) -> dict:
    """What one person's digest holds: discussion notifications not yet emailed, and pilots they follow (by
    pilot, service area, intervention type or council) registered or published in the window, each only if
    the person may see it now."""
    notifications = [
        n for n in Notification.objects
        .filter(recipient=user, emailed_at__isnull=True, created_at__gt=since, created_at__lte=until,
                comment__hidden_at__isnull=True)
        .select_related("comment__author", "comment__target_type").order_by("created_at")
        if targets.user_may_see(user, n.comment.target)
    ]
    return {"notifications": notifications, "pilots": followed_pilot_news(user, since=since, until=until)}


def followed_pilot_news(user: User, *, since, until) -> list[dict]:
    follows = list(Follow.objects.filter(user=user).values_list("subject", "value"))
    by_subject: dict[str, list[str]] = {}
    for subject, value in follows:
        by_subject.setdefault(subject, []).append(value)
    if not by_subject:
        return []
    registered = Q(registered_at__gt=since, registered_at__lte=until)
    published = Q(status=Status.PUBLISHED, published_at__gt=since, published_at__lte=until)
    base = Pilot.objects.visible_to(user).exclude(status=Status.DRAFT).filter(registered | published)
    matches = Q(pk__in=[int(v) for v in by_subject.get("pilot", []) if v.isdigit()])
    matches |= Q(service_area__in=by_subject.get("service_area", []))
    matches |= Q(intervention_type__in=by_subject.get("intervention_type", []))
    ids = set(base.filter(matches).values_list("pk", flat=True))
    # Following a council must not reveal which pilots are its name-withheld ones.
    ids |= set(base.identifiable_by(user).of_councils(Council.objects.filter(pk__in=by_subject.get("council", [])))
               .values_list("pk", flat=True))
    news = []
    for pilot in (Pilot.objects.filter(pk__in=ids).select_related("council").prefetch_related("joint_councils")
                  .order_by("title")):
        was_published = pilot.status == Status.PUBLISHED and pilot.published_at and since < pilot.published_at <= until
        news.append({
            "title": pilot.title,
            "council": pilot.ran_by() if pilot.council_shown_to(user) else "",
            "event": "published its result" if was_published else "was registered",
            "url": absolute(pilot.get_absolute_url()),
        })
    return news


def digest_due(preference: EmailPreference, now) -> bool:
    period = DIGEST_PERIODS.get(preference.digest)
    if period is None:
        return False
    return preference.last_digest_at is None or preference.last_digest_at <= now - period + DUE_SLACK


def send_digest(user: User, *, now=None) -> bool:
    """Send this person's digest if anything happened since the last one; returns whether one was sent.

    The email is keyed by the person and the last digest's time, so a run repeated before this one was
    recorded (its worker died, or two workers ran the hourly job) does not send it again."""
    now = now or timezone.now()
    preference = preference_for(user)
    period = DIGEST_PERIODS.get(preference.digest)
    if period is None:
        return False
    since = preference.last_digest_at or now - period
    content = digest_content(user, since=since, until=now)
    if not content["notifications"] and not content["pilots"]:
        return False  # nothing to say; the next digest still covers everything since the last one sent
    context = {"items": [notification_item(n, user) for n in content["notifications"]],
               "pilots": content["pilots"], "frequency": preference.get_digest_display().lower()}
    previous = preference.last_digest_at.isoformat() if preference.last_digest_at else "none"
    sent = _send(user, key=f"discussion.digest:user={user.pk}:after={previous}",
                 subject=f"Your {context['frequency']} Pilotbook digest", template="digest", context=context,
                 mailing="digest")
    Notification.objects.filter(pk__in=[n.pk for n in content["notifications"]]).update(emailed_at=now)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at", "updated_at"])
    return sent


def send_due_digests(now=None) -> int:
    """Send every digest that is due; returns how many went out."""
    now = now or timezone.now()
    candidates = User.objects.filter(is_active=True).filter(
        Q(follows__isnull=False) | Q(notifications__emailed_at__isnull=True)
    ).exclude(email_preference__digest=EmailPreference.Digest.OFF).distinct()
    sent = 0
    for user in candidates:
        if digest_due(preference_for(user), now) and send_digest(user, now=now):
            sent += 1
    return sent
