"""The verdict rules (pilotbook.stats.verdicts, ADR 0005), checked at their boundaries and as properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilotbook.stats.verdicts import Verdict, judge

W = 5.0


@pytest.mark.parametrize(
    ("estimate", "low", "high", "verdict"),
    [
        (8, 2, 14, Verdict.WORKED),            # whole CI above zero
        (2, 0.5, 3.5, Verdict.WORKED),         # worked, though below the worthwhile effect
        (-8, -14, -2, Verdict.MADE_WORSE),     # whole CI below zero
        (1, -2, 4, Verdict.NO_WORTHWHILE_EFFECT),  # any benefit is confidently under 5
        (3, -2, 8, Verdict.INCONCLUSIVE),      # could be nothing, could be worthwhile
        (0, 0, 0.1, Verdict.NO_WORTHWHILE_EFFECT),  # lo == 0 is not "worked"
        (2, -1, 5, Verdict.INCONCLUSIVE),      # hi == delta is not "under" delta
    ],
)
def test_verdict_rules_higher_is_better(estimate, low, high, verdict):
    assert judge(estimate, low, high, better="higher", worthwhile=W).verdict is verdict


def test_lower_is_better_flips_the_interval():
    # "Days to contact" fell by 17.8 to 31.2 days: an improvement.
    result = judge(-24.5, -31.2, -17.8, better="lower", worthwhile=7)
    assert result.verdict is Verdict.WORKED
    assert result.reaches_worthwhile
    assert (result.oriented.ci_low, result.oriented.ci_high) == (17.8, 31.2)


def test_worked_says_separately_whether_the_estimate_reaches_the_worthwhile_effect():
    assert not judge(2, 0.5, 3.5, better="higher", worthwhile=W).reaches_worthwhile
    assert judge(6, 0.5, 11.5, better="higher", worthwhile=W).reaches_worthwhile


@pytest.mark.parametrize(
    ("args", "message"),
    [((1, 2, 3), "inside"), ((1, 0, 2, 0), "greater than zero"), ((float("nan"), 0, 1), "finite")],
)
def test_bad_input_is_refused_with_a_reason(args, message):
    estimate, low, high, *rest = args
    worthwhile = rest[0] if rest else W
    with pytest.raises(ValueError, match=message):
        judge(estimate, low, high, better="higher", worthwhile=worthwhile)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(a=finite, b=finite, c=finite, w=st.floats(min_value=1e-3, max_value=1e5))
def test_flipping_the_better_direction_and_the_sign_gives_the_same_verdict(a, b, c, w):
    low, estimate, high = sorted((a, b, c))
    up = judge(estimate, low, high, better="higher", worthwhile=w)
    down = judge(-estimate, -high, -low, better="lower", worthwhile=w)
    assert up.verdict is down.verdict
    assert up.reaches_worthwhile == down.reaches_worthwhile


@given(a=finite, b=finite, c=finite, w=st.floats(min_value=1e-3, max_value=1e5))
def test_exactly_one_verdict_and_it_matches_the_interval(a, b, c, w):
    low, estimate, high = sorted((a, b, c))
    verdict = judge(estimate, low, high, better="higher", worthwhile=w).verdict
    if verdict is Verdict.WORKED:
        assert low > 0
    elif verdict is Verdict.MADE_WORSE:
        assert high < 0
    elif verdict is Verdict.NO_WORTHWHILE_EFFECT:
        assert low <= 0 <= high < w
    else:
        assert low <= 0 and high >= w
