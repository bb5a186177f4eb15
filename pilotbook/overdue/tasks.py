"""Background jobs for overdue results (ADR 0004). `queue_reminders` runs daily from
settings.PILOTBOOK_PERIODIC_TASKS and queues one `send_reminder` job per reminder that has come due."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from pilotbook.jobs.outbox import send_once

from . import services
from .models import Correction, Flag


def _link(path: str) -> str:
    return settings.PILOTBOOK_SITE_URL.rstrip("/") + path


@task()
def queue_reminders() -> int:
    """Queue every reminder email whose day has come; returns how many were queued."""
    return len(services.reminders_queue())


SUBJECTS = {
    "before": "Results for \u201c{title}\u201d are due in 14 days",
    "due": "Results for \u201c{title}\u201d are due today",
    "after": "Results for \u201c{title}\u201d are overdue",
}


def _send_reminder_email(reminder, recipients: list[str]) -> None:
    pilot = reminder.pilot
    context = {
        "pilot": pilot,
        "reminder": reminder,
        "days_overdue": (timezone.localdate() - reminder.due_date).days,
        "pilot_link": _link(pilot.get_absolute_url()),
        "entry_link": _link(reverse("overdue-entry", args=[pilot.pk])),
    }
    send_once(f"overdue.reminder={reminder.pk}",
              EmailMessage(subject=SUBJECTS[reminder.kind].format(title=pilot.title),
                           body=render_to_string("overdue/email/reminder.txt", context), to=recipients))


@task()
def send_reminder(reminder_id: int) -> str:
    reminder = services.reminder_send(reminder_id, _send_reminder_email)
    return "sent" if reminder.sent_at else f"skipped: {reminder.skipped}"


@task()
def send_outcome(correction_id: int | None, flag_id: int | None) -> list[str]:
    """Tell the council the outcome of a moderator's review: the person who flagged the entry and the
    pilot's owner (or the council's admins)."""
    correction = Correction.objects.select_related("pilot__council", "made_by").get(pk=correction_id) \
        if correction_id else None
    flag = Flag.objects.select_related("pilot__council", "raised_by").get(pk=flag_id) if flag_id else None
    pilot = correction.pilot if correction else flag.pilot
    recipients = services.owner_emails(pilot)
    if flag and flag.raised_by and flag.raised_by.is_active and flag.raised_by.email not in recipients:
        recipients.append(flag.raised_by.email)
    if not recipients:
        return []
    context = {"pilot": pilot, "correction": correction, "flag": flag,
               "entry_link": _link(reverse("overdue-entry", args=[pilot.pk]))}
    if correction:
        subject = "The overdue record for \u201c{title}\u201d has been corrected"
    else:
        subject = "Your flag on \u201c{title}\u201d has been reviewed"
    # Keyed by what was decided, so a run repeated after its worker died does not tell them twice.
    key = f"overdue.outcome:correction={correction.pk}" if correction else f"overdue.outcome:flag={flag.pk}"
    send_once(key, EmailMessage(subject=subject.format(title=pilot.title),
                                body=render_to_string("overdue/email/outcome.txt", context), to=recipients))
    return recipients
