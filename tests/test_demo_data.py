"""The demo: at least 30 fictional pilots at real councils, in every state, failures included."""

from collections import Counter

import pytest
from django.core.management import call_command

from pilotbook.councils.models import User
from pilotbook.pilots.choices import MEASURED_VERDICTS, Status, Verdict
from pilotbook.pilots.models import Pilot, Result


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_covers_every_status_and_every_verdict_a_pilot_can_get(demo):
    assert Pilot.objects.count() >= 30
    assert set(Counter(Pilot.objects.values_list("status", flat=True))) == set(Status.values)
    # "Outcome not reported" comes only from an imported case study's source; demo pilots are judged in Pilotbook.
    assert set(Result.objects.filter(pilot__status=Status.PUBLISHED).values_list("verdict", flat=True)) == set(
        MEASURED_VERDICTS) == set(Verdict.values) - {Verdict.NOT_REPORTED}
    assert not Pilot.objects.filter(is_demo=False).exists()


def test_demo_pilots_have_verifiable_frozen_plans(demo):
    from pilotbook.pilots import plan

    for pilot in Pilot.objects.exclude(status=Status.DRAFT):
        assert plan.plan_hash(pilot.registered_plan) == pilot.registered_plan_hash
        assert plan.plan_hash(pilot.plan()) == pilot.plan_hash


def test_demo_sign_ins_work_and_loading_again_replaces_rather_than_duplicates(demo):
    from pilotbook.demo.management.commands.load_demo import DEMO_PASSWORD

    assert User.objects.get(email="officer@wealden.example").check_password(DEMO_PASSWORD)
    assert User.objects.get(email="moderator@pilotbook.example").is_moderator
    count = Pilot.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Pilot.objects.count() == count


def test_demo_reporting_rates_show_results_reported_on_time(demo, moderator):
    """The demo's results are dated as their pilots' stories tell, so the overdue page's rates are not all 0%."""
    from pilotbook.overdue import selectors

    rates = selectors.reporting_rates(moderator)
    total = selectors.sector_totals(rates)
    assert total.came_due > 0 and 0 < total.on_time < total.came_due


def test_every_demo_pooled_group_pools_comparable_pilots(demo, moderator):
    from pilotbook.evidence import pooling
    from pilotbook.evidence.models import PooledGroup

    groups = list(PooledGroup.objects.all())
    assert groups
    for group in groups:
        analysis = pooling.analyse_group(group, moderator)
        assert analysis.pooled is not None, (group.title, analysis.problem)
