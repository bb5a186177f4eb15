"""Simulation checks of the verdict rules (issue 3, "Proof"), across outcome kinds.

- Under no true effect, "worked" should come out in at most 2.5% of pilots (one side of a 95% interval).
- With a true effect equal to the smallest worthwhile one, "no worthwhile effect" in at most 5%.

Each check runs a few thousand seeded pilots and asks whether the observed rate is consistent with the
target: a one-sided exact binomial test must not reject "rate <= target" at the 1% level. A real excess
(for example a Wald interval for small proportions, or an interval at the wrong level) fails it.
"""

import numpy as np
import pytest
from scipy.stats import binomtest

from pilotbook.stats.analysis import AnalysisSpec, analyse
from pilotbook.stats.dataset import dataset_from_summaries

RUNS = 2000


def consistent_with_at_most(hits: int, runs: int, target: float) -> bool:
    return binomtest(hits, runs, target, alternative="greater").pvalue > 0.01


def verdict(kind, groups, worthwhile, better="higher"):
    data = dataset_from_summaries(kind, groups, control="old")
    return analyse(data, AnalysisSpec(kind, "old", better=better, worthwhile=worthwhile)).to_dict()[
        "comparisons"][0]["verdict"]


def binary_pilot(rng, p_old, p_new, n):
    a, b = rng.binomial(n, p_old), rng.binomial(n, p_new)
    return [{"label": "old", "n": n, "events": int(a)}, {"label": "new", "n": n, "events": int(b)}]


def continuous_pilot(rng, mean_old, mean_new, sd, n):
    groups = []
    for label, mean in (("old", mean_old), ("new", mean_new)):
        x = rng.normal(mean, sd, n)
        groups.append({"label": label, "n": n, "mean": float(x.mean()), "sd": float(x.std(ddof=1))})
    return groups


@pytest.mark.parametrize(("kind", "make", "worthwhile", "better"), [
    ("binary", lambda rng: binary_pilot(rng, 0.3, 0.3, 120), 0.05, "higher"),
    ("binary", lambda rng: binary_pilot(rng, 0.08, 0.08, 60), 0.05, "higher"),  # small counts: exact test
    ("continuous", lambda rng: continuous_pilot(rng, 40, 40, 12, 25), 5.0, "lower"),
])
def test_under_no_effect_worked_comes_out_at_most_2_5_percent(kind, make, worthwhile, better):
    rng = np.random.default_rng(11)
    worked = sum(verdict(kind, make(rng), worthwhile, better) == "worked" for _ in range(RUNS))
    assert consistent_with_at_most(worked, RUNS, 0.025), f"worked in {worked}/{RUNS} pilots with no effect"


@pytest.mark.parametrize(("kind", "make", "worthwhile", "better"), [
    ("binary", lambda rng: binary_pilot(rng, 0.30, 0.40, 200), 0.10, "higher"),
    ("continuous", lambda rng: continuous_pilot(rng, 40, 35, 12, 40), 5.0, "lower"),
])
def test_at_the_worthwhile_effect_no_worthwhile_effect_comes_out_at_most_5_percent(kind, make, worthwhile, better):
    rng = np.random.default_rng(12)
    wrong = sum(verdict(kind, make(rng), worthwhile, better) == "no_worthwhile_effect" for _ in range(RUNS))
    assert consistent_with_at_most(wrong, RUNS, 0.05), f"no worthwhile effect in {wrong}/{RUNS} pilots"


def test_the_check_itself_can_fail():
    # 4% "worked" out of 2,000 is too many for a 2.5% target: the check must say so.
    assert not consistent_with_at_most(80, 2000, 0.025)
    assert consistent_with_at_most(50, 2000, 0.025)
