"""Power and sample size, checked against published values and independent implementations.

Sources:
- R ``stats::power.t.test`` help page examples: ``power.t.test(n = 20, delta = 1)`` gives power 0.8689528 and
  ``power.t.test(power = .90, delta = 1)`` gives n = 22.02110; Cohen (1988) table 2.4.1: d = 0.5, two-sided
  alpha .05, power .80 needs 64 per group.
- Fleiss, Levin & Paik, *Statistical Methods for Rates and Proportions* (3rd ed., 2003), eq. 4.14 without
  the continuity correction, written out below; statsmodels ``samplesize_proportions_2indep_onetail``.
- Schoenfeld (1983), Biometrics 39:499: HR 0.7, 1:1, two-sided alpha .05, power .8 needs 247 events.
- lifelines ``sample_size_necessary_under_cph`` (Freedman 1982), whose docs example is 421 per group for
  HR 0.7 with event probabilities 0.25 and 0.35.
- statsmodels ``power_poisson_diff_2indep`` for the difference of two Poisson rates.
"""

from __future__ import annotations

import math

import pytest
from lifelines.statistics import power_under_cph, sample_size_necessary_under_cph
from scipy.stats import norm
from statsmodels.stats.power import TTestIndPower
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail
from statsmodels.stats.rates import power_poisson_diff_2indep

from pilotbook.stats.power import (
    Binary,
    Cluster,
    Continuous,
    Count,
    PowerInputError,
    TimeToEvent,
    councils_needed,
    minimum_detectable_effect,
    power_for_sample,
    sample_size,
)

# --- continuous ---------------------------------------------------------------------------------------


def test_half_an_sd_needs_64_per_group_as_in_cohens_table():
    sized = sample_size(Continuous(sd=1.0), 0.5)
    assert sized.per_group == 64 and sized.total == 128
    assert sized.per_group_exact == pytest.approx(63.76576, abs=1e-4)  # R power.t.test: n = 63.76576
    assert "t-test" in sized.method
    assert "64 people in each group" in sized.explanation


def test_continuous_matches_r_power_t_test_help_examples():
    assert power_for_sample(Continuous(sd=1.0), 1.0, 20).power == pytest.approx(0.8689528, abs=1e-7)
    assert sample_size(Continuous(sd=1.0), 1.0, power=0.9).per_group_exact == pytest.approx(22.02110, abs=1e-5)


def test_continuous_scales_with_the_sd_and_matches_statsmodels_with_unequal_groups():
    sized = sample_size(Continuous(sd=12.0), 3.0, ratio=2.0, alpha=0.1, power=0.9)
    expected = TTestIndPower().solve_power(effect_size=0.25, alpha=0.05, power=0.9, ratio=2.0, alternative="larger")
    assert sized.per_group_exact == pytest.approx(expected, rel=1e-6)
    assert sized.change_group == math.ceil(2 * sized.per_group_exact)


def test_baseline_adjustment_shrinks_the_sample_by_one_minus_r_squared():
    plain = sample_size(Continuous(sd=1.0), 0.3).per_group_exact
    adjusted = sample_size(Continuous(sd=1.0, baseline_correlation=0.6), 0.3).per_group_exact
    assert adjusted / plain == pytest.approx(0.64, rel=0.01)  # the t-test's df make it not quite exact


# --- binary -------------------------------------------------------------------------------------------


def _fleiss_n(p0: float, p1: float, alpha: float, power: float) -> float:
    """Fleiss et al. (2003) eq. 4.14 without continuity correction, equal groups, written out by hand."""
    pbar = (p0 + p1) / 2
    top = norm.isf(alpha / 2) * math.sqrt(2 * pbar * (1 - pbar)) + norm.ppf(power) * math.sqrt(
        p0 * (1 - p0) + p1 * (1 - p1)
    )
    return (top / (p1 - p0)) ** 2


def test_thirty_to_thirty_five_percent_matches_fleiss_and_statsmodels():
    sized = sample_size(Binary(0.30, better="higher"), 0.05)
    assert sized.per_group_exact == pytest.approx(_fleiss_n(0.30, 0.35, 0.05, 0.8), rel=1e-9)
    assert sized.per_group_exact == pytest.approx(
        samplesize_proportions_2indep_onetail(0.05, 0.30, 0.8, ratio=1, alpha=0.025, alternative="larger"), rel=1e-9
    )
    assert sized.per_group == 1377  # 1376.3 rounded up
    assert "Fleiss" in sized.method


def test_r_power_prop_test_help_example_half_to_three_quarters():
    # ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) prints n = 76.7
    sized = sample_size(Binary(0.5, better="higher"), 0.25, power=0.9)
    assert round(sized.per_group_exact, 1) == 76.7
    assert sized.per_group == 77


