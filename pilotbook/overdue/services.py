"""Writes for chasing overdue results: flags, moderators' corrections and reminders.

Each runs in one transaction and locks the rows it changes (sending a reminder checks it in one, then sends).
Emails are queued as background jobs in the same transaction (ADR 0004), so an email is sent only if the change
it reports was saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pilotbook.councils.models import Membership, Reader, Role, User
from pilotbook.pilots.models import Pilot

from .models import Correction, Flag, Reminder, ReportedElsewhere
from .selectors import CHASED_STATUSES, REMINDER_OFFSET, is_overdue


class OverdueError(ValidationError):
    """A request the record's current state does not allow; the message is for the person."""


def _locked(pilot: Pilot) -> Pilot:
    return Pilot.objects.select_for_update().get(pk=pilot.pk)


def owner_emails(pilot: Pilot) -> list[str]:
    """Who is told about a pilot: its creator while they are still an active member of its council,
    otherwise the council's admins."""
    creator = pilot.created_by
    if creator is not None and creator.is_active and creator.memberships.filter(council_id=pilot.council_id).exists():
        return [creator.email]
    admins = Membership.objects.filter(council_id=pilot.council_id, role=Role.ADMIN, user__is_active=True)
    return sorted(admins.values_list("user__email", flat=True))


def _require_after_end(pilot: Pilot, due: dt.date) -> None:
    """Results fall due after a pilot ends, never before (the end date itself is allowed)."""
    if pilot.end_date and due < pilot.end_date:
        raise OverdueError(_("The date results are due must be on or after the pilot's end date, %(end)s. If the "
                             "pilot ended on another date, say so in the reason.")
                           % {"end": date_format(pilot.end_date, "j F Y")})


@transaction.atomic
def flag_raise(*, pilot: Pilot, user: User, kind: str, reason: str, link: str = "",
               proposed_due_date: dt.date | None = None) -> Flag:
    """A member of the pilot's council says its overdue entry is wrong."""
    pilot = _locked(pilot)
    if not pilot.can_change(user):
        raise PermissionDenied("Only members of the council that owns this pilot can flag its entry.")
    if kind not in Flag.Kind.values:
        raise OverdueError(_("Choose what is wrong."))
    if not reason.strip():
        raise OverdueError(_("Explain what is wrong."))
    if not is_overdue(pilot):
        raise OverdueError(_("This pilot is not on the overdue list, so there is nothing to flag."))
    if proposed_due_date is not None:
        _require_after_end(pilot, proposed_due_date)
        if kind == Flag.Kind.END_DATE_MOVED and proposed_due_date <= timezone.localdate():
            raise OverdueError(_("If the end date moved, the results are due on a date still to come: give a "
                                 "date after today."))
    if Flag.objects.filter(pilot=pilot, state=Flag.State.OPEN).exists():
        raise OverdueError(_("This entry has already been flagged. A moderator will review it."))
    return Flag.objects.create(pilot=pilot, raised_by=user, kind=kind, reason=reason.strip(), link=link.strip(),
                               proposed_due_date=proposed_due_date)


def _require_moderator(user: Reader) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise PermissionDenied("Only platform moderators correct the overdue record.")


def _resolve(flag: Flag, pilot: Pilot, moderator: User, state: str, reason: str) -> Flag:
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.pilot_id != pilot.pk:
        raise ValueError("The flag is about another pilot.")
    if flag.state != Flag.State.OPEN:
        raise OverdueError(_("This flag has already been reviewed."))
    flag.state, flag.resolved_by, flag.resolved_at, flag.outcome = state, moderator, timezone.now(), reason
    flag.save(update_fields=["state", "resolved_by", "resolved_at", "outcome"])
    return flag


@transaction.atomic
def record_correct(*, pilot: Pilot, moderator: User, action: str, reason: str, flag: Flag | None = None,
                   new_due_date: dt.date | None = None, url: str = "", reported_on: dt.date | None = None
                   ) -> Correction:
    """A moderator corrects a pilot's overdue record, logged with who, when, what changed and why, and the
    council is told. ``due_date`` sets a new results due date; ``reported_elsewhere`` records where and when
    the results were reported, which takes the pilot off the list."""
    _require_moderator(moderator)
    reason = reason.strip()
    if not reason:
        raise OverdueError(_("Enter the reason for the correction."))
    pilot = _locked(pilot)
    today = timezone.localdate()
    changes: dict[str, dict[str, object]]  # what changed, old and new, as JSON
    if action == Correction.Action.DUE_DATE:
        if new_due_date is None:
            raise OverdueError(_("Enter the new date results are due."))
        if new_due_date == pilot.results_due_date:
            raise OverdueError(_("That is already the date results are due."))
        _require_after_end(pilot, new_due_date)
        changes = {"results_due_date": {"old": pilot.results_due_date.isoformat() if pilot.results_due_date else None,
                                        "new": new_due_date.isoformat()}}
        pilot.results_due_date = new_due_date
        pilot.save(update_fields=["results_due_date", "updated_at"])
    elif action == Correction.Action.REPORTED_ELSEWHERE:
        if not url.strip():
            raise OverdueError(_("Enter the link to where the results were reported."))
        reported_on = reported_on or today
        if reported_on > today:
            raise OverdueError(_("The date the results were reported must be today or in the past."))
        if pilot.start_date and reported_on < pilot.start_date:
            raise OverdueError(_("The date the results were reported cannot be before the pilot started, "
                                 "%(start)s.") % {"start": date_format(pilot.start_date, "j F Y")})
        if ReportedElsewhere.objects.filter(pilot=pilot).exists():
            raise OverdueError(_("This pilot is already marked as reported elsewhere."))
        if pilot.status not in CHASED_STATUSES:
            raise OverdueError(_("Only a registered or running pilot can be marked as reported elsewhere."))
        ReportedElsewhere.objects.create(pilot=pilot, url=url.strip(), reported_on=reported_on, marked_by=moderator)
        new = {"url": url.strip(), "reported_on": reported_on.isoformat()}
        changes = {"reported_elsewhere": {"old": None, "new": new}}
    else:
        raise ValueError(action)
    flag = _resolve(flag, pilot, moderator, Flag.State.CORRECTED, reason) if flag is not None else None
    correction = Correction.objects.create(pilot=pilot, flag=flag, action=action, changes=changes, reason=reason,
                                           made_by=moderator)
    from .tasks import send_outcome

    send_outcome.enqueue(correction_id=correction.pk, flag_id=flag.pk if flag else None)
    return correction


