"""Partner pages show another council's pilots by the same release and identity rules as the pilot page:
a verdict once the result is released (published, past any embargo), a council's name unless it is withheld."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from pilotbook.councils.models import Role
from pilotbook.partners import services
from pilotbook.pilots import services as pilot_services
from pilotbook.pilots.choices import Status
from tests.factories import LESSONS, CouncilFactory, make_pilot, member

from .conftest import make_partner

GOAL = {"goal": "spot isolated older people"}


def made_worse(council, user, title, *, publish=True, embargo_days=0, visibility="councils"):
    """A pilot whose result made things worse, published (under embargo if embargo_days) or only recorded."""
    pilot = make_pilot(council, user, status=Status.RUNNING, title=title, visibility=visibility,
                       partners="Local community pharmacies")
    pilot_services.result_record(pilot=pilot, user=user, estimate=Decimal("4"), ci_low=Decimal("2"),
                                 ci_high=Decimal("6"), summary="Contact came later, not sooner.")
    if publish:
        pilot_services.pilot_publish(
            pilot=pilot, user=user, lessons=LESSONS, failure_reason="idea_did_not_work",
            embargo_until=timezone.localdate() + dt.timedelta(days=embargo_days) if embargo_days else None)
    pilot.refresh_from_db()
    return pilot


def partnership_with(council, user, pilots):
    partnership = services.partnership_create(partner=make_partner(council, name=f"{council.name} Pharmacy"),
                                              topic="Pharmacy check-ins", owner=user)
    services.partnership_move(partnership=partnership, stage="running_pilot", pilots=pilots)
    return partnership


def test_a_partnership_page_shows_another_councils_verdict_only_once_it_is_released(
        client, officer, other_council, other_officer):
    embargoed = made_worse(other_council, other_officer, "Embargoed pharmacy pilot", embargo_days=30)
    unpublished = made_worse(other_council, other_officer, "Unpublished pharmacy pilot", publish=False)
    partnership = partnership_with(other_council, other_officer, [embargoed, unpublished])
    client.force_login(officer)
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Embargoed pharmacy pilot" in page and "Unpublished pharmacy pilot" in page
    assert "made things worse" not in page
    client.force_login(other_officer)  # the pilots' own council sees its results, as on the pilot page
    assert client.get(partnership.get_absolute_url()).content.decode().count("made things worse") == 2


def test_a_partnership_page_leaves_out_a_pilot_whose_council_withheld_its_name(client, officer):
    quiet = CouncilFactory(code="HSH", name="Hushwater Vale")
    quiet_officer = member(quiet, Role.OFFICER, email="officer@hushwater.example")
    withheld = make_pilot(quiet, quiet_officer, status=Status.PUBLISHED, title="Nameless pharmacy pilot",
                          visibility="public_anonymous")
    partnership = partnership_with(quiet, quiet_officer, [withheld])
    client.force_login(officer)
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Hushwater Vale" in page and "Nameless pharmacy pilot" not in page
    client.force_login(quiet_officer)
    assert "Nameless pharmacy pilot" in client.get(partnership.get_absolute_url()).content.decode()


def test_unlikely_partners_evidence_counts_only_released_results_and_keeps_withheld_names(
        client, officer, other_council, other_officer):
    made_worse(other_council, other_officer, "Embargoed pharmacy pilot", embargo_days=30)
    made_worse(other_council, other_officer, "Unpublished pharmacy pilot", publish=False)
    made_worse(other_council, other_officer, "Nameless pharmacy pilot", visibility="public_anonymous")
    client.force_login(officer)
    page = client.get(reverse("partner-unlikely", args=["HOM"]), GOAL).content.decode()
    assert "Embargoed pharmacy pilot" not in page and "Unpublished pharmacy pilot" not in page
    assert "Made things worse: 1" in page  # the released one only
    assert "Nameless pharmacy pilot</a> (A UK council (name withheld): made things worse)" in page
    assert "Otherborough" not in page
