"""The evidence-base pages: search with facets and highlights, before you start (with dismissal), the
"what didn't work" register, and the check on the first registration page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from pilotbook.web import versions
from tests.factories import LESSONS, make_pilot

from .test_search import ARREARS, BIN_TEXTS, CREWS, publish

pytestmark = pytest.mark.django_db


def failed(council, user, reason, **fields):
    """A published pilot with no worthwhile effect (continuous, lower is better, worthwhile 7)."""
    pilot = make_pilot(council, user, Status.RUNNING, **fields)
    services.result_record(pilot=pilot, user=user, estimate=Decimal("-1"), ci_low=Decimal("-3"),
                           ci_high=Decimal("1"))
    services.pilot_publish(pilot=pilot, user=user, lessons=LESSONS, failure_reason=reason)
    return pilot


def test_search_highlights_matches_and_only_shows_what_the_visitor_may_see(client, home_council, officer):
    crews = publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    publish(home_council, officer, Status.PUBLISHED, visibility="councils", **BIN_TEXTS)
    publish(home_council, officer, Status.REGISTERED, visibility="public", title="Binmen draft idea")
    page = client.get(reverse("evidence-search"), {"q": "binmen"}).content.decode()
    assert crews.get_absolute_url() in page and "<mark>Waste operatives</mark>" in page
    assert "SMS alerts" not in client.get(reverse("evidence-search"), {"q": "sms"}).content.decode()
    client.force_login(officer)
    assert "SMS alerts" in client.get(reverse("evidence-search"), {"q": "sms"}).content.decode()
    assert "Binmen draft idea" not in client.get(reverse("evidence-search"), {"q": "binmen"}).content.decode()


def test_facets_count_and_narrow_the_results(client, home_council, officer):
    publish(home_council, officer, Status.PUBLISHED, **CREWS)
    publish(home_council, officer, Status.PUBLISHED, **BIN_TEXTS)
    publish(home_council, officer, Status.PUBLISHED, **ARREARS)
    client.force_login(officer)
    page = client.get(reverse("evidence-search")).content.decode()
    assert "Waste and recycling</a> (2)" in page and "Housing and homelessness</a> (1)" in page
    page = client.get(reverse("evidence-search"), {"service_area": "housing"}).content.decode()
    assert "Clearer rent arrears letter" in page and "SMS alerts" not in page
    assert "1 published pilot" in page


def test_embargoed_results_stay_out_until_the_date(client, home_council, officer, other_officer):
    pilot = make_pilot(home_council, officer, Status.RESULTS_RECORDED, visibility="public", **ARREARS)
    services.pilot_publish(pilot=pilot, user=officer, lessons=LESSONS,
                           embargo_until=timezone.localdate() + timedelta(days=10))
    assert "Clearer rent arrears letter" not in client.get(reverse("evidence-search")).content.decode()
    client.force_login(other_officer)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "under embargo until" in page and "Verdict:" not in page
    client.force_login(officer)
    assert "Verdict:" in client.get(pilot.get_absolute_url()).content.decode()
    # The embargo's end brought forward, written without signals, so say so (a real embargo ends by time alone:
    # tests/test_page_cache.py checks that the version changes then with no write).
    Pilot.objects.filter(pk=pilot.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    versions.bump()
    client.logout()
    assert "Clearer rent arrears letter" in client.get(reverse("evidence-search")).content.decode()


def test_a_withheld_name_cannot_be_found_by_filtering_on_nation(client, home_council, officer, other_officer):
    pilot = publish(home_council, officer, Status.PUBLISHED, visibility="public_anonymous", **ARREARS)
    client.force_login(other_officer)
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "name withheld" in page and home_council.name not in page
    page = client.get(reverse("evidence-search"), {"nation": home_council.nation}).content.decode()
    assert "Clearer rent arrears letter" not in page
    assert "Clearer rent arrears letter" in client.get(reverse("evidence-search")).content.decode()
    client.force_login(officer)
    assert home_council.name in client.get(pilot.get_absolute_url()).content.decode()


def test_before_you_start_shows_the_closest_pilots_elsewhere_and_they_can_be_dismissed(
        client, home_council, other_council, officer, other_officer):
    elsewhere = failed(other_council, other_officer, "idea_did_not_work", **BIN_TEXTS)
    publish(home_council, officer, Status.PUBLISHED, title="Our own SMS pilot", **{
        k: v for k, v in BIN_TEXTS.items() if k != "title"})
    client.force_login(officer)
    url = reverse("before-you-start")
    idea = {"idea": "Send residents an SMS the evening before collection day about which bin to put out"}
    page = client.get(url, idea).content.decode()
    assert elsewhere.title in page and "No worthwhile effect" in page and "The idea did not work" in page
    assert 'data-closeness="same"' in page and "The same idea" in page
    assert "Our own SMS pilot" not in page  # your own council's pilots are not "others"
    response = client.post(reverse("dismiss-suggestion", args=[elsewhere.pk]), {"next": url})
    assert response.status_code == 302
    page = client.get(url, idea).content.decode()
    assert elsewhere.title not in page and 'data-testid="no-suggestions"' in page
    assert "You dismissed 1 suggestion." in page and "No other published pilot comes close to this idea" in page
    client.post(reverse("restore-suggestions"), {"next": url})
    page = client.get(url, idea).content.decode()
    assert elsewhere.title in page and "You dismissed" not in page


def test_before_you_start_is_worked_out_once_per_data_version_and_audience(
        client, home_council, other_council, officer, other_officer):
    from pilotbook.evidence import selectors

    elsewhere = publish(other_council, other_officer, Status.PUBLISHED, visibility="public", **BIN_TEXTS)
    url, idea = reverse("before-you-start"), {"idea": "Text residents the evening before bin collection day"}
    worked_out = []
    real = selectors.suggestions_for

    def counted(*args, **kwargs):
        worked_out.append(kwargs["exclude_council"])
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pilotbook.evidence.views.suggestions_for", counted)
        for _ in range(2):
            assert elsewhere.title in client.get(url, idea).content.decode()
        assert worked_out == [None]  # signed out, asked twice: worked out once
        client.force_login(other_officer)  # another audience, whose own council's pilot is not suggested
        assert elsewhere.title not in client.get(url, idea).content.decode()
        assert worked_out == [None, other_council.pk]
        client.force_login(officer)
        assert elsewhere.title in client.get(url, idea).content.decode()
        client.post(reverse("dismiss-suggestion", args=[elsewhere.pk]), {"next": url})
        assert elsewhere.title not in client.get(url, idea).content.decode()  # what is dismissed is part of the key
        assert len(worked_out) == 4
        Pilot.objects.filter(pk=elsewhere.pk).update(title="Evening texts before bin day")
        versions.bump()  # a data change: worked out again
        client.post(reverse("restore-suggestions"), {"next": url})
        assert "Evening texts before bin day" in client.get(url, idea).content.decode()
        assert len(worked_out) == 5


def test_before_you_start_needs_a_description(client):
    page = client.get(reverse("before-you-start"), {"idea": ""}).content.decode()
    assert "Describe your idea to see whether others have tried it" in page


def test_the_failure_register_counts_reasons_across_councils(client, home_council, other_council, officer,
                                                             other_officer):
    failed(home_council, officer, "too_small", title="Small one", visibility="public")
    failed(other_council, other_officer, "too_small", title="Another small one", visibility="public")
    failed(other_council, other_officer, "partner_withdrew", title="Partner left", visibility="public")
    stopped = make_pilot(home_council, officer, Status.RUNNING, title="Stopped one", visibility="public")
    services.pilot_end_early(pilot=stopped, user=officer, status=Status.STOPPED_EARLY, reason="No staff.",
                             failure_reason="not_delivered")
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **ARREARS)  # it worked: not listed
    page = client.get(reverse("failure-register")).content.decode()
    assert "All 4 pilots" in page and "Clearer rent arrears letter" not in page
    row = page[page.index("Too small to tell"):][:300]
    assert ">2</td>" in row and row.count(">2</td>") == 2  # 2 pilots at 2 councils
    page = client.get(reverse("failure-register"), {"reason": "not_delivered"}).content.decode()
    assert "Stopped one" in page and "Small one" not in page


def test_the_failure_register_does_not_count_a_withheld_council_as_one_of_its_own(
        client, home_council, other_council, officer, other_officer):
    failed(home_council, officer, "too_small", title="Small one", visibility="public")
    failed(other_council, other_officer, "too_small", title="Nameless small one", visibility="public_anonymous")

    def row():
        page = client.get(reverse("failure-register")).content.decode()
        return page[page.index("Too small to tell"):][:300]

    # Counting Otherborough would tell the public the nameless pilot is not Homeshire's: the fewest there can be.
    assert ">2</td>" in row() and row().count(">at least 1</td>") == 1  # 2 pilots, at 1 council or more
    client.force_login(other_officer)
    assert row().count(">2</td>") == 2


def test_a_failure_reason_that_is_not_one_of_the_list_is_named_and_every_reason_shown(client, home_council, officer):
    failed(home_council, officer, "too_small", title="Small one", visibility="public")
    page = client.get(reverse("failure-register"), {"reason": "not-a-reason"}).content.decode()
    assert "govuk-error-summary" in page and "Reason: there is no such reason; choose one from the table" in page
    assert "Small one" in page


def test_the_first_registration_page_checks_for_similar_pilots_without_saving(
        client, home_council, other_council, officer, other_officer):
    elsewhere = publish(other_council, other_officer, Status.PUBLISHED, **BIN_TEXTS)
    client.force_login(officer)
    page = client.post(reverse("pilot-create"), {
        "title": "Bin day texts", "problem": "Residents unsure of their collection day call us.",
        "change": "Send residents an SMS the evening before collection day about which bin to put out",
        "check": "1"}).content.decode()
    assert 'data-testid="before-you-start"' in page and elsewhere.title in page
    assert 'value="Bin day texts"' in page  # what they typed is kept
    assert not Pilot.objects.filter(title="Bin day texts").exists()


def _pool(pilots, title="Bin day reminders pooled"):
    from pilotbook.evidence.models import PooledGroup, PooledMembership

    group = PooledGroup.objects.create(title=title, slug="bin-day-reminders", outcome="Missed bins",
                                       intervention_type=pilots[0].intervention_type)
    for pilot in pilots:
        PooledMembership.objects.create(group=group, pilot=pilot)
    return group


def test_dismissing_a_suggestion_on_the_registration_page_keeps_what_was_typed(
        client, home_council, other_council, officer, other_officer):
    elsewhere = publish(other_council, other_officer, Status.PUBLISHED, **BIN_TEXTS)
    group = _pool([elsewhere])
    client.force_login(officer)
    typed = {"title": "Bin day texts", "problem": "Residents unsure of their collection day call us.",
             "change": "Send residents an SMS the evening before collection day about which bin to put out"}
    page = client.post(reverse("pilot-create"), {**typed, "check": "1"}).content.decode()
    assert elsewhere.title in page
    assert group.title in page and 'data-testid="pooled-evidence"' in page  # the pooled evidence is shown too
    back = reverse("pilot-create") + "?checked=1"
    assert f'name="next" value="{back}"' in page
    response = client.post(reverse("dismiss-suggestion", args=[elsewhere.pk]), {"next": back})
    assert response.status_code == 302 and response.url == back
    page = client.get(back).content.decode()
    assert 'value="Bin day texts"' in page and "Residents unsure of their collection day call us." in page
    assert 'data-testid="before-you-start"' in page and elsewhere.title not in page
    client.post(reverse("pilot-create"), typed)  # saving the draft forgets what was typed for the check
    assert Pilot.objects.filter(title="Bin day texts").exists()
    assert 'value="Bin day texts"' not in client.get(back).content.decode()


def test_before_you_start_shows_the_pooled_evidence_for_the_suggested_pilots(
        client, home_council, other_council, officer, other_officer):
    elsewhere = failed(other_council, other_officer, "idea_did_not_work", visibility="public", **BIN_TEXTS)
    group = _pool([elsewhere])
    idea = {"idea": "Send residents an SMS the evening before collection day about which bin to put out"}
    page = client.get(reverse("before-you-start"), idea).content.decode()
    assert elsewhere.title in page
    block = page[page.index('data-testid="pooled-evidence"'):]
    assert group.get_absolute_url() in block and "1 pilot pooled" in block
    assert "Fewer than two of the pilots you can see give this measure" in block


def test_checking_an_empty_idea_asks_for_it_instead_of_saying_nothing_matched(client, home_council, officer):
    client.force_login(officer)
    page = client.post(reverse("pilot-create"), {"title": "", "problem": "", "change": "", "check": "1"})
    text = page.content.decode()
    assert "govuk-error-summary" in text and 'data-testid="before-you-start"' not in text
    assert not Pilot.objects.exists()


@pytest.mark.parametrize("year", ["0", "99999", "²", "abc"])
def test_an_impossible_year_is_named_on_the_page_and_refused_by_the_download(client, home_council, officer, year):
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **ARREARS)
    page = client.get(reverse("evidence-search"), {"year": year})
    text = page.content.decode()
    assert page.status_code == 200 and "0 published pilots" in text
    assert "govuk-error-summary" in text and "Year published: enter a year as four digits" in text
    response = client.get("/export/evidence.json", {"year": year})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"parameter": "year", "detail": "enter a year as four digits, such as 2026"}]


@pytest.mark.parametrize("facet", ["service_area", "intervention_type", "verdict", "design", "nation", "council_type"])
@pytest.mark.parametrize("value", ["no-such-value", "x" * 5000, "\u2028", "England "])
def test_a_facet_value_that_is_not_one_of_its_own_is_named_not_searched_for(client, home_council, officer, facet,
                                                                             value):
    publish(home_council, officer, Status.PUBLISHED, visibility="public", **ARREARS)
    page = client.get(reverse("evidence-search"), {facet: value})
    text = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in text and "0 published pilots" in text
    assert "there is no such value here; choose one under" in text
    response = client.get("/export/evidence.csv", {facet: value})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["parameter"] == facet and "is not one of its values" in error["detail"]


@pytest.mark.parametrize("back", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_dismissing_never_sends_people_to_another_site(client, db, back):
    response = client.post(reverse("dismiss-suggestion", args=[1]), {"next": back})
    assert response.status_code == 302 and response.url == reverse("before-you-start")
    response = client.post(reverse("restore-suggestions"), {"next": back})
    assert response.url == reverse("before-you-start")


def test_a_result_without_a_service_area_lists_no_empty_one(client, home_council, officer):
    crews = publish(home_council, officer, Status.PUBLISHED, visibility="public", **CREWS)
    Pilot.objects.filter(pk=crews.pk).update(service_area="")  # as an imported case study may have
    page = client.get(reverse("evidence-search"), {"q": "binmen"}).content.decode()
    assert "Homeshire · <strong" in page and "·  ·" not in page
