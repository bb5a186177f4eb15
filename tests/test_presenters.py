"""Presenters format models for templates; they need no database."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from pilotbook.pilots import presenters


def test_plan_values_read_as_people_write_them():
    assert presenters.display_value("service_area", "waste") == "Waste and recycling"
    assert presenters.display_value("start_date", "2026-03-01") == "1 March 2026"
    assert presenters.display_value("end_date", dt.date(2026, 3, 31)) == "31 March 2026"
    assert presenters.display_value("setup_cost", "1200.5") == "£1,200.50"
    assert presenters.display_value("worthwhile_effect", Decimal("7.0000")) == "7"
    assert presenters.display_value("partners", "") == "Not given"


def test_design_shows_its_evidence_level():
    assert presenters.design_description("randomised_cluster").startswith("Level 5 of 5")
    assert presenters.design_description("before_after_only").startswith("Level 1 of 5")
    assert presenters.design_description("other") == "Not rated"


def test_long_text_changes_get_a_word_diff_that_escapes_html():
    rows = presenters.change_rows({"change": {
        "old": "A shorter letter sent to every tenant in arrears at the first missed payment date.",
        "new": "A shorter letter <script>alert(1)</script> sent to every tenant in arrears at the first missed date."}})
    html = rows[0].diff_html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<del class="pb-diff-old">' in html and "payment" in html


def test_short_changes_show_before_and_after():
    rows = presenters.change_rows({"planned_sample": {"old": 400, "new": 500},
                                   "design": {"old": "before_after_only", "new": "randomised_individual"}})
    assert [(r.label, r.old, r.new, r.diff_html) for r in rows] == [
        ("Design", "Before and after only", "Randomised by person or household", None),
        ("Planned sample", "400", "500", None),
    ]


def pilot(unit="days", name="Days to contact"):
    return SimpleNamespace(outcome_unit=unit, outcome_name=name)


def result(low, high):
    return SimpleNamespace(ci_low=Decimal(low), ci_high=Decimal(high))


def test_effect_sentences_follow_the_interval():
    assert presenters.effect_sentence(pilot(), result("-31.2", "-17.8")) == (
        "The change probably reduced days to contact by between 17.8 and 31.2 days.")
    assert presenters.effect_sentence(pilot("points", "Paid on time"), result("3.9", "8.3")) == (
        "The change probably increased paid on time by between 3.9 and 8.3 points.")
    assert "could be anything from a fall of 2 to a rise of 4" in presenters.effect_sentence(pilot(),
                                                                                            result("-2", "4"))


def test_every_status_and_verdict_has_a_tag_colour():
    from pilotbook.pilots.choices import Status, Verdict

    assert all(presenters.status_tag_class(s).startswith("govuk-tag--") for s in Status.values)
    assert len({presenters.verdict_tag_class(v) for v in Verdict.values}) == 4
