"""Registering a pilot through the question pages, as an officer would, and the messages for bad answers."""

import pytest
from django.urls import reverse

from pilotbook.councils.models import Membership, Role
from pilotbook.pilots.choices import Status
from pilotbook.pilots.forms import STEPS
from pilotbook.pilots.models import Pilot

ANSWERS = {
    "idea": {"title": "Text reminder for bin day", "problem": "Missed bins after holidays.",
             "change": "A text the day before a changed bin day."},
    "category": {"service_area": "waste", "intervention_type": "nudge"},
    "partners": {"partners": "Mobile network (none yet)"},
    "hypothesis": {"hypothesis": "Reminders reduce missed bins."},
    "outcome": {"outcome_name": "Missed bin reports", "outcome_unit": "reports per 1,000 households",
                "outcome_kind": "count", "better_direction": "lower"},
    "worthwhile": {"worthwhile_effect": "1.5", "secondary_outcomes": "Complaints"},
    "design": {"design": "randomised_cluster"},
    "sample": {"planned_sample": "20000", "planned_clusters": "40", "stopping_rule": "obrien_fleming",
               "interim_looks": "2"},
    "dates": {"start_date_0": "1", "start_date_1": "2", "start_date_2": "2027", "end_date_0": "30",
              "end_date_1": "4", "end_date_2": "2027", "results_due_date_0": "", "results_due_date_1": "",
              "results_due_date_2": ""},
    "costs": {"setup_cost": "1200", "running_cost": "350.50"},
    "visibility": {"visibility": "public"},
}


@pytest.fixture
def client(persona_client):
    return persona_client("officer")


def walk(client) -> Pilot:
    response = client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get(title=ANSWERS["idea"]["title"])
    assert response.url == reverse("pilot-step", args=[pilot.pk, "category"])
    for step in STEPS[1:]:
        response = client.post(reverse("pilot-step", args=[pilot.pk, step.slug]), ANSWERS[step.slug])
        assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == reverse("pilot-check", args=[pilot.pk])
    return Pilot.objects.get(pk=pilot.pk)


def test_every_question_page_saves_the_draft_and_leads_to_check_answers(client, home_council):
    pilot = walk(client)
    assert pilot.status == Status.DRAFT and pilot.council == home_council
    assert pilot.planned_clusters == 40 and str(pilot.worthwhile_effect) == "1.5000"
    assert pilot.results_due_date.isoformat() == "2027-07-23"  # 12 weeks after the end by default
    page = client.get(reverse("pilot-check", args=[pilot.pk])).content.decode()
    assert "Check your answers before registering" in page
    assert "Randomised by cluster" in page and "Level 5 of 5" in page
    assert "£1,200.00" in page and "There is a problem" not in page


def test_registering_from_check_answers_freezes_the_plan(client):
    pilot = walk(client)
    response = client.post(reverse("pilot-check", args=[pilot.pk]))
    assert response.url == pilot.get_absolute_url()
    pilot.refresh_from_db()
    assert pilot.status == Status.REGISTERED
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert pilot.registered_plan_hash in page and "Plan frozen" in page


