"""Time-to-event analysis against published figures (Freireich et al. 1963) and lifelines (test-only)."""

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import median_survival_times
from statsmodels.duration.hazard_regression import PHReg

from pilotbook.stats.survival import (
    BOOTSTRAP_METHOD,
    PHREG_MAX_EVENT_TIMES,
    SurvivalGroup,
    _cox_one_binary_covariate,
    _medians_from_counts,
    compare_survival,
    kaplan_meier,
)

DATA = Path(__file__).parent / "data"

# A small hand-made pilot in whole days, with ties between events, between censorings, and between the two.
HAND_CONTROL = SurvivalGroup(
    "old letter",
    np.array([2, 3, 3, 5, 5, 5, 7, 8, 8, 10, 12, 12, 14, 15, 20, 21, 21, 25, 30, 30], dtype=float),
    np.array([1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 0], dtype=bool),
)
HAND_ARM = SurvivalGroup(
    "new letter",
    np.array([1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 9, 9, 11, 14, 16, 30, 30], dtype=float),
    np.array([1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0], dtype=bool),
)


def freireich():
    with open(DATA / "survival_freireich.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def group(label):
        mine = [row for row in rows if row["group"] == label]
        return SurvivalGroup(
            label,
            np.array([float(row["weeks"]) for row in mine]),
            np.array([row["relapse"] == "1" for row in mine]),
        )

    return group("6-MP"), group("placebo")


def finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


def lifelines_curve(group):
    return KaplanMeierFitter().fit(group.time, group.event)


def lifelines_cox(control, arm):
    frame = pd.DataFrame(
        {
            "time": np.concatenate([control.time, arm.time]),
            "event": np.concatenate([control.event, arm.event]),
            "arm": np.concatenate([np.zeros(control.time.size), np.ones(arm.time.size)]),
        }
    )
    row = CoxPHFitter().fit(frame, "time", "event").summary.loc["arm"]
    return row["exp(coef)"], row["exp(coef) lower 95%"], row["exp(coef) upper 95%"]


# Kaplan-Meier curves


@pytest.mark.parametrize("group", [HAND_CONTROL, HAND_ARM, *freireich()], ids=lambda g: g.label)
def test_kaplan_meier_steps_and_limits_match_lifelines(group):
    curve = kaplan_meier(group.time, group.event)
    fitted = lifelines_curve(group)
    table = pd.concat([fitted.survival_function_, fitted.confidence_interval_], axis=1)
    assert curve.steps[0] == (0.0, 1.0, 1.0, 1.0)
    assert curve.n == group.time.size
    assert curve.events == int(group.event.sum())
    for t, surv, lower, upper in curve.steps[1:]:
        expected = table.loc[t].to_numpy()
        if surv == 0:  # lifelines leaves the limits undefined once everyone has had the event
            assert expected[0] == 0
            continue
        np.testing.assert_allclose([surv, lower, upper], expected, rtol=1e-10)
    event_times = sorted(set(group.time[group.event]))
    assert [step[0] for step in curve.steps[1:]] == event_times


@pytest.mark.parametrize("group", [HAND_CONTROL, HAND_ARM, *freireich()], ids=lambda g: g.label)
def test_kaplan_meier_median_and_its_interval_match_lifelines(group):
    curve = kaplan_meier(group.time, group.event)
    fitted = lifelines_curve(group)
    low, high = median_survival_times(fitted.confidence_interval_).to_numpy()[0]
    assert curve.median == finite_or_none(fitted.median_survival_time_)
    assert (curve.median_ci_low, curve.median_ci_high) == (finite_or_none(low), finite_or_none(high))


def test_freireich_curve_matches_the_published_kaplan_meier_table():
    # 6-MP group, Kleinbaum & Klein, Survival Analysis (3rd ed.), Table 2.x: S(t) at each relapse time.
    six_mp, placebo = freireich()
    curve = kaplan_meier(six_mp.time, six_mp.event)
    published = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    assert {t: round(s, 3) for t, s, _, _ in curve.steps[1:]} == published
    assert (curve.median, curve.median_ci_low, curve.median_ci_high) == (23, 13, None)  # upper limit not reached
    assert kaplan_meier(placebo.time, placebo.event).median == 8


def test_a_group_without_events_has_a_flat_curve_and_no_median():
    curve = kaplan_meier([3.0, 5.0, 9.0], [False, False, False])
    assert curve.steps == [(0.0, 1.0, 1.0, 1.0)]
    assert (curve.events, curve.median, curve.median_ci_low, curve.median_ci_high) == (0, None, None, None)


def test_event_flags_may_be_given_as_ones_and_zeros():
    assert kaplan_meier([1, 2, 3], [1, 0, 1]) == kaplan_meier([1.0, 2.0, 3.0], [True, False, True])


# Comparisons


def test_freireich_log_rank_and_hazard_ratio_match_published_figures():
    # Published: log-rank chi-squared 16.8 on 1 df, p = 4.2e-5; Cox hazard ratio placebo vs 6-MP 4.8
    # (95% CI 2.1 to 11), as printed by R's survdiff and coxph (Efron ties).
    six_mp, placebo = freireich()
    result = compare_survival(six_mp, placebo)
    assert float(f"{result.logrank_p:.2g}") == 4.2e-5
    hr = result.hazard_ratio
    assert [float(f"{v:.2g}") for v in (hr.estimate, hr.ci_low, hr.ci_high)] == [4.8, 2.1, 11]
    assert hr.method == "Cox proportional hazards (Efron ties)"


@pytest.mark.parametrize(("control", "arm"), [(HAND_CONTROL, HAND_ARM), freireich()], ids=["hand-made", "freireich"])
def test_log_rank_and_cox_match_lifelines(control, arm):
    result = compare_survival(control, arm)
    expected_p = logrank_test(control.time, arm.time, control.event, arm.event).p_value
    assert result.logrank_p == pytest.approx(expected_p, rel=1e-9)
    hr = result.hazard_ratio
    assert (hr.estimate, hr.ci_low, hr.ci_high) == pytest.approx(lifelines_cox(control, arm), rel=1e-5)


def test_median_difference_is_arm_minus_control_with_a_bootstrap_interval():
    result = compare_survival(HAND_CONTROL, HAND_ARM)
    difference = result.median_difference
    control_median = kaplan_meier(HAND_CONTROL.time, HAND_CONTROL.event).median
    arm_median = kaplan_meier(HAND_ARM.time, HAND_ARM.event).median
    assert (control_median, arm_median) == (12, 8)  # by hand: S(6) = 0.52, S(8) = 0.455
    assert difference.estimate == -4
    assert difference.ci_low < difference.estimate <= difference.ci_high
    assert difference.method == BOOTSTRAP_METHOD


def test_bootstrap_is_deterministic():
    first = compare_survival(HAND_CONTROL, HAND_ARM).to_dict()
    second = compare_survival(HAND_CONTROL, HAND_ARM).to_dict()
    assert first == second


def test_vectorised_bootstrap_medians_equal_kaplan_meier_medians_of_the_same_resamples():
    rng = np.random.default_rng(7)
    unique_times = np.unique(HAND_CONTROL.time)
    counts = rng.multinomial(30, np.full(2 * unique_times.size, 1 / (2 * unique_times.size)), size=200)
    medians = _medians_from_counts(counts, unique_times, 30)
    for row, median in zip(counts, medians, strict=True):
        time = np.repeat(np.repeat(unique_times, 2), row)
        event = np.repeat(np.tile([False, True], unique_times.size), row)
        expected = kaplan_meier(time, event).median if event.any() else None
        assert median == (np.inf if expected is None else expected)


def test_median_difference_is_withheld_when_a_median_is_not_reached():
    control = SurvivalGroup("control", np.arange(1.0, 11.0), np.array([True] * 3 + [False] * 7))
    result = compare_survival(control, HAND_ARM)
    assert result.median_difference is None
    assert any("median time is not known" in warning for warning in result.warnings)


def test_results_are_plain_json():
    six_mp, placebo = freireich()
    for result in (compare_survival(HAND_CONTROL, HAND_ARM), compare_survival(six_mp, placebo)):
        text = json.dumps(result.to_dict(), allow_nan=False)
        assert json.loads(text)["hazard_ratio"]["estimate"] > 0
    json.dumps(kaplan_meier(six_mp.time, six_mp.event).to_dict(), allow_nan=False)


# Warnings


def test_few_events_and_heavy_censoring_are_warned_about():
    six_mp, placebo = freireich()
    warnings = compare_survival(six_mp, placebo).warnings
    assert any("Only 9 events in group '6-MP'" in warning for warning in warnings)
    assert any("57% of group '6-MP' were censored" in warning for warning in warnings)
    assert not any("'placebo'" in warning for warning in warnings)


def test_crossing_curves_are_flagged_as_doubtful_proportional_hazards():
    # The arm has its events either very early or very late; the control in between.
    rng = np.random.default_rng(11)
    control = SurvivalGroup("control", rng.uniform(20, 30, 200), np.ones(200, dtype=bool))
    arm_times = np.concatenate([rng.uniform(0, 10, 100), rng.uniform(40, 50, 100)])
    arm = SurvivalGroup("arm", arm_times, np.ones(200, dtype=bool))
    assert any("change over time" in warning for warning in compare_survival(control, arm).warnings)
    steady = SurvivalGroup("steady", rng.exponential(10, 200), np.ones(200, dtype=bool))
    other = SurvivalGroup("other", rng.exponential(20, 200), np.ones(200, dtype=bool))
    assert not any("change over time" in warning for warning in compare_survival(steady, other).warnings)


# Validation


@pytest.mark.parametrize(
    ("time", "event", "message"),
    [
        ([1.0, -2.0], [True, True], "negative time"),
        ([1.0, 2.0, 3.0], [True, True], "3 times but 2 event flags"),
        ([], [], "no rows"),
        ([1.0, float("nan")], [True, True], "missing or infinite"),
        ([1.0, 2.0], [1, 2], "event flag"),
    ],
)
def test_invalid_data_is_refused_with_a_clear_message(time, event, message):
    with pytest.raises(ValueError, match=message):
        kaplan_meier(time, event)
    with pytest.raises(ValueError, match=message):
        compare_survival(SurvivalGroup("bad", np.asarray(time), np.asarray(event)), HAND_ARM)


def test_comparison_without_any_events_is_refused():
    control = SurvivalGroup("control", np.array([1.0, 2.0]), np.array([False, False]))
    arm = SurvivalGroup("arm", np.array([3.0, 4.0]), np.array([False, False]))
    with pytest.raises(ValueError, match="neither group has any events"):
        compare_survival(control, arm)


# Large data: the vectorised paths must give the library answers


def test_vectorised_cox_equals_statsmodels_phreg_on_tied_data():
    time = np.concatenate([HAND_CONTROL.time, HAND_ARM.time])
    event = np.concatenate([HAND_CONTROL.event, HAND_ARM.event])
    in_arm = np.repeat([False, True], 20)
    fit = PHReg(time, in_arm[:, None].astype(float), status=event.astype(float), ties="efron").fit()
    beta, se, residuals = _cox_one_binary_covariate(time, event, in_arm)
    assert (beta, se) == pytest.approx((fit.params[0], fit.bse[0]), rel=1e-9)
    np.testing.assert_allclose(residuals[event], fit.schoenfeld_residuals[event, 0], rtol=1e-6, atol=1e-9)


def test_many_distinct_times_still_match_lifelines():
    rng = np.random.default_rng(5)
    latent = np.concatenate([rng.exponential(40, 3000), rng.exponential(25, 3000)])
    follow_up = rng.uniform(0, 100, 6000)
    time, event = np.minimum(latent, follow_up), latent <= follow_up
    control = SurvivalGroup("control", time[:3000], event[:3000])
    arm = SurvivalGroup("arm", time[3000:], event[3000:])
    assert np.unique(time[event]).size > PHREG_MAX_EVENT_TIMES  # takes the vectorised Cox path
    result = compare_survival(control, arm)
    hr = result.hazard_ratio
    assert (hr.estimate, hr.ci_low, hr.ci_high) == pytest.approx(lifelines_cox(control, arm), rel=1e-5)
    expected_p = logrank_test(control.time, arm.time, control.event, arm.event).p_value
    assert result.logrank_p == pytest.approx(expected_p, rel=1e-6)
    difference = result.median_difference
    medians = [lifelines_curve(group).median_survival_time_ for group in (control, arm)]
    assert difference.estimate == pytest.approx(medians[1] - medians[0])
    assert difference.ci_low < difference.estimate < difference.ci_high
    assert compare_survival(control, arm).to_dict() == result.to_dict()


def test_comparison_with_a_group_without_events_is_refused():
    control = SurvivalGroup("control", np.arange(1.0, 21.0), np.ones(20, dtype=bool))
    arm = SurvivalGroup("arm", np.arange(1.0, 21.0), np.zeros(20, dtype=bool))
    with pytest.raises(ValueError, match="group 'arm' has no events at all"):
        compare_survival(control, arm)


def test_groups_whose_events_do_not_overlap_are_refused():
    # Everyone in the control group has the event before anyone in the arm does: the fitted ratio runs off.
    control = SurvivalGroup("control", np.arange(1.0, 11.0), np.ones(10, dtype=bool))
    arm = SurvivalGroup("arm", np.arange(11.0, 21.0), np.ones(10, dtype=bool))
    with pytest.raises(ValueError, match="cannot be estimated"):
        compare_survival(control, arm)
