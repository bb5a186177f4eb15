"""Chasing overdue results: flags that an overdue entry is wrong, moderators' logged corrections, the
"reported elsewhere" marker, and a record of every reminder email so none is sent twice.

What "overdue" and "reporting rate" mean is defined once, in pilotbook.overdue.selectors.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pilotbook.pilots.models import Pilot


class ReportedElsewhere(models.Model):
    """A moderator's finding that a pilot's results were reported outside Pilotbook; takes it off the list."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="reported_elsewhere")
    url = models.URLField(_("where the results were reported"), max_length=500)
    reported_on = models.DateField(_("date the results were reported"))
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("results reported elsewhere")
        verbose_name_plural = _("results reported elsewhere")

    def __str__(self) -> str:
        return f"{self.pilot} reported at {self.url}"


class Flag(models.Model):
    """A council member's claim that their pilot's overdue entry is wrong, for a moderator to review."""

    class Kind(models.TextChoices):
        REPORTED_ELSEWHERE = "reported_elsewhere", _("The results were reported elsewhere")
        END_DATE_MOVED = "end_date_moved", _("The end date moved, so the results are not due yet")
        OTHER = "other", _("Something else is wrong")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        CORRECTED = "corrected", _("Record corrected")
        REJECTED = "rejected", _("Record left as it was")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="overdue_flags")
    kind = models.CharField(_("what is wrong"), max_length=30, choices=Kind.choices)
    reason = models.TextField(_("explain what is wrong"))
    link = models.URLField(_("link to the published results"), max_length=500, blank=True)
    proposed_due_date = models.DateField(_("when the results are now due"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("moderator's reason"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["pilot"], condition=Q(state="open"), name="one_open_overdue_flag"),
        ]

    def __str__(self) -> str:
        return f"Flag on {self.pilot}: {self.get_kind_display()}"


class Correction(models.Model):
    """A moderator's change to a pilot's overdue record: who, when, what changed and why. Never edited."""

    class Action(models.TextChoices):
        DUE_DATE = "due_date", _("Changed the date results are due")
        REPORTED_ELSEWHERE = "reported_elsewhere", _("Marked as reported elsewhere")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="overdue_corrections")
    flag = models.OneToOneField(Flag, on_delete=models.SET_NULL, null=True, blank=True, related_name="correction")
    action = models.CharField(max_length=30, choices=Action.choices)
    changes = models.JSONField(help_text="{field: {'old': value, 'new': value}}")
    reason = models.TextField(_("why"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pilot", "made_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} for {self.pilot} ({self.made_at:%Y-%m-%d})"

    def dates(self) -> dict[str, dt.date | None]:
        """The dates the log stores as ISO text, as dates for the page: old and new due dates, reported on."""
        due = self.changes.get("results_due_date") or {}
        elsewhere = (self.changes.get("reported_elsewhere") or {}).get("new") or {}
        as_date = lambda text: dt.date.fromisoformat(text) if text else None  # noqa: E731
        return {"old": as_date(due.get("old")), "new": as_date(due.get("new")),
                "reported_on": as_date(elsewhere.get("reported_on"))}


class Reminder(models.Model):
    """One reminder email about one due date. The unique constraint is what stops a second send: the daily
    job claims a reminder by creating its row, and the email task sends only while ``sent_at`` is empty."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("14 days before the due date")
        DUE = "due", _("On the due date")
        AFTER = "after", _("14 days after the due date")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="overdue_reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    skipped = models.CharField(max_length=200, blank=True, help_text="Why it was not sent, if it was not")

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "kind", "due_date"], name="one_reminder_per_kind_and_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.pilot} (due {self.due_date})"
