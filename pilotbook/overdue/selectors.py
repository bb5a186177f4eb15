"""Reads for chasing overdue results. The definitions live here and nowhere else.

**Overdue.** A pilot is overdue on day *today* when it is registered or running (so not a draft, and not
results recorded, published, withdrawn or stopped early), its ``results_due_date`` is before *today*, and
no moderator has marked its results as reported elsewhere. Results are due on the due date itself, so a
pilot is one day overdue on the day after. It leaves the list the moment its results are recorded or it is
withdrawn (which needs a reason), because both change its status.

**Reporting rate** of a council, on day *today*: out of its pilots that have *come due* (past draft, due
date before *today*), the share that reported *on time*, that is on or before the due date:

- a recorded result (results recorded or published) counts on the day the result was first recorded (a later
  correction does not move it);
- stopping early counts on the day it stopped (the reason is shared in the "what didn't work" register);
- results a moderator marked as reported elsewhere count on the date they were reported there;
- a pilot withdrawn on or before its due date had nothing to report, so it is left out of the count;
- an imported case study (its verdict reported by its source, `pilotbook import`) was never chased here, and
  the day it was imported says nothing about when it was reported, so it is left out too;
  one withdrawn after its due date counts as not on time.

The due date used is the pilot's current one, including any moderator's correction. Both the list and the
rates count only pilots the viewer may see (``Pilot.objects.visible_to``) and whose council they may know
(``identifiable_by``), so a withheld council name cannot be worked out from the numbers; each rate says
how many pilots it is based on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from pilotbook.councils.models import Council, Reader
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result

from .models import Correction, Flag, ReportedElsewhere

CHASED_STATUSES = (Status.REGISTERED, Status.RUNNING)
REMINDER_OFFSET = dt.timedelta(days=14)


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=CHASED_STATUSES, results_due_date__lt=today, reported_elsewhere__isnull=True)


def is_overdue(pilot: Pilot, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return Pilot.objects.filter(pk=pilot.pk).filter(overdue_q(today)).exists()


def days_overdue(pilot: Pilot, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if pilot.results_due_date is None:
        return 0
    return max(0, (today - pilot.results_due_date).days)


def overdue_pilots(user: Reader, *, today: dt.date | None = None, council: Council | None = None) -> QuerySet[Pilot]:
    """Overdue pilots this person may see, longest overdue first. For one council, only the pilots whose
    council this person may know, so the page cannot reveal a withheld name."""
    today = today or timezone.localdate()
    pilots = Pilot.objects.visible_to(user)
    if council is not None:
        pilots = pilots.identifiable_by(user).filter(council=council)
    return pilots.filter(overdue_q(today)).select_related("council").order_by("results_due_date", "title", "pk")


@dataclass
class ReportingRate:
    council: Council
    came_due: int = 0
    on_time: int = 0
    overdue_now: int = 0
    pilot_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float | None:
        """The share reported on time, 0 to 1; None when no pilot has come due."""
        return self.on_time / self.came_due if self.came_due else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def _reported_on(pilot: Pilot) -> dt.date | None:
    """The local date a pilot's results (or its stopping early) were reported, or None if not reported."""
    elsewhere: ReportedElsewhere | None = getattr(pilot, "reported_elsewhere", None)
    if elsewhere is not None:
        return elsewhere.reported_on
    if pilot.status in (Status.RESULTS_RECORDED, Status.PUBLISHED):
        result: Result | None = getattr(pilot, "result", None)
        when = result.first_recorded_at if result is not None else (pilot.results_seen_at or pilot.published_at)
        return timezone.localdate(when) if when else None
    if pilot.status == Status.STOPPED_EARLY and pilot.ended_at:
        return timezone.localdate(pilot.ended_at)
    return None


def reported_on_time(pilot: Pilot) -> bool | None:
    """True or False for a pilot that counts towards its council's rate; None for one left out. Only a pilot that
    has come due is asked about, so it has a due date."""
    due = pilot.results_due_date
    assert due is not None  # reporting_rates asks only about pilots due before today
    withdrawn_on = timezone.localdate(pilot.ended_at) if pilot.status == Status.WITHDRAWN and pilot.ended_at else None
    if withdrawn_on is not None and withdrawn_on <= due:
        return None
    reported = _reported_on(pilot)
    return reported is not None and reported <= due


def reporting_rates(user: Reader, *, today: dt.date | None = None, council: Council | None = None
                    ) -> list[ReportingRate]:
    """Each council's reporting rate over the pilots that have come due and that this person may see and
    attribute, best documented in this module's docstring. Councils with none come due are left out."""
    today = today or timezone.localdate()
    pilots = (Pilot.objects.visible_to(user).identifiable_by(user)
              .exclude(status=Status.DRAFT).exclude(result__source=Result.Source.REPORTED)
              .filter(results_due_date__lt=today)
              .select_related("council", "result", "reported_elsewhere"))
    if council is not None:
        pilots = pilots.filter(council=council)
    rates: dict[str, ReportingRate] = {}
    for pilot in pilots:
        on_time = reported_on_time(pilot)
        if on_time is None:
            continue
        # Only a case study has no council, and case studies (reported results) are left out above.
        assert pilot.council is not None
        rate = rates.setdefault(pilot.council.pk, ReportingRate(council=pilot.council))
        rate.came_due += 1
        rate.on_time += int(on_time)
        rate.overdue_now += int(pilot.status in CHASED_STATUSES and getattr(pilot, "reported_elsewhere", None) is None)
        rate.pilot_ids.append(pilot.pk)
    return sorted(rates.values(), key=lambda r: r.council.name)


def sector_totals(rates: list[ReportingRate]) -> ReportingRate:
    # The sector's totals belong to no council: only their counts are read.
    total = ReportingRate(council=None)  # type: ignore[arg-type]
    for rate in rates:
        total.came_due += rate.came_due
        total.on_time += rate.on_time
        total.overdue_now += rate.overdue_now
    return total


def open_flags() -> QuerySet[Flag]:
    flags = Flag.objects.filter(state=Flag.State.OPEN).select_related("pilot__council", "raised_by")
    return flags.order_by("raised_at")


def corrections_for(pilot: Pilot) -> QuerySet[Correction]:
    return Correction.objects.filter(pilot=pilot).select_related("made_by", "flag").order_by("made_at", "pk")
