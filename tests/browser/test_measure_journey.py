"""An officer uploads outcome data for a running pilot, maps its columns, reads the verdict with its chart and
records it; a bad file is explained by row and column. Each page ends with an axe check."""

from decimal import Decimal

from playwright.sync_api import expect

from pilotbook.pilots.choices import Status
from tests.factories import make_pilot

from .conftest import assert_accessible, sign_in

ROWS = ["household,group,days_to_contact,contacted"]
for i in range(120):
    new = i % 2 == 1
    days = (18 + (i * 7) % 20) if new else (40 + (i * 11) % 25)
    ROWS.append(f"H{i:04d},{'new letter' if new else 'old letter'},{days},{1 if i % 9 else 0}")
GOOD = ("\n".join(ROWS) + "\n").encode()
BAD = b"group,days_to_contact\nold letter,40\nnew letter,twenty\n"


def test_officer_uploads_data_and_records_the_verdict(page, wealden, wealden_officer, tmp_path):
    pilot = make_pilot(wealden, wealden_officer, status=Status.RUNNING, worthwhile_effect=Decimal("7"))
    good, bad = tmp_path / "outcomes.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)
    sign_in(page, "officer@wealden.example")
    page.goto(pilot.get_absolute_url())
    page.get_by_role("link", name="Measure the pilot").click()

    # A bad file is explained by row and column
    page.get_by_role("link", name="Upload a file with one row per person or unit").click()
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(str(bad))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which column says which group each row was in?").select_option("group")
    page.get_by_label("Which column holds the primary outcome?").select_option("days_to_contact")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("old letter").check()
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_test_id("data-problem")).to_contain_text("Row 3")
    expect(page.get_by_test_id("data-problem")).to_contain_text("twenty")
    assert_accessible(page)

    # A good file gives the analysis, its chart and table
    page.get_by_role("link", name="upload it again").click()
    assert_accessible(page)
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(str(good))
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_label("Which column says which group each row was in?").select_option("group")
    page.get_by_label("Which column holds the primary outcome?").select_option("days_to_contact")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    page.get_by_label("old letter").check()
    page.get_by_role("button", name="Analyse").click()
    expect(page.get_by_role("heading", name="What the data say")).to_be_visible()
    expect(page.get_by_role("img", name="Effect with its 95% confidence interval, in days")).to_be_visible()
    expect(page.get_by_role("table", name="The effect in numbers")).to_be_visible()
    page.get_by_text("Technical details").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record this as the result").click()

    # The pilot page shows the verdict in words, with the chart; the report prints the same
    expect(page.locator(".pb-verdict")).to_contain_text("Worked")
    expect(page.get_by_test_id("verdict-sentence")).to_contain_text("reduced days to contact")
    assert_accessible(page)
    page.get_by_role("link", name="Report for a committee (print layout)").click()
    page.emulate_media(media="print")
    expect(page.get_by_role("img", name="Effect with its 95% confidence interval, in days")).to_be_visible()
    assert_accessible(page)
