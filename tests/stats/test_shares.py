"""One rule reads a share typed as a percentage or a fraction, for the power calculator page and command."""

import pytest

from pilotbook.stats import shares


@pytest.mark.parametrize(("typed", "value", "how"), [
    ("0.30", 0.30, "fraction"), ("30", 0.30, "percent"), ("30%", 0.30, "percent"), (" 30 % ", 0.30, "percent"),
    ("1", 0.01, "percent"),  # 100% is never a sensible rate, power or significance level: 1 is 1%
    ("0.5%", 0.005, "percent"), ("0.5", 0.5, "fraction"), (".05", 0.05, "fraction"), ("-5", -0.05, "percent"),
])
def test_a_percent_sign_or_a_number_of_1_or_more_is_a_percentage_below_1_a_fraction(typed, value, how):
    share = shares.read_share(typed, "rate")
    assert share.value == pytest.approx(value) and share.how == how


@pytest.mark.parametrize(("rate", "effect", "points"), [
    ("0.30", "0.05", 5), ("30", "5", 5), ("30", "0.5", 0.5), ("0.30", "5", 5), ("0.30", "1", 1),
    ("0.30", "0.5pp", 0.5), ("0.30", "2 percentage points", 2), ("30%", "0.05", 0.05),
])
def test_the_worthwhile_effect_is_read_as_its_rate_was_unless_it_says_otherwise(rate, effect, points):
    read = shares.read_difference(effect, "effect", like=shares.read_share(rate, "rate"))
    assert read.value * 100 == pytest.approx(points)


@pytest.mark.parametrize("typed", ["thirty", "1,000", "30 percent", "", "nan", "1e400"])
def test_anything_but_a_number_is_refused_with_what_to_type(typed):
    with pytest.raises(shares.ShareError, match="must be a"):
        shares.read_share(typed, "The rate")


def test_what_was_read_is_said_back_and_slips_are_warned_about():
    rate = shares.read_share("30", "rate")
    effect = shares.read_difference("0.05", "effect", like=rate)
    assert shares.read_back(rate, effect) == ("Comparison rate taken as 30% and the smallest worthwhile effect as "
                                              "0.05 percentage points (you typed 30 and 0.05).")
    assert "If you meant 5 percentage points, type 5." in shares.warnings(effect=effect)[0]
    assert shares.warnings(per_group=200_001)[0].startswith("This needs 200,001 people in each group")
    assert shares.warnings(effect=shares.read_difference("0.5", "e", like=rate), per_group=200_000) == []


def test_an_effect_past_0_or_100_percent_is_refused_in_the_direction_that_is_better():
    rate = shares.read_share("0.90", "rate")
    effect = shares.read_difference("0.20", "effect", like=rate)
    assert shares.rate_and_effect(rate, effect, "higher")[0] == "effect"
    assert shares.rate_and_effect(rate, effect, "lower") is None and shares.rate_and_effect(rate, effect, None) is None
    assert shares.rate_and_effect(shares.read_share("100%", "rate"), effect, None)[0] == "rate"
