"""Every write in the discussion app: posting, replying, editing, reporting, moderating, following,
notifications and email preferences. Views check access (pilotbook.discussion.access) and call these."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone

from pilotbook.councils.models import User

from . import targets
from .models import (
    Comment,
    CommentVersion,
    EmailPreference,
    Follow,
    Kind,
    ModerationAction,
    Notification,
    Report,
)


class DiscussionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def comment_post(*, target: Model, author: User, body: str, kind: str = Kind.COMMENT, parent: Comment | None = None
                 ) -> Comment:
    """Post a comment or question on a target, or a reply to one; notify whoever should hear of it."""
    target_type = targets.for_object(target)
    if not target_type.is_open(target):
        raise DiscussionError("This is not open for discussion.")
    if parent is not None:
        if parent.parent_id is not None or parent.target != target:
            raise DiscussionError("Replies go under a top-level comment on the same page.")
        kind = Kind.COMMENT
    team_council = target_type.team_council_id(target)
    comment = Comment.objects.create(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, parent=parent, kind=kind,
        author=author, body=body.strip(),
        from_team=bool(team_council) and author.memberships.filter(council_id=team_council).exists(),
    )
    _notify(comment, target, target_type)
    return comment


def _notify(comment: Comment, target: Model, target_type: targets.TargetType) -> None:
    """One notification per person who should hear, whom the target is visible to, never the author."""
    from .tasks import email_question_to_team  # the task module imports this one

    reasons: dict[int, str] = {}
    for_follow = Q()
    for subject, value in target_type.follow_keys(target):
        for_follow |= Q(subject=subject, value=value)
    # No follow keys (materials, pooled groups) means no followers: an empty Q() would match every follow.
    followers = Follow.objects.filter(for_follow) if for_follow else Follow.objects.none()
    for user_id in followers.values_list("user_id", flat=True):
        reasons[user_id] = Notification.Reason.FOLLOWED
    if comment.parent is not None:
        parent_reason = (Notification.Reason.ANSWER_TO_YOU if comment.parent.kind == Kind.QUESTION
                         else Notification.Reason.REPLY_TO_YOU)
        reasons[comment.parent.author_id] = parent_reason
    team_council = target_type.team_council_id(target)
    if team_council:
        team_reason = (Notification.Reason.QUESTION_ON_YOUR_PILOT if comment.kind == Kind.QUESTION
                       else Notification.Reason.COMMENT_ON_YOUR_PILOT)
        for user_id in User.objects.filter(memberships__council_id=team_council).values_list("pk", flat=True):
            reasons.setdefault(user_id, team_reason)
            if comment.kind == Kind.QUESTION:
                reasons[user_id] = team_reason  # a question to your team beats any other reason
    reasons.pop(comment.author_id, None)
    recipients = User.objects.filter(pk__in=reasons, is_active=True)
    notifications = [
        Notification(recipient=user, comment=comment, reason=reasons[user.pk])
        for user in recipients if targets.user_may_see(user, target)
    ]
    Notification.objects.bulk_create(notifications)
    if any(n.reason == Notification.Reason.QUESTION_ON_YOUR_PILOT for n in notifications):
        # Queued in this transaction (ADR 0004): no question is lost, and none is emailed if posting fails.
        email_question_to_team.enqueue(comment.pk)


@transaction.atomic
def comment_edit(*, comment: Comment, user: User, body: str) -> Comment:
    """Change a comment's text, keeping the previous text as a version."""
    if comment.author_id != user.pk or comment.is_hidden:
        raise DiscussionError("Only the author can change this comment.")
    body = body.strip()
    if body == comment.body:
        return comment
    CommentVersion.objects.create(comment=comment, body=comment.body,
                                  written_at=comment.edited_at or comment.created_at)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_report(*, comment: Comment, user: User, reason: str) -> Report:
    try:
        with transaction.atomic():
            return Report.objects.create(comment=comment, reporter=user, reason=reason.strip())
    except IntegrityError:
        raise DiscussionError("You have already reported this comment.") from None


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    if not moderator.is_moderator:
        raise DiscussionError("Only platform moderators can hide comments.")
    now = timezone.now()
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = now, moderator, reason.strip()
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    ModerationAction.objects.create(comment=comment, moderator=moderator, action=ModerationAction.Action.HIDE,
                                    reason=reason.strip())
    comment.reports.filter(closed_at__isnull=True).update(closed_at=now)
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: User, reason: str) -> Comment:
    if not moderator.is_moderator:
        raise DiscussionError("Only platform moderators can restore comments.")
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    ModerationAction.objects.create(comment=comment, moderator=moderator,
                                    action=ModerationAction.Action.RESTORE, reason=reason.strip())
    comment.reports.filter(closed_at__isnull=True).update(closed_at=timezone.now())
    return comment


def follow_add(*, user: User, subject: str, value: str) -> Follow:
    follow, _created = Follow.objects.get_or_create(user=user, subject=subject, value=value)
    return follow


def follow_remove(*, user: User, subject: str, value: str) -> None:
    Follow.objects.filter(user=user, subject=subject, value=value).delete()


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    marked = unread.update(read_at=timezone.now())
    user.forget_unread_notifications()  # the navigation on this request counts afresh
    return marked


def preference_for(user: User) -> EmailPreference:
    preference, _created = EmailPreference.objects.get_or_create(user=user)
    return preference


def preference_update(*, user: User, question_emails: bool, digest: str) -> EmailPreference:
    preference = preference_for(user)
    preference.question_emails, preference.digest = question_emails, digest
    preference.save(update_fields=["question_emails", "digest", "updated_at"])
    return preference


def unsubscribe(*, user: User, mailing: str) -> EmailPreference:
    """Stop one kind of email ("questions" or "digest"): what an unsubscribe link does."""
    preference = preference_for(user)
    if mailing == "questions":
        preference.question_emails = False
    else:
        preference.digest = EmailPreference.Digest.OFF
    preference.save(update_fields=["question_emails", "digest", "updated_at"])
    return preference
