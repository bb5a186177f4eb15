"""Pooled groups: the page's numbers are the meta-analysis of the same inputs; moderators alone change groups;
only released, visible results are pooled; a pilot that cannot give the measure is listed with the reason."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.urls import reverse

from pilotbook.evidence.models import PooledGroup, PooledMembership
from pilotbook.pilots import measure, services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from pilotbook.stats import effect_sizes, meta
from tests.factories import LESSONS, make_pilot

pytestmark = pytest.mark.django_db
BINARY = {"outcome_name": "Paid on time", "outcome_unit": "percentage points", "outcome_kind": "binary",
          "better_direction": "higher", "worthwhile_effect": Decimal("5"), "intervention_type": "nudge"}
# (events, n) for pilot and comparison groups at four councils, as a council would type them in.
COUNTS = [((60, 200), (45, 200)), ((130, 400), (100, 400)), ((33, 150), (30, 150)), ((90, 300), (60, 300))]


def analysed(council, user, counts, title, visibility="public"):
    pilot = make_pilot(council, user, Status.RUNNING, title=title, visibility=visibility, **BINARY)
    (e_t, n_t), (e_c, n_c) = counts
    analysis = measure.summary_analyse(pilot=pilot, user=user, control="Old", groups=[
        {"label": "Old", "n": n_c, "events": e_c}, {"label": "New", "n": n_t, "events": e_t}])
    result = measure.analysis_record_result(analysis=analysis, user=user)
    reason = "" if result.verdict in ("worked", "inconclusive") else "idea_did_not_work"
    services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS, failure_reason=reason)
    pilot.refresh_from_db()
    return pilot


@pytest.fixture
def councils():
    from tests.factories import CouncilFactory, member

    out = []
    for i in range(4):
        council = CouncilFactory(code=f"P{i:02d}", name=f"Poolshire {i}")
        out.append((council, member(council, email=f"officer{i}@pool.example")))
    return out


def group_of(pilots, measure_name="RR"):
    group = PooledGroup.objects.create(title="Reminder texts", slug="reminder-texts", outcome="Paid on time",
                                       measure=measure_name)
    for pilot in pilots:
        PooledMembership.objects.create(group=group, pilot=pilot)
    return group


def test_the_page_shows_the_meta_analysis_of_the_same_counts(client, councils):
    pilots = [analysed(c, u, counts, f"Texts {i}")
              for i, ((c, u), counts) in enumerate(zip(councils, COUNTS, strict=True))]
    group = group_of(pilots)
    sizes = effect_sizes.from_counts("RR", *zip(*[(t[0], t[1], c[0], c[1]) for t, c in COUNTS], strict=True))
    expected = meta.pool(sizes.yi, sizes.vi, method="REML", measure="RR")
    page = client.get(group.get_absolute_url()).content.decode()
    assert f">{floatformat(math.exp(expected.estimate), '-4')} (95% CI" in page
    assert f">{floatformat(expected.i2, '1')}%<" in page and f">{floatformat(expected.tau2, '-4')}<" in page
    assert 'aria-labelledby="forest-title forest-desc"' in page and "The forest plot in numbers" in page
    assert "Evidence strength:" in page
    assert 'type="radio" value="REML" checked' in page.replace('name="method" ', "")  # the method in use
    method_row = page[page.index(">Method</dt>"):][:200]
    assert "; risk ratio</dd>" in method_row, method_row
    dl = client.get(group.get_absolute_url(), {"method": "DL", "hksj": "on"}).content.decode()
    expected_dl = meta.pool(sizes.yi, sizes.vi, method="DL", hksj=True, measure="RR")
    assert f"CI {floatformat(math.exp(expected_dl.ci_low), '-4')} to" in dl


def test_unreleased_or_invisible_pilots_are_not_pooled(client, councils, other_officer):
    pilots = [analysed(c, u, counts, f"Texts {i}", visibility="councils" if i == 3 else "public")
              for i, ((c, u), counts) in enumerate(zip(councils, COUNTS, strict=True))]
    group = group_of(pilots)
    anonymous = client.get(group.get_absolute_url()).content.decode()
    assert "Texts 3" not in anonymous and "Pilots pooled</dt><dd class=\"govuk-summary-list__value\">3" in anonymous
    client.force_login(other_officer)
    assert "Texts 3" in client.get(group.get_absolute_url()).content.decode()


def test_a_pilot_that_cannot_give_the_measure_is_listed_with_the_reason(client, councils):
    pilots = [analysed(c, u, counts, f"Texts {i}")
              for i, ((c, u), counts) in enumerate(zip(councils[:2], COUNTS[:2], strict=True))]
    council, user = councils[2]
    outside = make_pilot(council, user, Status.PUBLISHED, title="Analysed elsewhere", visibility="public",
                         **{**BINARY, "better_direction": "lower"})
    group = group_of([*pilots, outside])
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Analysed elsewhere" in page and "Not pooled" in page and "analysed outside Pilotbook" in page


def test_fewer_than_two_usable_pilots_says_so(client, councils):
    council, user = councils[0]
    group = group_of([analysed(council, user, COUNTS[0], "Only one")])
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'data-testid="pooled-problem"' in page and "Fewer than two" in page


@pytest.mark.parametrize(("persona", "can"), [("anonymous", False), ("officer", False), ("other_officer", False),
                                             ("moderator", True)])
def test_only_moderators_make_groups_and_choose_pilots(persona, can, persona_client, councils):
    client = persona_client(persona)
    client.post(reverse("pooled-group-create"), {"title": "Letters", "outcome": "Contact", "measure": "GENERIC"})
    assert PooledGroup.objects.filter(title="Letters").exists() == can
    council, user = councils[0]
    pilot = analysed(council, user, COUNTS[0], "Texts")
    group = PooledGroup.objects.create(title="G", slug="g", outcome="x")
    client.post(reverse("pooled-group-pilots", args=["g"]), {"pilot": pilot.pk})
    assert group.memberships.exists() == can
    PooledMembership.objects.get_or_create(group=group, pilot=pilot)
    client.post(reverse("pooled-group-remove", args=["g", pilot.pk]))
    assert group.memberships.exists() == (not can)
    client.post(reverse("pooled-group-edit", args=["g"]), {"title": "Renamed", "outcome": "x", "measure": "GENERIC"})
    group.refresh_from_db()
    assert (group.title == "Renamed") == can and group.slug == "g"


def test_a_group_called_new_does_not_take_the_address_of_the_make_a_group_page(client, moderator):
    client.force_login(moderator)
    client.post(reverse("pooled-group-create"), {"title": "New", "outcome": "Contact", "measure": "GENERIC"})
    group = PooledGroup.objects.get(title="New")
    assert group.slug == "new-group" and client.get(group.get_absolute_url()).status_code == 200
    assert b"Make a pooled group" in client.get(reverse("pooled-group-create")).content
    with pytest.raises(ValidationError, match="belongs to another page"):
        PooledGroup(title="X", slug="new", outcome="x").full_clean()


def test_generic_measure_pools_recorded_effects_with_their_intervals(client, councils):
    pilots = []
    for i, (council, user) in enumerate(councils[:3]):
        pilot = make_pilot(council, user, Status.RUNNING, title=f"Letter {i}", visibility="public")
        services.result_record(pilot=pilot, user=user, estimate=Decimal(-10 - i), ci_low=Decimal(-16 - i),
                               ci_high=Decimal(-4 - i))
        services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS)
        pilots.append(pilot)
    group = group_of(pilots, "GENERIC")
    se = [(12 / (2 * 1.959963984540054)) for _ in range(3)]
    expected = meta.pool([-10, -11, -12], [s * s for s in se], method="REML")
    page = client.get(group.get_absolute_url()).content.decode()
    assert f"Pooled effect</dt><dd class=\"govuk-summary-list__value\">{floatformat(expected.estimate, '-4')} " in page


def test_a_withheld_council_is_not_given_away_by_the_council_count(client, councils, moderator):
    """Two pilots from one council, one with its name withheld: "1 council" would name it, so a reader who may
    not know it sees the fewest councils there can be; a moderator sees the exact count."""
    (council, user), (other, other_user) = councils[0], councils[1]
    pilots = [analysed(council, user, COUNTS[0], "Texts named"),
              analysed(council, user, COUNTS[1], "Texts withheld", visibility="public_anonymous"),
              analysed(other, other_user, COUNTS[2], "Texts elsewhere")]
    group = group_of(pilots)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "3 (at least 2 councils: 1 pilot's council is withheld)" in page
    assert "at least 2 councils contributed, but some withheld their name" in page
    data = client.get(reverse("api-pooled-group", args=[group.slug])).json()
    assert (data["councils"], data["councils_withheld"]) == (2, 1)
    client.force_login(moderator)
    assert "3 (2 councils)" in client.get(group.get_absolute_url()).content.decode()
    client.force_login(user)  # its own council knows
    assert client.get(reverse("api-pooled-group", args=[group.slug])).json()["councils_withheld"] == 0


def test_the_migration_moves_a_group_off_the_reserved_address(db):
    from importlib import import_module

    from django.apps import apps

    PooledGroup.objects.create(title="Taken", slug="new-group", outcome="x")
    old = PooledGroup.objects.create(title="New", slug="new", outcome="x")
    import_module("pilotbook.evidence.migrations.0004_rename_reserved_group_slug").rename_reserved(apps, None)
    old.refresh_from_db()
    assert old.slug == "new-group-2"


def test_pilots_in_different_units_or_directions_are_not_pooled_together(client, councils):
    pilots = [analysed(c, u, counts, f"Texts {i}")
              for i, ((c, u), counts) in enumerate(zip(councils[:3], COUNTS, strict=False))]
    group = group_of(pilots, measure_name="GENERIC")
    assert "Pooled effect" in client.get(group.get_absolute_url()).content.decode()
    Pilot.objects.filter(pk=pilots[2].pk).update(outcome_unit="calls per week")
    page = client.get(group.get_absolute_url()).content.decode()
    assert "measure in different units (calls per week; percentage points)" in page and "Pooled effect" not in page
    Pilot.objects.filter(pk=pilots[2].pk).update(outcome_unit="Percentage  points", better_direction="lower")
    page = client.get(group.get_absolute_url()).content.decode()
    assert "outcomes point opposite ways" in page and "Pooled effect" not in page


def test_fixed_effect_with_hartung_knapp_is_refused_by_the_form_and_the_page_stays_usable(client, councils):
    pilots = [analysed(c, u, counts, f"Texts {i}")
              for i, ((c, u), counts) in enumerate(zip(councils, COUNTS, strict=True))]
    group = group_of(pilots)
    page = client.get(group.get_absolute_url(), {"method": "FE", "hksj": "on"}).content.decode()
    assert "The Hartung-Knapp adjustment is for random-effects methods" in page
    assert "Recalculate" in page and "Pooled effect" in page and ">FE; risk ratio</dd>" in page
    assert "<title>Error: " in page and 'href="#id_hksj"' in page  # the error summary links to the box
    page = client.get(group.get_absolute_url(), {"method": "bogus"}).content.decode()
    assert "<title>Error: " in page and "Select a valid choice" in page and "Pooled effect" in page
    assert "<title>Error: " not in client.get(group.get_absolute_url(), {"method": "DL"}).content.decode()


def test_group_titles_tell_groups_apart_and_sort_ignoring_case(client, moderator):
    client.force_login(moderator)
    client.post(reverse("pooled-group-create"), {"title": "Reminder letters", "outcome": "x", "measure": "GENERIC"})
    page = client.post(reverse("pooled-group-create"), {"title": "reminder  LETTERS", "outcome": "x",
                                                         "measure": "GENERIC"}).content.decode()
    assert "There is already a group called “reminder LETTERS”" in page
    assert PooledGroup.objects.count() == 1
    PooledGroup.objects.create(title="apple pilots", slug="apple", outcome="x")
    PooledGroup.objects.create(title="Zebra crossings", slug="zebra", outcome="x")
    assert [g.title for g in PooledGroup.objects.all()] == ["apple pilots", "Reminder letters", "Zebra crossings"]
    group = PooledGroup.objects.get(slug="apple")  # saving a group under its own title is fine
    response = client.post(reverse("pooled-group-edit", args=["apple"]), {"title": "Apple pilots", "outcome": "x",
                                                                           "measure": "GENERIC"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.title == "Apple pilots"
