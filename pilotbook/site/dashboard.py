"""A person's dashboard: their councils' pilots and what each needs next, and for a moderator the moderation work
waiting (reported comments, overdue flags). It combines pilots, discussion and overdue, so it lives above them
(ADR 0017)."""

import functools
from datetime import timedelta

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from pilotbook.discussion.models import Report
from pilotbook.overdue.selectors import open_flags
from pilotbook.pilots.access import audience_among
from pilotbook.pilots.choices import Status
from pilotbook.pilots.presenters import pilot_row
from pilotbook.web import pagecache
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
    councils = [{"membership": membership, "work": council_work(request, membership.council, today)}
                for membership in memberships]
    work = moderation_work() if is_moderator(request.user) else None
    return render(request, "site/dashboard.html", {"councils": councils, "today": today, "moderation": work})


def council_work(request, council, today) -> str:
    """A council's pilots (a national council may have hundreds: case studies it ran) and what each needs next, as
    this person is shown them. The only access rule the list applies (result_shown_to: a result under embargo is
    shown to the council's members and moderators) looks at membership of this council alone, so it is the same for
    everyone whose membership of it (audience_among) is the same: rendered once per data version and day for them
    (pilotbook.web.pagecache, ADR 0020)."""
    who = audience_among(request.user, {council.pk})
    html = pagecache.cached(request, "dashboard-council", (council.pk, today.isoformat(), who),
                            build=functools.partial(_render_council_work, council, request.user, today))
    return mark_safe(html)  # noqa: S308 - rendered by site/includes/council_work.html


def _render_council_work(council, user, today) -> str:
    pilots = list(council.pilots.select_related("result").order_by("title"))
    return render_to_string("site/includes/council_work.html", {
        "council": council,
        "rows": [pilot_row(pilot, user) for pilot in pilots],
        "due": sorted(_due_items(pilots, today), key=lambda item: item["date"]),
    })


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
