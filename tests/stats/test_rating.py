"""Each rule of the evidence-strength rating, for a single pilot and for a pooled group."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from pilotbook.stats.effect_sizes import from_counts
from pilotbook.stats.meta import pool_effects
from pilotbook.stats.rating import GroupEvidence, PilotEvidence, rate_group, rate_pilot, rate_pooled

# A pilot with nothing against it: registered, unchanged, reached its planned sample, a clear result.
CLEAN = {
    "preregistered": True,
    "amended_after_results": False,
    "sample_size": 800,
    "planned_sample_size": 600,
    "ci_low": 0.05,
    "ci_high": 0.30,
    "worthwhile": 0.10,
}


def pilot(design_level=5, **changes):
    return PilotEvidence(design_level=design_level, **{**CLEAN, **changes})


def group(pilots=None, **changes):
    fields = {
        "pilots": pilots or [pilot(), pilot(), pilot()],
        "councils": 3,
        "ci_low": 0.05,
        "ci_high": 0.30,
        "i2": 10.0,
    }
    fields.update(pi_low=0.01, pi_high=0.40, worthwhile=0.10)
    return GroupEvidence(**{**fields, **changes})


# ---- a single pilot -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "label", "words"),
    [
        (5, "strong", "randomised"),
        (4, "good", "quasi-random"),
        (3, "moderate", "before/after design with a comparison group"),
        (2, "limited", "comparison with a group"),
        (1, "weak", "no comparison group"),
    ],
)
def test_a_clean_pilot_scores_its_design_level(level, label, words):
    rating = rate_pilot(pilot(level))
    assert rating.score == level and rating.label == label
    assert rating.reasons[0].startswith(f"Starts at {level}") and words in rating.reasons[0]


def test_a_pilot_not_registered_before_it_started_loses_one():
    rating = rate_pilot(pilot(preregistered=False))
    assert rating.score == 4 and "Down 1: the plan was not registered before the pilot started." in rating.reasons


def test_a_pilot_registered_after_it_started_loses_one_and_the_reason_gives_both_days():
    rating = rate_pilot(pilot(preregistered=False, registered_on=dt.date(2026, 12, 4), started_on=dt.date(2026, 9, 1)))
    assert rating.score == 4
    assert ("Down 1: the plan was registered after the pilot started (registered 4 December 2026; it started "
            "1 September 2026).") in rating.reasons
    assert not any("registered before the pilot started" in r for r in rating.reasons)


def test_a_late_registration_changed_after_results_too_says_both_and_loses_one():
    rating = rate_pilot(pilot(preregistered=False, registered_on=dt.date(2026, 12, 4), started_on=dt.date(2026, 9, 1),
                              amended_after_results=True))
    assert rating.score == 4
    assert any("registered after the pilot started" in r and "changed after results were seen" in r
               for r in rating.reasons)


def test_a_plan_amended_after_results_were_seen_loses_one():
    rating = rate_pilot(pilot(amended_after_results=True))
    assert rating.score == 4 and any("changed after results were seen" in r for r in rating.reasons)


def test_a_registered_unchanged_plan_costs_nothing_and_says_so():
    assert any(r.startswith("No change: the plan was registered") for r in rate_pilot(pilot()).reasons)


def test_falling_short_of_the_planned_sample_loses_one_and_says_by_how_much():
    rating = rate_pilot(pilot(sample_size=300, planned_sample_size=600))
    assert rating.score == 4
    assert "Down 1: it reached 300 of the 600 its power calculation needed (50%)." in rating.reasons
    nearly = rate_pilot(pilot(sample_size=7990, planned_sample_size=8000))
    assert "Down 1: it reached 7,990 of the 8,000 its power calculation needed (99%)." in nearly.reasons


def test_reaching_the_planned_sample_costs_nothing():
    rating = rate_pilot(pilot(sample_size=600, planned_sample_size=600))
    assert rating.score == 5 and "No change: it reached its planned sample (600 of 600)." in rating.reasons


def test_without_a_planned_sample_a_small_pilot_loses_one():
    assert rate_pilot(pilot(sample_size=60, planned_sample_size=None)).score == 4
    assert rate_pilot(pilot(sample_size=100, planned_sample_size=None)).score == 5


def test_an_unrecorded_sample_size_costs_nothing_and_says_so():
    rating = rate_pilot(pilot(sample_size=None, planned_sample_size=None))
    assert rating.score == 5 and "No change for sample size: it was not recorded." in rating.reasons


def test_an_interval_including_no_effect_and_a_worthwhile_effect_loses_one():
    rating = rate_pilot(pilot(ci_low=-0.05, ci_high=0.25))
    assert rating.score == 4 and any("both no effect and a worthwhile effect" in r for r in rating.reasons)


def test_an_interval_including_worthwhile_harm_and_no_effect_also_loses_one():
    assert rate_pilot(pilot(ci_low=-0.25, ci_high=0.05)).score == 4


def test_an_interval_including_worthwhile_effects_both_ways_loses_two():
    rating = rate_pilot(pilot(ci_low=-0.20, ci_high=0.25))
    assert rating.score == 3 and any(r.startswith("Down 2") for r in rating.reasons)


def test_a_precise_null_result_is_not_marked_down_for_imprecision():
    rating = rate_pilot(pilot(ci_low=-0.04, ci_high=0.06))
    assert rating.score == 5 and any("rules out any worthwhile effect" in r for r in rating.reasons)


def test_without_an_interval_precision_is_not_judged():
    rating = rate_pilot(pilot(ci_low=None, ci_high=None))
    assert rating.score == 5 and "No change for precision: there is no confidence interval yet." in rating.reasons


def test_with_an_interval_but_no_worthwhile_effect_the_reason_does_not_deny_the_interval():
    rating = rate_pilot(pilot(ci_low=-1.0, ci_high=1.0, worthwhile=None))
    assert rating.score == 5 and any("no smallest worthwhile effect" in r for r in rating.reasons)
    assert not any("no confidence interval" in r for r in rating.reasons)


def test_the_score_never_goes_below_zero():
    rating = rate_pilot(
        pilot(1, preregistered=False, sample_size=20, planned_sample_size=100, ci_low=-1.0, ci_high=1.0)
    )
    assert rating.score == 0 and rating.label == "very weak" and len(rating.reasons) == 4


@pytest.mark.parametrize(
    "bad",
    [
        {"design_level": 6},
        {"design_level": 0},
        {"worthwhile": 0.0},
        {"ci_low": 0.3, "ci_high": 0.1},
        {"sample_size": 10, "planned_sample_size": 0},
    ],
)
def test_impossible_inputs_are_refused(bad):
    with pytest.raises(ValueError):
        rate_pilot(PilotEvidence(**{"design_level": 5, **CLEAN, **bad}))


# ---- a pooled group -------------------------------------------------------------------------------------


def test_a_clean_group_of_randomised_pilots_is_strong():
    rating = rate_group(group())
    assert rating.score == 5 and rating.label == "strong" and len(rating.reasons) == 6


def test_the_group_design_is_the_weighted_average_rounded_to_the_nearest_level():
    rating = rate_group(group([pilot(5), pilot(5), pilot(2)], weights=[45, 45, 10]))
    assert rating.score == 5 and "average 4.7" in rating.reasons[0]


def test_a_design_average_of_exactly_a_half_rounds_down():
    assert rate_group(group([pilot(5), pilot(2)])).reasons[0].startswith("Starts at 3")


def test_a_group_mostly_from_unregistered_pilots_loses_one():
    pilots = [pilot(preregistered=False), pilot(amended_after_results=True), pilot()]
    rating = rate_group(group(pilots))
    assert rating.score == 4 and any("only 33% of the pooled evidence" in r for r in rating.reasons)


def test_a_group_says_how_many_of_its_pilots_were_registered_after_they_started():
    day = dt.date(2026, 12, 4)
    late = pilot(preregistered=False, registered_on=day, started_on=day - dt.timedelta(days=1))
    never = pilot(preregistered=False)
    rating = rate_group(group([late, late, never, pilot()]))
    assert any("2 of the 4 pilots were registered after they started" in r for r in rating.reasons)
    assert not any("registered after" in r for r in rate_group(group([never, pilot(), pilot()])).reasons)


def test_registration_is_judged_by_weight_not_by_headcount():
    pilots = [pilot(preregistered=False), pilot(preregistered=False), pilot()]
    assert rate_group(group(pilots, weights=[10, 10, 80])).score == 5


@pytest.mark.parametrize(("councils", "score"), [(1, 4), (2, 4), (3, 5), (12, 5)])
def test_fewer_than_three_councils_loses_one(councils, score):
    rating = rate_group(group(councils=councils))
    assert rating.score == score
    if councils == 1:
        assert any("only 1 council contributed" in r for r in rating.reasons)


def test_substantial_heterogeneity_loses_one():
    rating = rate_group(group(i2=60.0))
    assert rating.score == 4 and any("differ substantially (I² is 60%)" in r for r in rating.reasons)


def test_a_prediction_interval_crossing_zero_loses_one_even_with_modest_i2():
    rating = rate_group(group(i2=30.0, pi_low=-0.05, pi_high=0.40))
    assert rating.score == 4 and any("could be reversed in a new council" in r for r in rating.reasons)


def test_considerable_heterogeneity_with_a_reversible_effect_loses_two():
    rating = rate_group(group(i2=80.0, pi_low=-0.2, pi_high=0.6))
    assert rating.score == 3 and any(
        r.startswith("Down 2: councils' results differ a great deal") for r in rating.reasons
    )


def test_a_prediction_interval_crossing_zero_is_not_counted_again_when_the_ci_crosses_it():
    rating = rate_group(group(i2=20.0, ci_low=-0.02, ci_high=0.05, pi_low=-0.1, pi_high=0.2))
    consistency = rating.reasons[4]
    assert consistency.startswith("No change: councils' results are reasonably consistent")


def test_group_sample_size_compares_totals_with_the_total_planned():
    pilots = [pilot(sample_size=100, planned_sample_size=300), pilot(sample_size=100, planned_sample_size=300)]
    rating = rate_group(group(pilots))
    assert rating.score == 4 and any("reached 200 of the 600" in r for r in rating.reasons)


def test_group_imprecision_uses_the_pooled_interval():
    assert rate_group(group(ci_low=-0.05, ci_high=0.25, pi_low=-0.2, pi_high=0.4)).score == 4


def test_a_weak_group_bottoms_out_at_zero():
    pilots = [pilot(1, preregistered=False, sample_size=10, planned_sample_size=None)]
    rating = rate_group(
        group(pilots, councils=1, i2=90.0, ci_low=-0.5, ci_high=0.5, pi_low=-1.0, pi_high=1.0, worthwhile=0.1)
    )
    assert rating.score == 0 and rating.label == "very weak"


def test_group_inputs_are_checked():
    with pytest.raises(ValueError, match="at least one pilot"):
        rate_group(GroupEvidence(pilots=[], councils=1, ci_low=0, ci_high=1, i2=0))
    with pytest.raises(ValueError, match="one non-negative weight per pilot"):
        rate_group(group(weights=[1, 2]))
    with pytest.raises(ValueError, match="at least one council"):
        rate_group(group(councils=0))


def test_a_pooled_result_can_be_rated_directly():
    path = Path(__file__).parent / "data" / "bcg.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    counts = [[float(r[c]) for r in rows] for c in ("events_t", "n_t", "events_c", "n_c")]
    pooled = pool_effects(from_counts("RR", *counts))
    rating = rate_pooled(pooled, [pilot()] * pooled.k, councils=13, worthwhile=0.1)
    # randomised and registered, but I² is 92% and the prediction interval crosses a risk ratio of 1
    assert rating.score == 3 and any("I² is 92%" in r for r in rating.reasons)
    with pytest.raises(ValueError, match="12 pilots for 13 pooled studies"):
        rate_pooled(pooled, [pilot()] * 12, councils=13)
