"""The registry's write functions: freezing, amendments, lifecycle rules and derived verdicts."""

import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilotbook.pilots import plan, services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot

from .factories import LESSONS, make_pilot


@pytest.fixture
def draft(home_council, officer):
    return make_pilot(home_council, officer)


def test_registering_freezes_the_plan_with_time_and_sha256(draft, officer):
    pilot = services.pilot_register(pilot=draft, user=officer)
    assert pilot.status == Status.REGISTERED
    assert pilot.registered_at is not None
    canonical = plan.canonical_json(pilot.registered_plan).encode()
    assert pilot.registered_plan_hash == hashlib.sha256(canonical).hexdigest() == pilot.plan_hash
    assert pilot.registered_plan["planned_sample"] == 400
    assert pilot.registered_plan["worthwhile_effect"] == "7"


def test_an_incomplete_plan_cannot_be_registered(home_council, officer):
    pilot = services.pilot_create_draft(council=home_council, user=officer, title="Just an idea")
    with pytest.raises(services.PilotStateError, match="Missing: the problem"):
        services.pilot_register(pilot=pilot, user=officer)
    pilot.refresh_from_db()
    assert pilot.status == Status.DRAFT and not pilot.plan_hash


def test_a_cluster_design_needs_the_number_of_clusters(home_council, officer):
    pilot = make_pilot(home_council, officer, design="randomised_cluster")
    with pytest.raises(services.PilotStateError, match="clusters"):
        services.pilot_register(pilot=pilot, user=officer)


def test_a_frozen_plan_cannot_be_edited_as_a_draft(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    with pytest.raises(services.PilotStateError, match="frozen"):
        services.pilot_update_draft(pilot=pilot, fields={"planned_sample": 10})


def test_an_amendment_records_the_change_reason_and_hashes(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    registered_hash = pilot.plan_hash
    amendment = services.pilot_amend(pilot=pilot, user=officer, fields={"planned_sample": 500},
                                     reason="More tenants than expected.", results_seen=False)
    pilot.refresh_from_db()
    assert amendment.number == 1
    assert amendment.changes == {"planned_sample": {"old": 400, "new": 500}}
    assert amendment.plan_hash_before == registered_hash
    assert amendment.plan_hash_after == pilot.plan_hash == plan.plan_hash(plan.plan_of(pilot))
    assert pilot.registered_plan_hash == registered_hash  # the original commitment never changes
    assert pilot.registered_plan["planned_sample"] == 400
    assert not amendment.after_results_seen


def test_amendments_after_a_result_are_marked_as_after_results_were_seen(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RESULTS_RECORDED)
    amendment = services.pilot_amend(pilot=pilot, user=officer, fields={"secondary_outcomes": "Complaints"},
                                     reason="Add complaints.", results_seen=False)
    assert amendment.after_results_seen


def test_saying_results_were_seen_marks_this_and_later_amendments(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    first = services.pilot_amend(pilot=pilot, user=officer, fields={"planned_sample": 450},
                                 reason="Interim data looked low.", results_seen=True)
    second = services.pilot_amend(pilot=pilot, user=officer, fields={"planned_sample": 460},
                                  reason="Typo.", results_seen=False)
    assert first.after_results_seen and second.after_results_seen


@pytest.mark.parametrize(
    ("fields", "reason", "message"),
    [({"planned_sample": 400}, "Same", "Nothing in the plan was changed"), ({"planned_sample": 1}, "  ", "reason")],
)
def test_an_amendment_needs_a_change_and_a_reason(home_council, officer, fields, reason, message):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    with pytest.raises(services.PilotStateError, match=message):
        services.pilot_amend(pilot=pilot, user=officer, fields=fields, reason=reason, results_seen=False)
    assert pilot.amendments.count() == 0


def test_an_ended_pilot_cannot_be_amended(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.PUBLISHED)
    with pytest.raises(services.PilotStateError, match="ended"):
        services.pilot_amend(pilot=pilot, user=officer, fields={"planned_sample": 1}, reason="x", results_seen=True)


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (Status.DRAFT, services.pilot_start),
        (Status.REGISTERED, services.pilot_publish),
        (Status.RUNNING, services.pilot_publish),
        (Status.PUBLISHED, services.pilot_start),
        (Status.WITHDRAWN, services.pilot_start),
    ],
)
def test_lifecycle_moves_out_of_order_are_refused(home_council, officer, status, move):
    pilot = make_pilot(home_council, officer, status=status)
    extra = {"lessons": LESSONS} if move is services.pilot_publish else {}
    with pytest.raises(services.PilotStateError, match="cannot be moved"):
        move(pilot=pilot, user=officer, **extra)
    pilot.refresh_from_db()
    assert pilot.status == status


def test_a_draft_cannot_be_stopped_early_and_ending_early_needs_a_reason(home_council, officer):
    draft = make_pilot(home_council, officer)
    with pytest.raises(services.PilotStateError):
        services.pilot_end_early(pilot=draft, user=officer, status=Status.STOPPED_EARLY, reason="x")
    running = make_pilot(home_council, officer, status=Status.RUNNING)
    with pytest.raises(services.PilotStateError, match="reason"):
        services.pilot_end_early(pilot=running, user=officer, status=Status.STOPPED_EARLY, reason=" ")


@pytest.mark.parametrize(
    ("estimate", "low", "high", "verdict"),
    [
        ("-20", "-27", "-13", "worked"),  # days to contact fell: lower is better
        ("6", "2", "10", "made_worse"),
        ("-2", "-5", "1", "no_worthwhile_effect"),  # any fall is under the 7 days worth having
        ("-5", "-12", "2", "inconclusive"),
    ],
)
def test_the_verdict_is_derived_from_the_interval_and_the_registered_plan(home_council, officer, estimate, low,
                                                                          high, verdict):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    result = services.result_record(pilot=pilot, user=officer, estimate=Decimal(estimate), ci_low=Decimal(low),
                                    ci_high=Decimal(high))
    assert result.verdict == verdict
    pilot.refresh_from_db()
    assert pilot.status == Status.RESULTS_RECORDED and pilot.results_seen_at is not None


def test_an_estimate_outside_its_interval_is_refused_and_nothing_is_saved(home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    with pytest.raises(services.PilotStateError):
        services.result_record(pilot=pilot, user=officer, estimate=Decimal("5"), ci_low=Decimal("-1"),
                               ci_high=Decimal("1"))
    pilot.refresh_from_db()
    assert pilot.status == Status.RUNNING and not hasattr(pilot, "result")


def test_results_due_defaults_to_twelve_weeks_after_the_end(home_council, officer):
    pilot = services.pilot_create_draft(council=home_council, user=officer, title="T")
    import datetime as dt

    pilot = services.pilot_update_draft(pilot=pilot, fields={"end_date": dt.date(2026, 3, 31)})
    assert pilot.results_due_date == dt.date(2026, 6, 23)


def test_registering_locks_the_pilot_row(draft, officer):
    with CaptureQueriesContext(connection) as queries:
        services.pilot_register(pilot=draft, user=officer)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    assert Pilot.objects.get(pk=draft.pk).status == Status.REGISTERED
