"""The pilot page, amendments with a readable diff, and the lifecycle pages."""

import json

import pytest
from django.urls import reverse

from pilotbook.pilots import plan
from pilotbook.pilots.choices import Status

from .factories import LESSONS, make_pilot


@pytest.fixture
def client(persona_client):
    return persona_client("officer")


def test_amending_shows_reason_before_and_after_and_when(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    response = client.post(reverse("pilot-amend", args=[pilot.pk, "idea"]), {
        "title": pilot.title, "problem": pilot.problem,
        "change": "A shorter, clearer first letter with a tear-off reply slip and a freepost envelope.",
        "reason": "The print supplier offered freepost at no cost.", "results_seen": "no"})
    assert response.status_code == 302
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "Amendment 1" in page and "The print supplier offered freepost" in page
    assert "Before results were seen" in page
    assert '<ins class="pb-diff-new">' in page and "tear-off reply slip" in page
    pilot.refresh_from_db()
    assert pilot.plan_hash in page and pilot.registered_plan_hash in page


def test_an_amendment_without_reason_or_change_is_refused(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    url = reverse("pilot-amend", args=[pilot.pk, "sample"])
    page = client.post(url, {"planned_sample": "500"}).content.decode()
    assert "Enter the reason for the change" in page and "Select whether you had seen any outcome data" in page
    unchanged = {"planned_sample": "400", "stopping_rule": "none", "reason": "x", "results_seen": "no"}
    page = client.post(url, unchanged).content.decode()
    assert "Nothing in the plan was changed" in page
    assert pilot.amendments.count() == 0


def test_plan_json_lets_anyone_recompute_the_hash(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    data = json.loads(client.get(reverse("pilot-plan-json", args=[pilot.pk])).content)
    assert plan.plan_hash(data["registered_plan"]) == data["registered_plan_sha256"] == pilot.registered_plan_hash
    import hashlib

    assert hashlib.sha256(data["registered_plan_canonical_json"].encode()).hexdigest() == pilot.registered_plan_hash


def test_the_whole_lifecycle_through_the_pages(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    assert client.post(reverse("pilot-start", args=[pilot.pk])).status_code == 302
    response = client.post(reverse("pilot-result", args=[pilot.pk]), {
        "estimate": "-24.5", "ci_low": "-31.2", "ci_high": "-17.8", "sample_size": "588",
        "method": "Welch", "summary": "Contact came sooner."})
    assert response.status_code == 302
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "Verdict: Worked" in page
    assert "probably reduced days to contact by between 17.8 and 31.2 days" in page
    client.post(reverse("pilot-publish", args=[pilot.pk]), {**LESSONS, "visibility": "councils"})
    pilot.refresh_from_db()
    assert pilot.status == Status.PUBLISHED and pilot.published_at


def test_lessons_longer_than_a_short_read_are_refused_with_the_count(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RESULTS_RECORDED)
    data = {**LESSONS, "lessons_happened": "x" * 100_000, "visibility": "councils"}
    page = client.post(reverse("pilot-publish", args=[pilot.pk]), data).content.decode()
    assert "What happened must be 2,000 characters or fewer (it has 100000)" in page
    pilot.refresh_from_db()
    assert pilot.status == Status.RESULTS_RECORDED and pilot.lessons_happened == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"estimate": "", "ci_low": "-1", "ci_high": "1"}, "Enter the effect"),
        ({"estimate": "ten", "ci_low": "-1", "ci_high": "1"}, "Effect must be a number"),
        ({"estimate": "5", "ci_low": "-1", "ci_high": "1"}, "must lie between the lower and upper ends"),
        ({"estimate": "1", "ci_low": "NaN", "ci_high": "2"}, "95% confidence interval: lower end must be a number"),
        ({"estimate": "1", "ci_low": "0", "ci_high": "Infinity"}, "95% confidence interval: upper end must be a"),
        ({"estimate": "-inf", "ci_low": "0", "ci_high": "1"}, "Effect must be a number"),
    ],
)
def test_bad_results_get_clear_messages(client, home_council, officer, data, message):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    page = client.post(reverse("pilot-result", args=[pilot.pk]), data).content.decode()
    assert message in page
    pilot.refresh_from_db()
    assert pilot.status == Status.RUNNING


