"""Pilots at several councils with results analysed in Pilotbook or recorded from elsewhere, and pooled groups of
them. Everything goes through the real services (register, start, analyse, record, publish)."""

import datetime as dt
from decimal import Decimal

import pytest

from pilotbook.evidence.models import PooledGroup, PooledMembership
from pilotbook.pilots import measure, services
from pilotbook.pilots.choices import Status
from tests.factories import LESSONS, CouncilFactory, make_pilot, member

BINARY = {"outcome_name": "Paid on time", "outcome_unit": "percentage points", "outcome_kind": "binary",
          "better_direction": "higher", "worthwhile_effect": Decimal("5")}
CONTINUOUS = {"outcome_name": "Days to first contact", "outcome_unit": "days", "outcome_kind": "continuous",
              "better_direction": "lower", "worthwhile_effect": Decimal("3")}
# (events, n) for the pilot group and the comparison group, as a council would type them in.
COUNTS = [((60, 200), (45, 200)), ((130, 400), (100, 400)), ((33, 150), (30, 150)), ((90, 300), (60, 300))]
# (mean, sd, n) for the pilot group and the comparison group.
MEANS = [((21.0, 9.0, 80), (46.0, 14.0, 80)), ((30.5, 11.0, 120), (38.0, 12.5, 115)),
         ((35.0, 10.0, 60), (37.5, 10.5, 64))]


def upcoming() -> dict:
    """Plan dates for a pilot registered today that starts next week: honestly pre-registered, whatever today is."""
    start = dt.date.today() + dt.timedelta(days=7)
    return {"start_date": start, "end_date": start + dt.timedelta(days=90),
            "results_due_date": start + dt.timedelta(days=180)}


@pytest.fixture
def councils(db):
    """Four councils, each with one officer: [(council, officer), ...]."""
    out = []
    for i in range(4):
        council = CouncilFactory(code=f"Q{i:02d}", name=f"Poolford {i}")
        out.append((council, member(council, email=f"officer{i}@poolford.example")))
    return out


def publish(pilot, user, *, embargo_until: dt.date | None = None):
    reason = "" if pilot.result.verdict in ("worked", "inconclusive") else "idea_did_not_work"
    services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS, failure_reason=reason,
                           embargo_until=embargo_until)
    pilot.refresh_from_db()
    return pilot


def analysed_binary(council, user, counts, title, *, visibility="public", release=True, **plan):
    pilot = make_pilot(council, user, Status.RUNNING, title=title, visibility=visibility, **{**BINARY, **plan})
    (e_t, n_t), (e_c, n_c) = counts
    analysis = measure.summary_analyse(pilot=pilot, user=user, control="Old", groups=[
        {"label": "Old", "n": n_c, "events": e_c}, {"label": "New", "n": n_t, "events": e_t}])
    measure.analysis_record_result(analysis=analysis, user=user)
    pilot.refresh_from_db()
    return publish(pilot, user) if release else pilot


def analysed_continuous(council, user, means, title, *, visibility="public", **plan):
    pilot = make_pilot(council, user, Status.RUNNING, title=title, visibility=visibility, **{**CONTINUOUS, **plan})
    (m_t, sd_t, n_t), (m_c, sd_c, n_c) = means
    analysis = measure.summary_analyse(pilot=pilot, user=user, control="Old", groups=[
        {"label": "Old", "n": n_c, "mean": m_c, "sd": sd_c}, {"label": "New", "n": n_t, "mean": m_t, "sd": sd_t}])
    measure.analysis_record_result(analysis=analysis, user=user)
    pilot.refresh_from_db()
    return publish(pilot, user)


def recorded(council, user, title, estimate, low, high, *, visibility="public", **plan):
    """A result analysed outside Pilotbook: only the effect and its 95% interval are known."""
    pilot = make_pilot(council, user, Status.RUNNING, title=title, visibility=visibility, **plan)
    services.result_record(pilot=pilot, user=user, estimate=Decimal(estimate), ci_low=Decimal(low),
                           ci_high=Decimal(high), sample_size=300)
    pilot.refresh_from_db()
    return publish(pilot, user)


def uploaded(council, user, title, rows: list[str], mapping: dict, **plan):
    """A result analysed in Pilotbook from an uploaded file of one row per person."""
    pilot = make_pilot(council, user, Status.RUNNING, title=title, visibility="public", **{**BINARY, **plan})
    upload = measure.upload_receive(pilot=pilot, user=user, filename="rows.csv",
                                    content=("\n".join(rows) + "\n").encode())
    analysis = measure.upload_analyse(upload=upload, user=user, mapping=mapping)
    measure.analysis_record_result(analysis=analysis, user=user)
    pilot.refresh_from_db()
    return publish(pilot, user)


def group_of(pilots, measure_name="RR", slug="reminder-texts", title="Reminder texts"):
    group = PooledGroup.objects.create(title=title, slug=slug, outcome="Paid on time", measure=measure_name)
    for pilot in pilots:
        PooledMembership.objects.create(group=group, pilot=pilot)
    return group
