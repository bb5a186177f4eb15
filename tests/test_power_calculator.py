"""The power calculator page: sample size, what a planned sample can show, councils needed; bad input."""

import pytest
from django.urls import reverse

from pilotbook.pilots.choices import Status
from pilotbook.stats import power as engine

from .factories import make_pilot

URL = reverse("power-calculator")


@pytest.mark.django_db
def test_a_continuous_outcome_gives_the_t_test_sample(client):
    # d = 0.5 (difference 5, SD 10), alpha 0.05, power 0.8: 64 per group (two-sample t-test, Cohen 1988).
    page = client.get(URL, {"kind": "continuous", "worthwhile": "5", "sd": "10", "alpha": "0.05",
                            "power": "0.8", "design": "individual"}).content.decode()
    assert "64 people in each group (128 in all)" in page


@pytest.mark.django_db
def test_binary_cluster_design_planned_sample_and_councils(client):
    params = {"kind": "binary", "better": "higher", "worthwhile": "10", "control_rate": "50", "design": "cluster",
              "icc": "0.02", "cluster_size": "50", "alpha": "0.05", "power": "0.8", "planned": "300",
              "per_council": "200"}
    page = client.get(URL, params).content.decode()
    expected = engine.sample_size(engine.Binary(control_rate=0.5, better="higher"), 0.10,
                                  design=engine.Cluster(icc=0.02, cluster_size=50))
    assert f"{expected.per_group} people in each group" in page
    assert "Clusters in each group" in page and "1.98" in page  # design effect 1 + 49 x 0.02
    assert "With 300 in each group" in page
    assert "Councils needed together" in page


@pytest.mark.django_db
def test_missing_inputs_are_explained(client):
    page = client.get(URL, {"kind": "binary", "worthwhile": "", "design": "cluster"}).content.decode()
    assert "There is a problem" in page
    assert "Enter smallest effect worth having" in page
    assert "Enter expected rate in the comparison group for this kind of outcome" in page
    assert "Enter intra-cluster correlation (icc) for a cluster design" in page


@pytest.mark.django_db
def test_impossible_inputs_are_explained_not_a_crash(client):
    response = client.get(URL, {"kind": "binary", "worthwhile": "5", "control_rate": "150", "alpha": "0.05",
                                "power": "0.8"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.django_db
def test_the_sample_question_links_to_the_calculator_prefilled_from_the_plan(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.DRAFT)
    client.force_login(officer)
    page = client.get(reverse("pilot-step", args=[pilot.pk, "sample"])).content.decode()
    assert f"{URL}?pilot={pilot.pk}" in page
    page = client.get(URL, {"pilot": pilot.pk}).content.decode()
    assert 'value="continuous" checked' in page and 'value="7"' in page


@pytest.mark.django_db
def test_another_councils_draft_does_not_prefill(client, other_officer, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.DRAFT, outcome_name="Secret")
    client.force_login(other_officer)
    page = client.get(URL, {"pilot": pilot.pk}).content.decode()
    assert 'value="continuous" checked' not in page


@pytest.mark.django_db
def test_a_planned_sample_shows_its_power_and_percentages_are_checked(client):
    page = client.get(URL, {"kind": "binary", "worthwhile": "10", "control_rate": "50", "alpha": "0.05",
                            "power": "0.8", "planned": "300"}).content.decode()
    assert "the chance of showing the smallest worthwhile effect is 0." in page
    page = client.get(URL, {"kind": "binary", "worthwhile": "10", "control_rate": "140", "alpha": "0.05",
                            "power": "180"}).content.decode()
    assert "The comparison rate must be between 0% and 100%: 140 was taken as 140%" in page
    assert "Power must be between 50% and 99%" in page


def answer(client, **params) -> str:
    base = {"kind": "binary", "alpha": "0.05", "power": "0.8", "design": "individual"}
    return client.get(URL, {**base, **params}).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("rate", "worthwhile"), [("0.30", "0.05"), ("30", "5"), ("30%", "5"), ("0.30", "5"),
                                                  ("30%", "5pp"), ("0.3", "5%")])
def test_rates_typed_as_fractions_or_percentages_give_the_same_answer_and_say_how_they_were_read(
        client, rate, worthwhile):
    # The README's 0.30 and 0.05 used to mean 0.30% and 0.05 points on the page: 203,407 people in each group.
    page = answer(client, control_rate=rate, worthwhile=worthwhile)
    assert "1,377 people in each group (2,754 in all)" in page  # as `pilotbook power` says for 0.30 and 0.05
    assert (f"Comparison rate taken as 30% and the smallest worthwhile effect as 5 percentage points "
            f"(you typed {rate} and {worthwhile})") in page
    assert 'data-testid="power-warning"' not in page


@pytest.mark.django_db
def test_a_tiny_worthwhile_effect_and_a_huge_sample_are_warned_about_with_thousands_separators(client):
    page = answer(client, control_rate="30", worthwhile="0.05")
    assert "Comparison rate taken as 30% and the smallest worthwhile effect as 0.05 percentage points" in page
    assert "people in each group" in page and "If you meant 5 percentage points, type 5." in page
    per_group = engine.sample_size(engine.Binary(0.30), 0.0005).per_group
    assert per_group > 200_000 and f"This needs {per_group:,} people in each group" in page
    assert f"{per_group:,} people in each group ({2 * per_group:,} in all)" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "message"), [
    ({"control_rate": "0", "worthwhile": "5"}, "The comparison rate must be between 0% and 100%: 0 was taken as 0%"),
    ({"control_rate": "100%", "worthwhile": "5"}, "between 0% and 100%: 100% was taken as 100%"),
    ({"control_rate": "0.30", "worthwhile": "0.8", "better": "higher"},
     "larger than possible: a rise of 80 percentage points from 30% leaves 0% to 100%"),
    ({"control_rate": "90", "worthwhile": "20", "better": "higher"}, "For a fraction, type the rate as a fraction"),
    ({"control_rate": "thirty", "worthwhile": "5"}, "must be a number, such as 30 or 0.30 or 30%"),
    ({"control_rate": "30", "worthwhile": "-5"}, "The smallest effect worth having must be greater than 0"),
])
def test_impossible_rates_and_effects_say_how_they_were_read_and_what_to_type(client, params, message):
    page = answer(client, **params)
    assert "There is a problem" in page and message in page


@pytest.mark.django_db
def test_power_and_significance_may_be_typed_as_percentages(client):
    page = answer(client, kind="continuous", worthwhile="5", sd="10", alpha="5%", power="80")
    assert "64 people in each group (128 in all)" in page
    assert "Power taken as 80% (you typed 80)." in page and "Significance level taken as 5% (you typed 5%)." in page


@pytest.mark.django_db
def test_a_percent_sign_on_a_measurement_is_refused_not_silently_dropped(client):
    page = answer(client, kind="continuous", worthwhile="5%", sd="10")
    assert "There is a problem" in page and "own unit: give a number without %" in page


@pytest.mark.django_db
def test_a_plans_half_point_effect_is_prefilled_in_points_so_a_fractional_rate_cannot_turn_it_into_50(
        client, officer, home_council):
    from decimal import Decimal

    pilot = make_pilot(home_council, officer, status=Status.DRAFT, outcome_kind="binary", outcome_unit="points",
                       worthwhile_effect=Decimal("0.5"))
    client.force_login(officer)
    page = client.get(URL, {"pilot": pilot.pk}).content.decode()
    assert 'value="0.5 pp"' in page
    page = answer(client, control_rate="0.30", worthwhile="0.5 pp")
    assert "smallest worthwhile effect as 0.5 percentage points" in page
