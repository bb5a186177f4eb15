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
                            "power": "80"}).content.decode()
    assert "as a percentage between 0 and 100" in page and "not 80" in page
