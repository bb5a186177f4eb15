"""A moderator groups published pilots that tried the same change and reads the pooled result and forest plot;
each page ends with an axe check."""

from decimal import Decimal

from playwright.sync_api import expect

from pilotbook.pilots import services
from pilotbook.pilots.choices import Status
from tests.factories import LESSONS, make_pilot

from .conftest import PASSWORD, assert_accessible, sign_in


def test_moderator_pools_two_councils_pilots(page, wealden, leeds, wealden_officer, leeds_officer, django_user_model):
    for council, officer, (estimate, low, high) in ((wealden, wealden_officer, ("-20", "-27", "-13")),
                                                    (leeds, leeds_officer, ("-14", "-22", "-6"))):
        pilot = make_pilot(council, officer, Status.RUNNING, title=f"Clearer letter at {council.name}",
                           visibility="public", intervention_type="letter_message")
        services.result_record(pilot=pilot, user=officer, estimate=Decimal(estimate), ci_low=Decimal(low),
                               ci_high=Decimal(high))
        services.pilot_publish(pilot=pilot, user=officer, lessons=LESSONS)
    moderator = django_user_model.objects.create_user(email="mod@pilotbook.example", full_name="Mo Moderator",
                                                      password=PASSWORD)
    moderator.is_moderator = True
    moderator.save()

    sign_in(page, "mod@pilotbook.example")
    page.goto("/evidence/pooled/")
    page.get_by_role("link", name="Make a pooled group").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title for the group")
    assert_accessible(page)
    page.get_by_label("Title").fill("Clearer arrears letters")
    page.get_by_label("The comparable outcome").fill("Days from first letter to contact")
    page.get_by_role("button", name="Save").click()
    for name in (wealden.name, leeds.name):
        page.get_by_label("Pilot to add").select_option(label=f"Clearer letter at {name} ({name}, "
                                                        "A measurement (for example an amount in pounds))")
        page.get_by_role("button", name="Add pilot").click()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the group").click()
    expect(page.get_by_test_id("pooled-summary")).to_contain_text("Across 2 pilots")
    expect(page.get_by_role("img", name="Forest plot")).to_be_visible()
    expect(page.get_by_role("table", name="The forest plot in numbers")).to_be_visible()
    assert_accessible(page)