@transaction.atomic
def flag_reject(*, flag: Flag, moderator: User, reason: str) -> Flag:
    """A moderator finds the entry was right; the council is told why."""
    _require_moderator(moderator)
    if not reason.strip():
        raise OverdueError(_("Enter the reason for leaving the record as it is."))
    pilot = _locked(flag.pilot)
    flag = _resolve(flag, pilot, moderator, Flag.State.REJECTED, reason.strip())
    from .tasks import send_outcome

    send_outcome.enqueue(correction_id=None, flag_id=flag.pk)
    return flag


def reminders_due(today: dt.date) -> list[tuple[Pilot, str]]:
    """(pilot, kind) for every reminder whose day has come and which has not been queued for this due date.

    - 14 days before: from 14 days before the due date until the day before it;
    - on the due date: from the due date until 13 days after it (a missed day is caught up);
    - 14 days after: from 14 days after the due date, while the pilot is still overdue.
    Only registered or running pilots not marked as reported elsewhere are reminded.
    """
    pilots = (Pilot.objects.filter(status__in=CHASED_STATUSES, reported_elsewhere__isnull=True,
                                   results_due_date__lte=today + REMINDER_OFFSET)
              .select_related("council", "created_by"))
    sent = set(Reminder.objects.filter(pilot__in=pilots).values_list("pilot_id", "kind", "due_date"))
    due: list[tuple[Pilot, str]] = []
    for pilot in pilots:
        assert pilot.results_due_date is not None  # the filter above asks for a due date
        gap = (pilot.results_due_date - today).days
        if gap > 0:
            kind = Reminder.Kind.BEFORE
        elif gap > -REMINDER_OFFSET.days:
            kind = Reminder.Kind.DUE
        else:
            kind = Reminder.Kind.AFTER
        if (pilot.pk, kind, pilot.results_due_date) not in sent:
            due.append((pilot, kind))
    return due


def reminders_queue(today: dt.date | None = None) -> list[Reminder]:
    """Claim each due reminder by creating its row and queue one email job for it, in one transaction per
    reminder. A reminder already claimed (by an earlier run or another worker) is skipped."""
    from .tasks import send_reminder

    today = today or timezone.localdate()
    queued = []
    for pilot, kind in reminders_due(today):
        assert pilot.results_due_date is not None  # reminders_due gives only pilots with a due date
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(pilot=pilot, kind=kind, due_date=pilot.results_due_date)
            if created:
                send_reminder.enqueue(reminder.pk)
                queued.append(reminder)
    return queued


def reminder_send(reminder_id: int, send: Callable[[Reminder, list[str]], None]) -> Reminder:
    """Send one claimed reminder once: skipped if already sent or no longer needed.

    ``send(reminder, recipients)`` does the sending (pilotbook.overdue.tasks) and must itself send at most once
    (pilotbook.jobs.outbox): it runs after the transaction that checks the reminder, so no row lock is held
    while the mail server answers, and a job run again after its worker died may call it again."""
    with transaction.atomic():
        reminder = (Reminder.objects.select_for_update(of=("self",)).select_related("pilot__council")
                    .get(pk=reminder_id))
        if reminder.sent_at or reminder.skipped:
            return reminder
        pilot = reminder.pilot
        recipients: list[str] = []
        if pilot.status not in CHASED_STATUSES or hasattr(pilot, "reported_elsewhere"):
            reminder.skipped = "Results no longer outstanding"
        elif pilot.results_due_date != reminder.due_date:
            reminder.skipped = "The due date changed"
        else:
            recipients = owner_emails(pilot)
            if not recipients:
                reminder.skipped = "Nobody at the council to send to"
        if reminder.skipped:
            reminder.save(update_fields=["skipped"])
            return reminder
    send(reminder, recipients)
    reminder.recipients, reminder.sent_at = recipients, timezone.now()
    reminder.save(update_fields=["recipients", "sent_at"])
    return reminder