def test_stopping_early_needs_a_reason_which_is_then_shown(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    url = reverse("pilot-end-early", args=[pilot.pk])
    page = client.post(url, {"status": "stopped_early"}).content.decode()
    assert "Enter the reason" in page and "Select the main reason the pilot is stopping early" in page
    client.post(url, {"status": "stopped_early", "reason": "No difference at the interim look.",
                      "failure_reason": "idea_did_not_work"})
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "Stopped early" in page and "No difference at the interim look." in page
    assert "The idea did not work" in page


def test_a_wrong_lifecycle_step_shows_a_message_not_an_error(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    response = client.post(reverse("pilot-start", args=[pilot.pk]))
    assert response.status_code == 200 and "cannot be moved to running" in response.content.decode()


def test_sharing_can_be_changed_without_an_amendment(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    client.post(reverse("pilot-sharing", args=[pilot.pk]), {"visibility": "public"})
    pilot.refresh_from_db()
    assert pilot.visibility == "public" and pilot.amendments.count() == 0


def test_demo_pilots_say_so_on_their_page(client, home_council, officer):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    pilot.is_demo = True
    pilot.save()
    assert "Demo data: this pilot is fictional" in client.get(pilot.get_absolute_url()).content.decode()


def test_browse_filters_by_every_facet(client, home_council, other_council, officer, other_officer):
    make_pilot(home_council, officer, status=Status.REGISTERED, title="Waste nudge", service_area="waste",
               intervention_type="nudge", design="before_after_only")
    make_pilot(other_council, other_officer, status=Status.PUBLISHED, title="Housing letter")
    url = reverse("pilot-list")
    cases = {"service_area=waste": "Waste nudge", "intervention_type=nudge": "Waste nudge",
             "design=before_after_only": "Waste nudge", "status=published": "Housing letter",
             "council=OTH": "Housing letter", "q=housing+letter": "Housing letter", "nation=England": None}
    for query, only in cases.items():
        page = client.get(f"{url}?{query}").content.decode()
        if only is None:
            assert "Waste nudge" in page and "Housing letter" in page
        else:
            other = ({"Waste nudge", "Housing letter"} - {only}).pop()
            assert only in page and other not in page, query


def test_browse_offers_only_councils_whose_pilots_the_person_may_see_and_attribute(client, home_council,
                                                                                 other_council, officer,
                                                                                 other_officer):
    from .factories import CouncilFactory

    make_pilot(home_council, officer, status=Status.PUBLISHED, title="Named letter", visibility="public")
    make_pilot(other_council, other_officer, status=Status.PUBLISHED, title="Nameless letter",
               visibility="public_anonymous")
    make_pilot(CouncilFactory(code="DRF", name="Draftington"), officer, title="Only a draft")
    page = client.get(reverse("pilot-list")).content.decode()
    assert "Nameless letter" in page and '<option value="HOM">Homeshire</option>' in page
    assert "Otherborough" not in page and "Draftington" not in page
    # The API takes any council's code, and answers one whose pilots are all withheld or drafts as it answers one
    # with none: an empty list.
    for code in ("OTH", "DRF"):
        assert client.get(reverse("api-pilots") + f"?council={code}").json()["results"] == []
    client.force_login(other_officer)
    assert '<option value="OTH">Otherborough</option>' in client.get(reverse("pilot-list")).content.decode()


def test_browse_reports_an_invalid_filter_instead_of_failing(client):
    response = client.get(reverse("pilot-list") + "?status=bogus")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_dashboard_shows_what_is_due_and_what_is_overdue(client, home_council, officer):
    import datetime as dt

    make_pilot(home_council, officer, status=Status.RUNNING, title="Late one",
               start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 3, 1), results_due_date=dt.date(2025, 5, 1))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Record the result" in page and "Overdue" in page and "Late one" in page


def test_listing_many_pilots_checks_membership_once_not_per_pilot(client, home_council, officer,
                                                                  django_assert_max_num_queries):
    for i in range(15):
        make_pilot(home_council, officer, status=Status.PUBLISHED, title=f"Pilot {i}", visibility="public_anonymous")
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("pilot-list")).content.decode()
    assert page.count(home_council.name) >= 15


def test_home_counts_councils_without_giving_away_one_that_withheld_its_name(client, home_council, other_council,
                                                                            officer, other_officer):
    make_pilot(home_council, officer, status=Status.PUBLISHED, visibility="public")
    make_pilot(other_council, other_officer, status=Status.PUBLISHED, visibility="public_anonymous")
    # Two councils, but the public may not know the second is not Homeshire: the fewest there can be.
    assert "2 pilots you can see, from at least 1 council." in client.get(reverse("home")).content.decode()
    client.force_login(other_officer)
    assert "2 pilots you can see, from 2 councils." in client.get(reverse("home")).content.decode()
