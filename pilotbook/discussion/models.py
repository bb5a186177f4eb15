"""Peer discussion: comments and questions on shared things (pilots now; pooled groups and materials later),
their edit history, reports and moderation, follows, in-app notifications and email preferences.

A comment points at its target through a content type and id, so any model registered in
pilotbook.discussion.targets can carry the same thread.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    QUESTION = "question", _("Question")


class CommentQuerySet(models.QuerySet["Comment"]):
    def for_target(self, target) -> CommentQuerySet:
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)

    def shown(self) -> CommentQuerySet:
        return self.filter(hidden_at__isnull=True)


class Comment(models.Model):
    """A comment or question on a target, or (with a parent) a reply to one; a reply to a question is an answer."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    # Fixed when posted: whether the author was on the target's own team (e.g. a member of the pilot's
    # council), so "Answer from the pilot's team" stays true to when it was written.
    from_team = models.BooleanField(default=False)
    body = models.TextField(_("text"), help_text=_("Markdown; rendered through pilotbook.discussion.markdown"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on {self.target_type.model} {self.target_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_answer(self) -> bool:
        return self.parent_id is not None and self.parent.kind == Kind.QUESTION

    @property
    def root(self) -> Comment:
        return self.parent or self


class CommentVersion(models.Model):
    """A previous text of an edited comment, kept so moderators and the author can see what changed."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    written_at = models.DateTimeField(help_text="When this text was first shown (posting or the previous edit)")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "replaced_at", "pk"]

    def __str__(self) -> str:
        return f"Earlier text of comment {self.comment_id}"


class Report(models.Model):
    """A signed-in member's report that a comment breaks the rules; closed when a moderator acts on it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("what is wrong with it"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id} by {self.reporter}"


class ModerationAction(models.Model):
    """Who hid or restored a comment, when and why: the moderation log."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation_actions")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} comment {self.comment_id} by {self.moderator}"


class Follow(models.Model):
    """Someone follows a pilot (value: its id), a service area or intervention type (value: the choice) or a
    council (value: its code). What a follow may show is filtered by what the person may see when sent."""

    class Subject(models.TextChoices):
        PILOT = "pilot", _("Pilot")
        SERVICE_AREA = "service_area", _("Service area")
        INTERVENTION_TYPE = "intervention_type", _("Intervention type")
        COUNCIL = "council", _("Council")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    subject = models.CharField(max_length=20, choices=Subject.choices)
    value = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subject", "value"]
        constraints = [models.UniqueConstraint(fields=["user", "subject", "value"], name="follow_once")]
        indexes = [models.Index(fields=["subject", "value"])]

    def __str__(self) -> str:
        return f"{self.user} follows {self.subject} {self.value}"


class Notification(models.Model):
    """Something new for one person, shown in the app; emailed at once (questions to a pilot's team) or in
    their digest. ``emailed_at`` is set once it has gone out by either route, so nothing is sent twice."""

    class Reason(models.TextChoices):
        QUESTION_ON_YOUR_PILOT = "question_on_yours", _("asked a question on your council's pilot")
        COMMENT_ON_YOUR_PILOT = "comment_on_yours", _("commented on your council's pilot")
        ANSWER_TO_YOU = "answer_to_you", _("answered your question")
        REPLY_TO_YOU = "reply_to_you", _("replied to you")
        FOLLOWED = "followed", _("posted on something you follow")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "comment"], name="one_notification_per_comment")]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "emailed_at"])]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.get_reason_display()}"


class EmailPreference(models.Model):
    """How one person wants discussion email: questions on their council's pilots at once, and a digest."""

    class Digest(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("No digest")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    question_emails = models.BooleanField(
        _("Email me at once when someone asks a question on my council's pilot"), default=True)
    digest = models.CharField(_("Digest of everything else"), max_length=10, choices=Digest.choices,
                              default=Digest.WEEKLY)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Email preferences of {self.user}"