def test_binary_with_unequal_allocation_matches_statsmodels():
    sized = sample_size(Binary(0.20, better="lower"), 0.04, ratio=2.0)
    # statsmodels puts the change group first (prop1 = prop2 + diff) with nobs2 = ratio * nobs1
    expected_change = samplesize_proportions_2indep_onetail(-0.04, 0.20, 0.8, ratio=0.5, alpha=0.025,
                                                            alternative="smaller")
    assert sized.per_group_exact * 2 == pytest.approx(expected_change, rel=1e-9)


def test_unknown_direction_sizes_for_the_harder_one():
    both = sample_size(Binary(0.30), 0.05)
    rise = sample_size(Binary(0.30, better="higher"), 0.05)
    fall = sample_size(Binary(0.30, better="lower"), 0.05)
    assert both.per_group == max(rise.per_group, fall.per_group) == rise.per_group
    assert fall.per_group < rise.per_group  # 30% -> 25% has less variance than 30% -> 35%
    assert "direction needing more people" in both.explanation


def test_power_and_sample_size_are_inverses():
    outcome = Binary(0.30, better="higher")
    sized = sample_size(outcome, 0.05)
    assert power_for_sample(outcome, 0.05, sized.per_group_exact).power == pytest.approx(0.8, abs=1e-9)
    assert power_for_sample(outcome, 0.05, sized.per_group).power >= 0.8


def test_minimum_detectable_effect_gives_the_requested_power():
    outcome = Binary(0.30, better="higher")
    mde = minimum_detectable_effect(outcome, 500)
    assert power_for_sample(outcome, mde.effect, 500).power == pytest.approx(0.8, abs=1e-8)
    assert 0.08 < mde.effect < 0.09
    assert mde.unit == "difference in proportions"
    assert "30% to 38.4%" in mde.explanation


def test_minimum_detectable_effect_for_a_mean_is_the_inverse_of_the_sample_size():
    mde = minimum_detectable_effect(Continuous(sd=1.0), 63.76576)
    assert mde.effect == pytest.approx(0.5, abs=1e-5)


# --- count --------------------------------------------------------------------------------------------


def test_count_power_matches_statsmodels_poisson_difference():
    ours = power_for_sample(Count(2.0, better="higher"), 0.2, 500).power
    # statsmodels puts the change group first: rate1 = 2.2, rate2 = 2.0, nobs_ratio = nobs2 / nobs1
    theirs = power_poisson_diff_2indep(2.2, 2.0, 500, nobs_ratio=1, alpha=0.025, alternative="larger").power
    assert ours == pytest.approx(theirs, rel=1e-9)
    unequal = power_for_sample(Count(2.0, better="higher"), 0.2, 800, ratio=0.5).power
    theirs = power_poisson_diff_2indep(2.2, 2.0, 400, nobs_ratio=2, alpha=0.025, alternative="larger").power
    assert unequal == pytest.approx(theirs, rel=1e-9)


def test_exposure_and_overdispersion_change_the_count_sample_as_they_should():
    base = sample_size(Count(0.5, better="lower"), 0.1).per_group_exact
    # a rate of 0.5 a week followed for 4 weeks is the same as a rate of 2 per person followed for one
    four_weeks = sample_size(Count(0.5, exposure=4.0, better="lower"), 0.1).per_group_exact
    assert four_weeks == pytest.approx(base / 4, rel=1e-9)
    assert sample_size(Count(0.5, dispersion=2.0, better="lower"), 0.1).per_group_exact == pytest.approx(2 * base)


def test_a_worthwhile_rate_ratio_is_the_same_as_the_difference_it_implies():
    as_ratio = sample_size(Count(2.0, effect="ratio"), 1.1)
    assert as_ratio.per_group_exact == pytest.approx(sample_size(Count(2.0, better="higher"), 0.2).per_group_exact)
    assert "rate ratio 1.1" in as_ratio.explanation
    mde = minimum_detectable_effect(Count(2.0, effect="ratio", better="lower"), 500)
    assert mde.unit == "rate ratio" and mde.effect < 1
    difference = minimum_detectable_effect(Count(2.0, better="lower"), 500).effect
    assert mde.effect == pytest.approx((2.0 - difference) / 2.0, rel=1e-6)


# --- time to event ------------------------------------------------------------------------------------


def test_schoenfeld_hazard_ratio_point_seven_needs_247_events():
    sized = sample_size(TimeToEvent(effect="hazard_ratio"), 0.7)
    assert sized.events_needed == 247
    assert sized.per_group == 124 and sized.total == 248  # everyone followed to the event: people = events
    assert "Schoenfeld" in sized.method


