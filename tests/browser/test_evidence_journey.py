"""A visitor checks whether an idea has been tried, searches the evidence base with a facet, and reads what
didn't work; each page ends with an axe check."""

from decimal import Decimal

from playwright.sync_api import expect

from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot
from tests.evidence.test_search import ARREARS, BIN_TEXTS
from tests.factories import LESSONS, make_pilot

from .conftest import assert_accessible


def test_visitor_checks_an_idea_searches_and_reads_what_did_not_work(page, wealden, leeds, wealden_officer,
                                                                    leeds_officer):
    sms = make_pilot(leeds, leeds_officer, Status.RUNNING, visibility="public", **BIN_TEXTS)
    services.result_record(pilot=sms, user=leeds_officer, estimate=Decimal("-1"), ci_low=Decimal("-3"),
                           ci_high=Decimal("1"))
    services.pilot_publish(pilot=sms, user=leeds_officer, lessons=LESSONS, failure_reason="idea_did_not_work")
    make_pilot(wealden, wealden_officer, Status.PUBLISHED, visibility="public", **ARREARS)

    page.goto("/")
    page.get_by_role("link", name="Before you start").click()
    page.get_by_label("Describe your idea").fill(
        "Send residents an SMS the evening before collection day about which bin to put out")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_test_id("suggestion")).to_contain_text("SMS alerts ahead of collection day")
    expect(page.get_by_test_id("suggestion")).to_contain_text("The idea did not work")
    assert_accessible(page)

    page.get_by_role("link", name="Evidence", exact=True).click()
    page.get_by_label("Search published pilots").fill("rent arrears letter")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result").first).to_contain_text("Clearer rent arrears letter")
    expect(page.locator("mark").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Housing and homelessness").click()
    expect(page.get_by_role("status")).to_contain_text("1 published pilot")

    page.get_by_role("link", name="See what didn't work").click()
    expect(page.get_by_test_id("failure")).to_contain_text("SMS alerts ahead of collection day")
    assert_accessible(page)


# A real published case study (pilotbook/evidence/data/starter/) and an idea an officer might type about it.
GLASGOW = "r1-glasgow-pregnancy-smoking-voucher-incentives-rct"
STARTER_FEW = (GLASGOW, "r1-havering-two-bag-challenge", "r1-kent-domestic-abuse-support-uptake",
               "r1-warwickshire-dsl-mash-calls", "r1-halton-library-fines-trial", "r1-craven-cctv-switch-off",
               "r1-liverpool-city-bike-closed", "r1-drive-domestic-abuse-perpetrator-pilot",
               "r1-falkirk-attendance-text-alerts", "r2-fnp-building-blocks-rct")


def test_an_officer_sees_the_case_study_that_tried_their_idea_first_labelled_the_same_idea(page, wealden,
                                                                                            wealden_officer):
    from tests.evidence.collection import bench_module, load_starter

    from .conftest import sign_in

    pilots = load_starter(bench_module(), STARTER_FEW)
    glasgow = Pilot.objects.get(pk=pilots[GLASGOW])

    sign_in(page, wealden_officer.email)
    page.goto("/evidence/before-you-start/")
    page.get_by_label("Describe your idea").fill(
        "Incentive scheme for pregnant smokers - shopping vouchers if they quit and it's confirmed by CO test.")
    page.get_by_role("button", name="Check").click()
    top = page.get_by_test_id("suggestion").first
    expect(top).to_contain_text(glasgow.title)
    expect(top.get_by_test_id("closeness")).to_contain_text("The same idea")
    expect(top).to_contain_text(glasgow.result.get_verdict_display())
    assert page.get_by_test_id("suggestion").count() <= 5
    assert_accessible(page)

    top.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_test_id("dismissed-notice")).to_contain_text("You dismissed 1 suggestion.")
    expect(page.get_by_text(glasgow.title)).to_have_count(0)
    assert_accessible(page)

    page.goto(glasgow.get_absolute_url())
    expect(page.get_by_role("heading", name="Similar pilots elsewhere")).to_be_visible()


def test_visitor_finds_case_studies_several_councils_or_an_organisation_ran(page, wealden, leeds, tmp_path):
    """Imported case studies: one two councils ran, found under each; one a charity ran whose source reported no
    outcome, counted apart and said so on its page."""
    import json

    from django.core.management import call_command

    records = [
        {"external_id": "j-1", "title": "Shared bin day texts", "summary": "Two councils texted residents.",
         "council_codes": ["WEA", "LDS"], "year": 2022, "verdict": "worked", "effect": "missed bins down 18%",
         "source_url": "https://case-studies.example.invalid/j-1", "source_name": "Example library (fictional)",
         "further_sources": ["https://reports.example.invalid/j-1"], "licence": "Example text (fictional)"},
        {"external_id": "o-1", "title": "Library litter-picking kits", "summary": "A charity lent litter pickers.",
         "organisation": "Example Tidy Streets Trust", "country": "GB", "verdict": "not_reported", "stopped": True},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    call_command("import", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    page.goto("/evidence/")
    expect(page.get_by_role("navigation", name="Narrow the results")).to_contain_text("Outcome not reported")
    assert_accessible(page)
    page.get_by_role("link", name="Not reported by the source").click()
    expect(page.get_by_test_id("result")).to_contain_text("Example Tidy Streets Trust (United Kingdom)")
    page.get_by_role("link", name="Library litter-picking kits").click()
    expect(page.get_by_test_id("reported-verdict")).to_contain_text("reports no measured outcome")
    expect(page.get_by_test_id("no-lessons")).to_have_text("Lessons not recorded by the source.")
    expect(page.get_by_test_id("stopped")).to_be_visible()
    assert_accessible(page)

    page.goto("/councils/LDS/")
    page.get_by_role("link", name="Shared bin day texts").click()
    expect(page.get_by_test_id("case-study")).to_contain_text("Example library (fictional)")
    expect(page.get_by_test_id("licence")).to_have_text("Example text (fictional)")
    assert_accessible(page)