def test_check_answers_lists_unanswered_questions_and_registering_is_refused(client):
    client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get()
    response = client.post(reverse("pilot-check", args=[pilot.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Answer the problem" not in page  # answered
    assert "Answer service area" in page and "Answer hypothesis" in page
    pilot.refresh_from_db()
    assert pilot.status == Status.DRAFT


def test_an_empty_first_page_shows_an_error_for_each_field_and_saves_nothing(client):
    response = client.post(reverse("pilot-create"), {"title": "", "problem": "", "change": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert 'href="#id_title"' in page and "Enter title of the pilot" in page
    assert "govuk-input--error" in page and "govuk-textarea--error" in page
    assert not Pilot.objects.exists()


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        ("category", {"service_area": "", "intervention_type": "nudge"}, "Select service area"),
        ("category", {"service_area": "not-a-thing", "intervention_type": "nudge"}, "Select a valid choice"),
        ("worthwhile", {"worthwhile_effect": "0"}, "must be greater than 0"),
        ("worthwhile", {"worthwhile_effect": "lots"}, "Enter a number"),
        ("sample", {"planned_sample": "1"}, "at least 2"),
        ("sample", {"planned_sample": "-5"}, "greater than or equal to 0"),
        ("sample", {"planned_sample": "100", "stopping_rule": "pocock"}, "Enter how many interim looks"),
        ("sample", {"planned_sample": "100", "stopping_rule": "pocock", "interim_looks": "9"}, "at most 5"),
        ("sample", {"planned_sample": "100"}, "Select whether you will look at the results"),
        ("costs", {"value_per_outcome": "-1"}, "cannot be negative"),
        ("dates", {"start_date_0": "31", "start_date_1": "2", "start_date_2": "2027", "end_date_0": "1",
                   "end_date_1": "3", "end_date_2": "2027"}, "Enter a real date"),
        ("dates", {"start_date_0": "1", "start_date_1": "", "start_date_2": "2027", "end_date_0": "1",
                   "end_date_1": "3", "end_date_2": "2027"}, "Enter a complete date"),
        ("dates", {"start_date_0": "1", "start_date_1": "5", "start_date_2": "2027", "end_date_0": "1",
                   "end_date_1": "3", "end_date_2": "2027"}, "must be the same as or after the start date"),
        ("dates", {"start_date_0": "1", "start_date_1": "1", "start_date_2": "2027", "end_date_0": "1",
                   "end_date_1": "3", "end_date_2": "2027", "results_due_date_0": "1",
                   "results_due_date_1": "2", "results_due_date_2": "2027"}, "cannot be due before"),
        ("costs", {"setup_cost": "-10", "running_cost": ""}, "cannot be negative"),
    ],
)
def test_bad_answers_get_a_clear_message_and_change_nothing(client, slug, data, message):
    client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get()
    before = pilot.plan()
    response = client.post(reverse("pilot-step", args=[pilot.pk, slug]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "There is a problem" in page
    pilot.refresh_from_db()
    assert pilot.plan() == before


def test_a_cluster_design_is_asked_for_its_clusters(client):
    client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get()
    client.post(reverse("pilot-step", args=[pilot.pk, "design"]), {"design": "randomised_cluster"})
    response = client.post(reverse("pilot-step", args=[pilot.pk, "sample"]), {"planned_sample": "100"})
    assert "Enter the planned number of clusters" in response.content.decode()


def test_change_links_from_check_answers_come_back_to_it(client):
    pilot = walk(client)
    url = reverse("pilot-step", args=[pilot.pk, "partners"]) + "?return=check"
    response = client.post(url, {"partners": "Bus operator"})
    assert response.url == reverse("pilot-check", args=[pilot.pk])


def test_someone_in_two_councils_chooses_which_one_runs_the_pilot(client, officer, other_council):
    Membership.objects.create(user=officer, council=other_council, role=Role.OFFICER)
    page = client.get(reverse("pilot-create")).content.decode()
    assert "Which council is running this pilot?" in page
    response = client.post(reverse("pilot-create"), ANSWERS["idea"])
    assert "Select the council running this pilot" in response.content.decode()
    assert not Pilot.objects.exists()
    client.post(reverse("pilot-create"), {**ANSWERS["idea"], "council": "OTH"})
    assert Pilot.objects.get().council == other_council


def test_a_registered_plan_sends_question_pages_to_amendment(client, home_council, officer):
    from .factories import make_pilot

    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    response = client.get(reverse("pilot-step", args=[pilot.pk, "sample"]))
    assert response.url == reverse("pilot-amend", args=[pilot.pk, "sample"])


def test_unknown_question_page_is_not_found(client, home_council, officer):
    from .factories import make_pilot

    pilot = make_pilot(home_council, officer)
    assert client.get(f"/pilots/{pilot.pk}/plan/nonsense/").status_code == 404


@pytest.mark.parametrize("slug", ["category", "outcome"])
def test_question_pages_show_no_blank_dashes_and_no_answer_chosen_until_one_is(client, slug):
    client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get()
    page = client.get(reverse("pilot-step", args=[pilot.pk, slug])).content.decode()
    assert "---------" not in page
    assert 'type="radio" value=""' not in page and " checked" not in page  # radios start with none chosen


def test_the_service_area_starts_on_a_prompt_that_is_not_an_answer(client):
    client.post(reverse("pilot-create"), ANSWERS["idea"])
    pilot = Pilot.objects.get()
    page = client.get(reverse("pilot-step", args=[pilot.pk, "category"])).content.decode()
    assert '<option value="" selected>Choose a service area</option>' in page
    page = client.post(reverse("pilot-step", args=[pilot.pk, "category"]), {"service_area": ""}).content.decode()
    assert "Select service area" in page and "Select intervention type" in page
    assert '<option value="" selected>Choose a service area</option>' in page


def test_an_answer_already_given_is_chosen_when_the_page_comes_back(client):
    pilot = walk(client)
    page = client.get(reverse("pilot-step", args=[pilot.pk, "outcome"])).content.decode()
    assert 'value="count" checked' in page and 'value="lower" checked' in page and "---------" not in page
    page = client.get(reverse("pilot-step", args=[pilot.pk, "category"])).content.decode()
    assert '<option value="waste" selected>' in page and "Choose a service area" in page
