"""Group-sequential stopping rules, checked against published boundaries, scipy and simulation.

Published Lan-DeMets boundaries for K = 5 equally spaced looks, one-sided alpha 0.025 (two-sided 0.05):
- O'Brien-Fleming type: 4.877, 3.357, 2.680, 2.290, 2.031 (R gsDesign ``gsDesign(k = 5, test.type = 1,
  sfu = sfLDOF)``; often quoted to two decimals as 4.88 3.36 2.68 2.29 2.03);
- Pocock type: 2.438, 2.427, 2.410, 2.397, 2.386 (gsDesign ``sfu = sfLDPocock``), close to the classical
  Pocock constant 2.413 (Jennison & Turnbull table 2.1).
Tolerance 0.005 on the z scale: the published figures are rounded to three decimals.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal, norm

from pilotbook.stats.interim import (
    Action,
    InterimError,
    StoppingRule,
    boundaries,
    conditional_power,
    crossing_probabilities,
    decide,
    decide_from_estimate,
    final_confidence_level,
    spending,
)

OBF_5 = (4.877, 3.357, 2.680, 2.290, 2.031)
POCOCK_5 = (2.438, 2.427, 2.410, 2.397, 2.386)


def _z(rule: str, looks: int) -> np.ndarray:
    return np.array([b.efficacy_z for b in boundaries(rule, looks)])


def test_obrien_fleming_boundaries_match_gsdesign_for_five_looks():
    assert _z("obrien_fleming", 5) == pytest.approx(OBF_5, abs=0.005)


def test_pocock_boundaries_match_gsdesign_and_are_nearly_constant():
    z = _z("pocock", 5)
    assert z == pytest.approx(POCOCK_5, abs=0.005)
    assert z.max() - z.min() < 0.06 and z.mean() == pytest.approx(2.413, abs=0.01)


def test_no_stopping_rule_means_no_early_stop_and_the_plain_final_test():
    z = _z("none", 3)
    assert np.isinf(z[:2]).all() and z[2] == pytest.approx(1.959964, abs=1e-6)
    assert final_confidence_level("none", 3) == pytest.approx(0.95)


def test_one_look_is_the_fixed_design():
    for rule in StoppingRule:
        assert _z(rule, 1) == pytest.approx([1.959964], abs=1e-6)


@pytest.mark.parametrize("rule", ["obrien_fleming", "pocock"])
@pytest.mark.parametrize("looks", [2, 3, 4])
def test_total_false_positive_chance_is_alpha_by_scipy_multivariate_normal(rule, looks):
    """Independent of the recursion: P(Z_k < b_k at every look) from scipy's multivariate normal CDF."""
    z = _z(rule, looks)
    t = np.arange(1, looks + 1) / looks
    corr = np.sqrt(np.minimum.outer(t, t) / np.maximum.outer(t, t))  # corr(Z_j, Z_k) = sqrt(t_j / t_k)
    never = multivariate_normal(mean=np.zeros(looks), cov=corr, abseps=1e-7, releps=1e-7).cdf(z)
    assert 1 - never == pytest.approx(0.025, abs=2e-5)
    # and the recursion's own crossing chances add up to the alpha spent by each look
    cumulative = np.cumsum(crossing_probabilities(z, t))
    assert cumulative == pytest.approx([spending(rule, tk) for tk in t], abs=1e-7)


def _simulated_false_positive_rate(bounds: np.ndarray, trials: int = 20_000) -> float:
    """Two-sided: stop with a claim if |z| reaches the boundary at any look, under no true effect."""
    rng = np.random.default_rng(20240605)
    looks = len(bounds)
    sums = np.cumsum(rng.standard_normal((trials, looks)), axis=1)
    z = sums / np.sqrt(np.arange(1, looks + 1))
    return float((np.abs(z) >= bounds).any(axis=1).mean())


@pytest.mark.parametrize("rule", ["obrien_fleming", "pocock"])
def test_simulated_trials_keep_the_false_positive_rate_near_five_percent(rule):
    rate = _simulated_false_positive_rate(_z(rule, 5))
    assert 0.04 <= rate <= 0.06


