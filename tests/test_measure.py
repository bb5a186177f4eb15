"""Measuring a running pilot in the web app: upload, map columns, choose the comparison, see and record the verdict."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import numpy as np
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pilotbook.pilots import measure
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Analysis, PendingUpload
from pilotbook.stats.analysis import AnalysisSpec, analyse
from pilotbook.stats.dataset import build_dataset, read_table

from .factories import make_pilot

pytestmark = pytest.mark.django_db

BINARY_PLAN = {"outcome_name": "Paid on time", "outcome_unit": "percentage points", "outcome_kind": "binary",
               "better_direction": "higher", "worthwhile_effect": Decimal("5")}


def binary_csv(n=400, p_old=0.50, p_new=0.65, seed=3) -> bytes:
    rng = np.random.default_rng(seed)
    lines = ["reference,group,paid"]
    for i in range(n):
        group = "new letter" if i % 2 else "old letter"
        paid = int(rng.random() < (p_new if i % 2 else p_old))
        lines.append(f"R{i:05d},{group},{'yes' if paid else 'no'}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def running_binary(home_council, officer):
    return make_pilot(home_council, officer, status=Status.RUNNING, **BINARY_PLAN)


def upload(client, pilot, content: bytes, name="outcomes.csv"):
    return client.post(reverse("measure-upload", args=[pilot.pk]), {"file": SimpleUploadedFile(name, content)})


def test_upload_map_choose_comparison_analyse_and_record(client, officer, running_binary):
    pilot = running_binary
    client.force_login(officer)
    content = binary_csv()
    response = upload(client, pilot, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = PendingUpload.objects.get().token
    assert response.url == reverse("measure-columns", args=[pilot.pk, token])

    page = client.get(response.url).content.decode()
    assert "400 rows" in page and "reference" in page
    response = client.post(response.url, {"arm": "group", "outcome": "paid"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "old letter (200 rows)" in page
    response = client.post(response.url, {"control": "old letter"})
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    assert response.url == analysis.get_absolute_url()

    # The file is gone; only totals are kept, and nothing from the reference column.
    assert not PendingUpload.objects.exists()
    stored = json.dumps(analysis.dataset)
    assert "R00001" not in stored and len(stored) < 2000
    assert analysis.row_count == 400

    # The same numbers the engine gives on the file directly.
    expected = analyse(build_dataset(read_table(content, filename="x.csv"), kind="binary", arm="group",
                                     control="old letter", outcome="paid"),
                       AnalysisSpec(kind="binary", control="old letter", worthwhile=0.05)).to_dict()
    diff = expected["comparisons"][0]["difference"]
    assert analysis.output["comparisons"][0]["difference"]["estimate"] == pytest.approx(diff["estimate"])

    page = client.get(response.url).content.decode()
    assert "Record this as the result" in page and "<svg" in page and "The effect in numbers" in page
    response = client.post(response.url, {"summary": "Sent to 400 households."})
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == Status.RESULTS_RECORDED
    result = pilot.result
    assert result.analysis == analysis
    # Percentage points in the result, fractions in the engine.
    assert float(result.estimate) == pytest.approx(diff["estimate"] * 100, abs=1e-3)
    assert float(result.ci_low) == pytest.approx(diff["ci_low"] * 100, abs=1e-3)
    assert result.verdict == expected["comparisons"][0]["verdict"]
    assert result.sample_size == 400

    page = client.get(pilot.get_absolute_url()).content.decode()
    assert 'data-testid="verdict-sentence"' in page and "Technical details" in page
    assert 'role="img"' in page and "R00001" not in page
    report = client.get(reverse("pilot-report", args=[pilot.pk])).content.decode()
    assert "effect-chart-title" in report


def test_xlsx_upload_works_like_csv(client, officer, running_binary):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["group", "paid"])
    for i in range(60):
        sheet.append(["A" if i % 2 else "B", i % 3 == 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(officer)
    response = upload(client, running_binary, buffer.getvalue(), name="outcomes.xlsx")
    assert response.status_code == 302
    response = client.post(response.url, {"arm": "group", "outcome": "paid"})
    response = client.post(response.url, {"control": "B"})
    assert response.status_code == 302
    assert Analysis.objects.get().row_count == 60


def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_saved(client, officer, running_binary):
    client.force_login(officer)
    content = b"group,paid\nold,1\nnew,0\nold,maybe\nnew,1\n"
    response = upload(client, running_binary, content)
    response = client.post(response.url, {"arm": "group", "outcome": "paid"})
    response = client.post(response.url, {"control": "old"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Row 4" in page and "paid" in page and "maybe" in page
    assert not Analysis.objects.exists()
    running_binary.refresh_from_db()
    assert running_binary.status == Status.RUNNING


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", b"hello", "must be a CSV or XLSX file"),
    ("empty.csv", b"", "The selected file is empty"),
])
def test_unreadable_uploads_get_a_clear_message(client, officer, running_binary, name, content, message):
    client.force_login(officer)
    response = upload(client, running_binary, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PendingUpload.objects.exists()


@override_settings(PILOTBOOK_MAX_UPLOAD_BYTES=1000)
def test_uploads_over_the_limit_are_refused(client, officer, running_binary):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=200))
    assert "must be smaller than" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_choosing_the_same_column_twice_is_an_error(client, officer, running_binary):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=20))
    response = client.post(response.url, {"arm": "paid", "outcome": "paid"})
    assert response.status_code == 200
    assert "Each question needs a different column" in response.content.decode()


def test_another_persons_upload_cannot_be_used(client, officer, champion, running_binary):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=20))
    client.force_login(champion)
    assert client.get(response.url).status_code == 302  # back to upload: not theirs
    assert PendingUpload.objects.count() == 1


def test_summary_figures_give_a_verdict(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)  # continuous, lower is better, worthwhile 7
    client.force_login(officer)
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "g1_label": "Old letter", "g1_n": "200", "g1_mean": "40", "g1_sd": "12",
        "g2_label": "New letter", "g2_n": "200", "g2_mean": "28", "g2_sd": "11"})
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    comparison = analysis.output["comparisons"][0]
    assert comparison["difference"]["estimate"] == pytest.approx(-12)
    assert comparison["verdict"] == "worked"
    page = client.get(response.url).content.decode()
    assert "Worked" in page


def test_summary_figures_are_checked(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, **BINARY_PLAN)
    client.force_login(officer)
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "g1_label": "Old", "g1_n": "100", "g1_events": "120", "g2_label": "New", "g2_n": "100", "g2_events": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter this figure for group 2" in page
    assert not Analysis.objects.exists()


def test_only_running_pilots_are_measured(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.REGISTERED)
    client.force_login(officer)
    response = client.get(reverse("measure-upload", args=[pilot.pk]))
    assert response.status_code == 302 and response.url == pilot.get_absolute_url()


def test_unmapped_uploads_are_purged_after_the_keep_time(officer, running_binary):
    measure.upload_receive(pilot=running_binary, user=officer, filename="a.csv", content=binary_csv(n=10))
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(hours=2))
    measure.upload_receive(pilot=running_binary, user=officer, filename="b.csv", content=binary_csv(n=10))
    assert measure.purge_stale_uploads() == 1
    assert list(PendingUpload.objects.values_list("filename", flat=True)) == ["b.csv"]


def test_a_planned_interim_look_applies_the_registered_stopping_rule(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, stopping_rule="obrien_fleming",
                       interim_looks=2)
    client.force_login(officer)
    page = client.get(reverse("measure-summary", args=[pilot.pk])).content.decode()
    assert "Interim look 1 of 2" in page
    # A huge effect at the first look crosses the O'Brien-Fleming boundary (z far above ~3.7).
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "purpose": "interim-1",
        "g1_label": "Old", "g1_n": "300", "g1_mean": "40", "g1_sd": "10",
        "g2_label": "New", "g2_n": "300", "g2_mean": "25", "g2_sd": "10"})
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    assert analysis.purpose == "interim" and analysis.look_number == 1
    assert analysis.interim_decision["action"] == "stop_benefit"
    page = client.get(response.url).content.decode()
    assert "Interim look 1 of 2" in page and "stop, the change clearly worked" in page
    assert "Record this as the result" not in page
    # An interim look is never recorded as the result, even if posted directly.
    client.post(response.url, {})
    pilot.refresh_from_db()
    assert pilot.status == Status.RUNNING
    # The look is used up: only look 2 is offered next.
    page = client.get(reverse("measure-summary", args=[pilot.pk])).content.decode()
    assert "Interim look 1 of 2" not in page and "Interim look 2 of 2" in page


def test_a_small_interim_effect_says_carry_on_or_stop_for_futility(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, stopping_rule="obrien_fleming",
                       interim_looks=1)
    client.force_login(officer)
    figures = {"purpose": "interim-1", "g1_label": "Old", "g1_n": "40", "g1_mean": "40", "g1_sd": "10",
               "g2_label": "New", "g2_n": "40", "g2_sd": "10"}
    # Two days sooner at half the data (lower is better, 7 days worth having): not decisive, carry on.
    client.post(reverse("measure-summary", args=[pilot.pk]), {**figures, "g2_mean": "38"})
    decision = Analysis.objects.get().interim_decision
    assert decision["action"] == "continue" and decision["explanation"]
    Analysis.objects.all().delete()
    # Eight days slower: even the worthwhile effect from here on could not rescue it.
    client.post(reverse("measure-summary", args=[pilot.pk]), {**figures, "g2_mean": "48"})
    assert Analysis.objects.get().interim_decision["action"] == "stop_futility"


def test_the_result_page_shows_cost_per_extra_success_and_net_saving(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, setup_cost=Decimal("2000"),
                       running_cost=Decimal("1000"), value_per_outcome=Decimal("150"), **BINARY_PLAN)
    client.force_login(officer)
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "g1_label": "Old", "g1_n": "1000", "g1_events": "400", "g2_label": "New", "g2_n": "1000", "g2_events": "500"})
    client.post(response.url, {})
    page = client.get(pilot.get_absolute_url()).content.decode()
    # 10 points more of 1,000 people: about 100 extra payments for £3,000, so about £30 each.
    assert "Cost and saving" in page
    assert "about 100.0 extra successful outcomes" in page
    assert "Each extra successful outcome cost about £30.00" in page
    assert "net saving is £12,000" in page  # 100 x £150 - £3,000


def test_the_final_analysis_after_interim_looks_uses_the_alpha_the_rule_left(officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, stopping_rule="obrien_fleming",
                       interim_looks=1)
    groups = [{"label": "Old", "n": 200, "mean": 40, "sd": 12}, {"label": "New", "n": 200, "mean": 37, "sd": 12}]
    final = measure.summary_analyse(pilot=pilot, user=officer, groups=groups, control="Old")
    # Two looks, O'Brien-Fleming (Lan-DeMets): the final look's nominal two-sided level is about 0.0500 -> 0.0490.
    assert 0.045 < final.output["alpha"] < 0.05
    plain = make_pilot(home_council, officer, status=Status.RUNNING, title="No looks")
    unadjusted = measure.summary_analyse(pilot=plain, user=officer, groups=groups, control="Old")
    assert unadjusted.output["alpha"] == 0.05
    wide, narrow = final.output["comparisons"][0]["difference"], unadjusted.output["comparisons"][0]["difference"]
    assert wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"]


def _walk(client, pilot, content, columns, control):
    response = upload(client, pilot, content)
    assert response.status_code == 302, response.content.decode()[:500]
    response = client.post(response.url, columns)
    assert response.status_code == 302, response.content.decode()
    response = client.post(response.url, {"control": control})
    assert response.status_code == 302, response.content.decode()
    return Analysis.objects.latest("created_at"), client.get(response.url).content.decode()


def test_time_to_event_upload_draws_kaplan_meier_curves_with_a_table(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, outcome_kind="time_to_event",
                       outcome_name="Days until contact", outcome_unit="days")
    rng = np.random.default_rng(7)
    lines = ["group,days,contacted"]
    for i in range(160):
        new = i % 2 == 1
        days = rng.exponential(20 if new else 40)
        lines.append(f"{'new' if new else 'old'},{min(days, 90):.1f},{1 if days < 90 else 0}")
    client.force_login(officer)
    analysis, page = _walk(client, pilot, ("\n".join(lines) + "\n").encode(),
                           {"arm": "group", "time": "days", "event": "contacted"}, "old")
    assert analysis.output["kind"] == "time-to-event"
    assert analysis.output["comparisons"][0]["ratio"]["estimate"] > 1  # the new letter's hazard of contact is higher
    assert "Kaplan-Meier" in page and "km-chart-title" in page and "Median (95% CI)" in page
    # Only (time, event) pairs per group are kept for survival data.
    assert "contacted" not in json.dumps(analysis.dataset).replace('"contacted"', "")


def test_cluster_randomised_upload_reports_icc_and_design_effect(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, design="randomised_cluster",
                       planned_clusters=20)
    rng = np.random.default_rng(11)
    lines = ["ward,group,days"]
    for ward in range(20):
        group = "new" if ward % 2 else "old"
        shift = rng.normal(0, 4)
        for _ in range(15):
            lines.append(f"W{ward},{group},{40 - (8 if group == 'new' else 0) + shift + rng.normal(0, 10):.1f}")
    client.force_login(officer)
    page = client.get(reverse("measure-upload", args=[pilot.pk]))
    analysis, page = _walk(client, pilot, ("\n".join(lines) + "\n").encode(),
                           {"arm": "group", "outcome": "days", "cluster": "ward"}, "old")
    assert analysis.output["design"] == "cluster"
    assert analysis.output["icc"] is not None and analysis.output["design_effect"] > 1
    assert "Intra-cluster correlation" in page


def test_a_cluster_design_must_say_which_column_is_the_cluster(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, design="randomised_cluster",
                       planned_clusters=20)
    client.force_login(officer)
    response = upload(client, pilot, b"ward,group,days\nW1,old,30\nW2,new,20\n")
    response = client.post(response.url, {"arm": "group", "outcome": "days"})
    assert response.status_code == 200
    assert "Choose the column for this question" in response.content.decode()


@pytest.mark.parametrize(("name", "kind", "columns"), [
    ("paid-on-time.csv", "binary", {"outcome": "paid_on_time"}),
    ("days-to-contact.csv", "continuous", {"outcome": "days_to_contact", "baseline": "days_to_contact_last_year"}),
    ("days-to-contact.csv", "time-to-event", {"time": "days_to_contact", "event": "contacted"}),
])
def test_the_example_files_offered_on_the_upload_page_analyse(name, kind, columns):
    from django.contrib.staticfiles import finders

    path = finders.find(f"pilots/examples/{name}")
    with open(path, "rb") as handle:
        data = build_dataset(read_table(handle.read(), filename=name), kind=kind, arm="group",
                             control="old letter", **columns)
    result = analyse(data, AnalysisSpec(kind=kind, control="old letter", better="higher" if kind == "binary"
                                        else "lower", worthwhile=0.05 if kind == "binary" else 7)).to_dict()
    # The examples are made so the change clearly worked: a newcomer's first try shows a real verdict.
    assert result["comparisons"][0]["verdict"] == "worked"


def test_extreme_figures_get_a_message_not_an_error_page(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    client.force_login(officer)
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "g1_label": "Old", "g1_n": "20", "g1_mean": "1e308", "g1_sd": "1",
        "g2_label": "New", "g2_n": "20", "g2_mean": "-1e308", "g2_sd": "1"})
    assert response.status_code == 200
    assert "too large or too extreme" in response.content.decode()
    assert not Analysis.objects.exists()


def test_after_an_analysis_any_amendment_is_marked_as_after_results_were_seen(officer, home_council):
    from pilotbook.pilots import services

    pilot = make_pilot(home_council, officer, status=Status.RUNNING)
    measure.summary_analyse(pilot=pilot, user=officer, control="Old", groups=[
        {"label": "Old", "n": 50, "mean": 40, "sd": 12}, {"label": "New", "n": 50, "mean": 38, "sd": 12}])
    pilot.refresh_from_db()
    amendment = services.pilot_amend(pilot=pilot, user=officer, fields={"worthwhile_effect": Decimal("2")},
                                     reason="Smaller effects matter after all.", results_seen=False)
    assert amendment.after_results_seen


def test_cost_per_success_is_only_claimed_for_yes_or_no_outcomes(client, officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, setup_cost=Decimal("2000"),
                       running_cost=Decimal("900"), value_per_outcome=Decimal("10"))
    client.force_login(officer)
    response = client.post(reverse("measure-summary", args=[pilot.pk]), {
        "g1_label": "Old", "g1_n": "150", "g1_mean": "40", "g1_sd": "12",
        "g2_label": "New", "g2_n": "150", "g2_mean": "28", "g2_sd": "12"})
    client.post(response.url, {})
    assert "Cost and saving" not in client.get(pilot.get_absolute_url()).content.decode()


def test_the_comparison_page_uses_what_was_kept_at_upload_and_never_reads_the_file_again(
        client, officer, running_binary, monkeypatch):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=40))
    response = client.post(response.url, {"arm": "group", "outcome": "paid"})
    control_url = response.url
    assert PendingUpload.objects.get().facts["group"] == {"groups": [["old letter", 20], ["new letter", 20]]}

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(measure.engine_data, "read_table", no_reading)
    for _ in range(2):
        assert "old letter (20 rows)" in client.get(control_url).content.decode()
    monkeypatch.undo()
    assert client.post(control_url, {"control": "old letter"}).status_code == 302
    assert Analysis.objects.get().row_count == 40


def test_a_column_with_too_many_values_cannot_be_the_group_column(client, officer, running_binary):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=60))
    response = client.post(response.url, {"arm": "reference", "outcome": "paid"})
    page = client.get(response.url).content.decode().replace("&#x27;", "'")
    assert "Column 'reference' has 60 different values, more than the 50 groups a comparison can have" in page


def test_an_upload_kept_from_before_the_facts_were_still_offers_its_groups(client, officer, running_binary):
    client.force_login(officer)
    response = upload(client, running_binary, binary_csv(n=40))
    response = client.post(response.url, {"arm": "group", "outcome": "paid"})
    PendingUpload.objects.update(facts={})
    assert "new letter (20 rows)" in client.get(response.url).content.decode()


@override_settings(PILOTBOOK_UPLOAD_MAX_ROWS=10, PILOTBOOK_UPLOAD_MAX_COLUMNS=2)
def test_the_upload_limits_are_settings_and_the_message_names_them(client, officer, running_binary):
    client.force_login(officer)
    page = upload(client, running_binary, b"group,paid\n" + b"old,1\n" * 11).content.decode()
    assert "The file has 11 rows of data, more than the 10 Pilotbook reads from an upload." in page
    page = upload(client, running_binary, binary_csv(n=5)).content.decode()
    assert "The file has 3 columns, more than the 2 Pilotbook reads." in page
    assert not PendingUpload.objects.exists()


def _upload_of(pilot, officer, header: str, rows: list[str]) -> PendingUpload:
    content = ("\n".join([header, *rows]) + "\n").encode()
    return measure.upload_receive(pilot=pilot, user=officer, filename="rows.csv", content=content)


def test_the_mapping_page_pre_selects_the_group_column_and_the_outcome_the_plan_names(client, officer,
                                                                                       running_binary):
    client.force_login(officer)
    upload_ = _upload_of(running_binary, officer, "Reference,Group,Paid_On_Time",
                         [f"R{i},{'new' if i % 2 else 'old'},{i % 3 == 0}" for i in range(20)])
    page = client.get(reverse("measure-columns", args=[running_binary.pk, upload_.token])).content.decode()
    assert '<option value="Group" selected>' in page and '<option value="Paid_On_Time" selected>' in page
    assert '<option value="Reference" selected>' not in page


@pytest.mark.parametrize(("header", "expected"), [
    ("id,ARM,outcome", {"arm": "ARM", "outcome": "outcome"}),  # any case; a column called "outcome"
    ("id,treatment group,paid on time", {"arm": "treatment group", "outcome": "paid on time"}),  # the plan's words
    ("id,group,arm,paid", {}),  # two columns could be the group: neither is chosen; "paid" is not the plan's name
    ("id,group,paid-on-time,Paid on time", {"arm": "group"}),  # two columns are the plan's outcome: neither
    ("id,letter,result", {}),  # nothing obvious: nothing chosen
])
def test_only_an_obvious_column_is_suggested(officer, running_binary, header, expected):
    names = header.split(",")
    rows = [",".join([f"R{i}", *(["new" if i % 2 else "old"] * (len(names) - 2)), str(i % 2)]) for i in range(20)]
    assert measure.suggested_columns(_upload_of(running_binary, officer, header, rows), running_binary) == expected


def test_a_group_like_column_with_one_value_or_hundreds_is_not_suggested(officer, running_binary):
    rows = [f"R{i},same,{i},{i % 2}" for i in range(40)]
    suggested = measure.suggested_columns(_upload_of(running_binary, officer, "id,group,arm_id,paid", rows),
                                          running_binary)
    assert "arm" not in suggested


def test_time_event_and_cluster_columns_are_suggested_for_the_plans_that_need_them(officer, home_council):
    pilot = make_pilot(home_council, officer, status=Status.RUNNING, outcome_kind="time_to_event",
                       design="randomised_cluster", planned_clusters=10, title="Time to contact")
    rows = [f"{'new' if i % 2 else 'old'},{i + 1},{i % 2},W{i % 10}" for i in range(40)]
    suggested = measure.suggested_columns(_upload_of(pilot, officer, "Group,Days,Event,Ward", rows), pilot)
    assert suggested == {"arm": "Group", "time": "Days", "event": "Event", "cluster": "Ward"}


def test_the_persons_own_earlier_answers_win_over_suggestions(client, officer, running_binary):
    client.force_login(officer)
    upload_ = _upload_of(running_binary, officer, "group,cohort,paid on time",
                         [f"{'new' if i % 2 else 'old'},{'a' if i % 3 else 'b'},{i % 2}" for i in range(20)])
    upload_.mapping = {"arm": "cohort"}
    upload_.save(update_fields=["mapping"])
    page = client.get(reverse("measure-columns", args=[running_binary.pk, upload_.token])).content.decode()
    assert '<option value="cohort" selected>' in page and '<option value="group" selected>' not in page
