"""Cost per extra successful outcome and net saving, with their CIs carried from the effect's CI.

The expected figures are worked by hand: a £2,000 set-up and £3,000 running cost for 1,000 tenants, and
an effect of +5 percentage points (95% CI +2 to +8) gives 50 extra payers (20 to 80), £100 each
(£5,000 / 80 = £62.50 to £5,000 / 20 = £250); at £400 per payer the net saving is 50 x 400 - 5,000 =
£15,000 (20 x 400 - 5,000 = £3,000 to 80 x 400 - 5,000 = £27,000).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pilotbook.stats.cost import CostInputError, CostPerOutcome, Interval, cost_effectiveness

LETTER = {"setup_cost": 2000, "running_cost": 3000, "treated": 1000}


def test_a_clear_effect_gives_a_cost_per_extra_outcome_with_the_inverted_ci():
    result = cost_effectiveness(**LETTER, effect=0.05, ci_low=0.02, ci_high=0.08, value_per_outcome=400)
    assert result.incremental_cost == 5000
    assert result.extra_outcomes == Interval(pytest.approx(50), pytest.approx(20), pytest.approx(80))
    assert result.status is CostPerOutcome.DEFINED
    per = result.cost_per_extra_outcome
    assert (per.estimate, per.low, per.high) == pytest.approx((100, 62.5, 250))
    saving = result.net_saving
    assert (saving.estimate, saving.low, saving.high) == pytest.approx((15000, 3000, 27000))
    assert result.break_even_effect == pytest.approx(5000 / (400 * 1000))
    assert "£100 (95% CI £62.50 to £250)" in result.explanation
    assert "net saving is £15,000 (95% CI £3,000 to £27,000)" in result.explanation
    assert "Fieller" in result.method


def test_an_effect_ci_crossing_zero_makes_the_cost_per_success_unbounded_and_says_so():
    result = cost_effectiveness(**LETTER, effect=0.02, ci_low=-0.01, ci_high=0.05, value_per_outcome=400)
    assert result.status is CostPerOutcome.UNBOUNDED
    assert result.cost_per_extra_outcome is None
    assert result.best_case_cost_per_outcome == pytest.approx(100)  # 5,000 / 50 at the top of the CI
    assert "no upper limit" in result.explanation and "could have cost any amount" in result.explanation
    saving = result.net_saving  # still defined: linear in the effect
    assert (saving.estimate, saving.low, saving.high) == pytest.approx((3000, -9000, 15000))
    assert "a negative saving is a net cost" in result.explanation


def test_an_effect_ci_below_zero_has_no_cost_per_success():
    result = cost_effectiveness(**LETTER, effect=-0.04, ci_low=-0.07, ci_high=-0.01)
    assert result.status is CostPerOutcome.FEWER_OUTCOMES
    assert result.cost_per_extra_outcome is None and result.best_case_cost_per_outcome is None
    assert result.net_saving is None
    assert "40.0 fewer successful outcomes" in result.explanation


def test_a_cheaper_change_that_works_pays_for_itself():
    result = cost_effectiveness(setup_cost=0, running_cost=-3000, treated=1000, effect=0.04, ci_low=0.01,
                                ci_high=0.07, value_per_outcome=100)
    assert result.status is CostPerOutcome.SAVES_MONEY and result.cost_per_extra_outcome is None
    assert result.net_saving.low == pytest.approx(10 * 100 + 3000)
    assert "pays for itself" in result.explanation


def test_money_from_the_pilot_model_may_be_decimal():
    result = cost_effectiveness(setup_cost=Decimal("2000.00"), running_cost=Decimal("3000.00"), treated=1000,
                                effect=0.05, ci_low=0.02, ci_high=0.08, value_per_outcome=Decimal("400.00"))
    assert result.net_saving.estimate == pytest.approx(15000)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"setup_cost": -1}, "set-up cost"),
        ({"running_cost": "lots"}, "must be numbers"),
        ({"treated": 0}, "people treated"),
        ({"effect": 0.1}, "inside its confidence interval"),
        ({"value_per_outcome": -5}, "value of one outcome"),
    ],
)
def test_bad_figures_get_a_plain_english_error(changes, message):
    figures = LETTER | {"effect": 0.05, "ci_low": 0.02, "ci_high": 0.08} | changes
    with pytest.raises(CostInputError, match=message):
        cost_effectiveness(**figures)
