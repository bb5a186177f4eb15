"""A person's dashboard: their councils' pilots and what each needs next, and for a moderator the moderation work
waiting (reported comments, overdue flags). It combines pilots, discussion and overdue, so it lives above them
(ADR 0017)."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilotbook.discussion.models import Report
from pilotbook.overdue.selectors import open_flags
from pilotbook.pilots.choices import Status
from pilotbook.pilots.presenters import pilot_row
from pilotbook.web.access import is_moderator, sign_in_required


def moderation_work() -> dict:
    """What waits for a platform moderator, most urgent first: reported comments (they stay on the page until a
    moderator looks) and overdue entries councils have flagged as wrong."""
    return {"reports": Report.objects.filter(closed_at__isnull=True).count(), "flags": open_flags().count()}


@sign_in_required
def dashboard(request):
    """Your council's pilots and what each needs next, soonest first; for a moderator, their moderation work
    first (where a moderator lands after signing in, as everyone does)."""
    memberships = request.user.memberships.select_related("council")
    today = timezone.localdate()
    councils = []
    for membership in memberships:
        pilots = list(membership.council.pilots.select_related("result").order_by("title"))
        councils.append({
            "membership": membership,
            "rows": [pilot_row(pilot, request.user) for pilot in pilots],
            "due": sorted(_due_items(pilots, today), key=lambda item: item["date"]),
        })
    work = moderation_work() if is_moderator(request.user) else None
    return render(request, "site/dashboard.html", {"councils": councils, "today": today, "moderation": work})


def _due_items(pilots, today):
    soon = today + timedelta(days=28)
    for pilot in pilots:
        if pilot.status == Status.DRAFT:
            yield {"pilot": pilot, "date": pilot.start_date or today, "what": _("Finish and register the plan"),
                   "overdue": bool(pilot.start_date and pilot.start_date < today)}
        elif pilot.status == Status.REGISTERED and pilot.start_date:
            yield {"pilot": pilot, "date": pilot.start_date, "what": _("Start the pilot"),
                   "overdue": pilot.start_date < today}
        elif pilot.status == Status.RUNNING and pilot.results_due_date:
            if pilot.end_date and pilot.end_date >= today:
                yield {"pilot": pilot, "date": pilot.end_date, "what": _("The pilot ends"), "overdue": False}
            else:
                yield {"pilot": pilot, "date": pilot.results_due_date, "what": _("Record the result"),
                       "overdue": pilot.results_due_date < today, "soon": pilot.results_due_date <= soon}
        elif pilot.status == Status.RESULTS_RECORDED:
            yield {"pilot": pilot, "date": pilot.results_due_date or today, "what": _("Publish the result"),
                   "overdue": bool(pilot.results_due_date and pilot.results_due_date < today)}