def test_freedman_matches_lifelines_and_its_documented_example():
    # lifelines docs: HR 0.7, p_exp 0.25, p_con 0.35, 1:1 -> 421 each; equal groups, so the pooled share is 0.30
    sized = sample_size(TimeToEvent(effect="hazard_ratio", formula="freedman", event_probability=0.30), 0.7)
    assert sized.per_group == 421 == sample_size_necessary_under_cph(0.8, 1, 0.25, 0.35, 0.7)[0]
    outcome = TimeToEvent(effect="hazard_ratio", formula="freedman", event_probability=0.5)
    assert power_for_sample(outcome, 0.7, 300).power == pytest.approx(power_under_cph(300, 300, 0.5, 0.5, 0.7))


def test_event_probability_turns_events_into_people():
    sized = sample_size(TimeToEvent(effect="hazard_ratio", event_probability=0.5), 0.7)
    assert sized.events_needed == 247 and sized.total == 494


def test_a_difference_in_median_days_becomes_a_hazard_ratio():
    # Wealden: 46 days to contact, worthwhile if 10 days sooner; exponential: HR = 46 / 36
    outcome = TimeToEvent(control_median=46, effect="median_days", better="lower")
    hr = sample_size(TimeToEvent(effect="hazard_ratio"), 46 / 36)
    assert sample_size(outcome, 10).events_needed == hr.events_needed
    followed = sample_size(TimeToEvent(control_median=46, follow_up=60, better="lower"), 10)
    assert followed.per_group > sample_size(outcome, 10).per_group  # not everyone has the event in 60 days


# --- cluster designs ----------------------------------------------------------------------------------


def test_cluster_design_multiplies_the_sample_by_exactly_the_design_effect():
    individual = sample_size(Continuous(sd=1.0), 0.5).per_group_exact
    sized = sample_size(Continuous(sd=1.0), 0.5, design=Cluster(icc=0.05, cluster_size=20))
    assert sized.design_effect == pytest.approx(1 + 19 * 0.05)
    assert sized.per_group_exact == pytest.approx(individual * 1.95, rel=1e-12)
    assert sized.per_group == 125 and sized.clusters_per_group == 7
    assert "7 clusters" in sized.explanation and "fewer than 10 clusters" in sized.explanation


def test_unequal_cluster_sizes_use_eldridges_design_effect():
    assert Cluster(icc=0.05, cluster_size=20, cv=0.5).design_effect == pytest.approx(1 + (1.25 * 20 - 1) * 0.05)


def test_cluster_power_divides_the_sample_by_the_design_effect():
    design = Cluster(icc=0.1, cluster_size=11)
    assert power_for_sample(Continuous(sd=1.0), 0.5, 2 * 63.76576, design=design).power == pytest.approx(0.8, abs=1e-5)


# --- councils needed ----------------------------------------------------------------------------------


def test_councils_randomising_their_own_people_pool_their_samples():
    result = councils_needed(Binary(0.30, better="higher"), 0.05, people_per_council=400)
    assert result.people_needed == 2754 and result.councils == 7  # ceil(2754 / 400)
    assert result.councils_per_group is None
    assert "7 councils" in result.explanation


def test_one_big_council_is_enough_on_its_own():
    result = councils_needed(Continuous(sd=1.0), 0.5, people_per_council=200)
    assert result.councils == 1 and "One council" in result.explanation


def test_councils_randomised_whole_are_clusters_with_the_design_effect():
    result = councils_needed(Binary(0.30, better="higher"), 0.05, people_per_council=400, icc=0.01)
    assert result.design_effect == pytest.approx(1 + 399 * 0.01)
    n = sample_size(Binary(0.30, better="higher"), 0.05).per_group_exact * result.design_effect
    assert result.councils_per_group == math.ceil(n / 400) == 18
    assert result.councils == 36
    assert "more people per council hardly helps" in result.explanation


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Binary(1.2), "between 0 and 1"),
        (lambda: sample_size(Binary(0.98, better="higher"), 0.05), "stay between 0 and 1"),
        (lambda: sample_size(Continuous(sd=1.0), 0), "greater than 0"),
        (lambda: sample_size(Continuous(sd=1.0), 0.5, power=1.2), "power"),
        (lambda: Cluster(icc=1.5, cluster_size=10), "ICC"),
        (lambda: TimeToEvent(effect="median_days"), "control median"),
        (lambda: councils_needed(Continuous(sd=1.0), 0.5, people_per_council=0), "per council"),
        (lambda: minimum_detectable_effect(Binary(0.3), 2), "too small"),
    ],
)
def test_bad_input_gets_a_plain_english_error(make, message):
    with pytest.raises(PowerInputError, match=message):
        make()