def test_naive_repeated_looks_at_1_96_inflate_false_positives():
    rate = _simulated_false_positive_rate(np.full(5, 1.959964))
    assert rate > 0.08  # about 14% (Armitage, McPherson & Rowe 1969)


def test_conditional_power_matches_a_simulation_of_the_rest_of_the_pilot():
    rng = np.random.default_rng(7)
    z_now, t, final, drift = 1.1, 0.4, 2.0, 2.8
    rest = rng.normal(drift * (1 - t), np.sqrt(1 - t), 400_000)
    simulated = np.mean((z_now * np.sqrt(t) + rest) >= final)
    assert conditional_power(z_now, t, final, drift) == pytest.approx(simulated, abs=0.003)


# --- decisions ----------------------------------------------------------------------------------------


def test_a_clear_benefit_at_an_interim_look_stops_the_pilot():
    decision = decide("obrien_fleming", looks=3, look=2, estimate=0.10, se=0.03, worthwhile=0.05)
    assert decision.action is Action.STOP_BENEFIT
    assert decision.z == pytest.approx(3.3333333)
    assert decision.boundary.efficacy_z == pytest.approx(2.511, abs=0.005)  # gsDesign sfLDOF k = 3: 3.710 2.511 1.993
    assert "worked" in decision.explanation


def test_the_same_result_at_the_first_of_three_looks_is_not_enough():
    decision = decide("obrien_fleming", looks=3, look=1, estimate=0.10, se=0.03, worthwhile=0.05)
    assert decision.boundary.efficacy_z == pytest.approx(3.710, abs=0.005)
    assert decision.action is Action.CONTINUE


def test_clear_harm_stops_the_pilot():
    decision = decide("pocock", looks=3, look=1, estimate=-0.10, se=0.03, worthwhile=0.05)
    assert decision.action is Action.STOP_FUTILITY and "worse" in decision.explanation


def test_little_chance_of_showing_the_worthwhile_effect_is_futile():
    decision = decide("obrien_fleming", looks=3, look=2, estimate=0.0, se=0.03, worthwhile=0.05)
    assert decision.action is Action.STOP_FUTILITY
    assert decision.conditional_power < 0.10
    assert "futility" in decision.explanation


def test_a_promising_but_unproven_effect_continues():
    decision = decide("obrien_fleming", looks=3, look=1, estimate=0.03, se=0.04, worthwhile=0.05)
    assert decision.action is Action.CONTINUE and decision.conditional_power > 0.10


def test_without_a_stopping_rule_an_interim_look_never_stops():
    decision = decide("none", looks=3, look=1, estimate=0.5, se=0.03, worthwhile=0.05)
    assert decision.action is Action.CONTINUE and decision.conditional_power is None
    assert decision.to_dict()["boundary"]["efficacy_z"] is None  # infinity is not JSON


def test_decide_from_estimate_takes_the_standard_error_from_the_ci():
    decision = decide_from_estimate(
        rule="obrien_fleming", looks=3, look_number=2, estimate=0.10, ci_low=0.10 - 1.959964 * 0.03,
        ci_high=0.10 + 1.959964 * 0.03, worthwhile=0.05,
    )
    assert decision.z == pytest.approx(0.10 / 0.03, rel=1e-6)
    assert decision.to_dict()["action"] == "stop_benefit"


def test_the_final_look_needs_a_slightly_wider_ci_than_95_percent():
    assert final_confidence_level("obrien_fleming", 5) == pytest.approx(1 - 2 * norm.sf(2.031), abs=1e-4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: boundaries("sometimes", 3), "stopping rule"),
        (lambda: boundaries("pocock", 0), "number of looks"),
        (lambda: decide("pocock", looks=3, look=3, estimate=0.1, se=0.1, worthwhile=0.1), "final analysis"),
        (lambda: decide("pocock", looks=3, look=1, estimate=0.1, se=0, worthwhile=0.1), "standard error"),
        (lambda: decide("pocock", looks=3, look=1, estimate=0.1, se=0.1, worthwhile=-1), "worthwhile"),
    ],
)
def test_bad_input_gets_a_plain_english_error(call, message):
    with pytest.raises(InterimError, match=message):
        call()
