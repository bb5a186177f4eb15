"""Pilots analysed in Pilotbook from one row per person give their group counts to a pooled group only in a way
that respects their design: a cluster-randomised pilot's counts carry its design effect, and a before-and-after
pilot's counts (which mix both periods) never stand in for a comparison between groups."""

import html
import re

import numpy as np
import pytest

from pilotbook.stats import effect_sizes, meta

from .conftest import COUNTS, analysed_binary, group_of, uploaded

pytestmark = pytest.mark.django_db


def cluster_rows(seed=5) -> list[str]:
    """20 wards of 30 residents; the new letter goes to odd wards; wards differ a lot, so the ICC is large."""
    rng = np.random.default_rng(seed)
    rows = ["ward,group,paid"]
    for ward in range(20):
        group = "new" if ward % 2 else "old"
        p = np.clip(0.30 + (0.10 if group == "new" else 0) + rng.normal(0, 0.15), 0.02, 0.98)
        rows += [f"W{ward},{group},{int(rng.random() < p)}" for _ in range(30)]
    return rows


def did_rows(seed=7) -> list[str]:
    """Before and after in a changed and an unchanged area; the changed area already paid more before."""
    rng = np.random.default_rng(seed)
    rows = ["area,period,paid"]
    rates = {("new", "before"): 0.60, ("new", "after"): 0.70, ("old", "before"): 0.30, ("old", "after"): 0.32}
    for (area, period), p in rates.items():
        rows += [f"{area},{period},{int(rng.random() < p)}" for _ in range(200)]
    return rows


def page_of(client, group) -> str:
    return html.unescape(client.get(group.get_absolute_url()).content.decode())


def test_a_cluster_randomised_pilot_carries_its_design_effect(client, councils):
    pilots = [analysed_binary(c, u, n, f"Texts {i}")
              for i, ((c, u), n) in enumerate(zip(councils[:2], COUNTS[:2], strict=True))]
    council, user = councils[2]
    wards = uploaded(council, user, "Ward letters", cluster_rows(),
                     {"arm": "group", "outcome": "paid", "cluster": "ward", "control": "old"},
                     design="randomised_cluster", planned_clusters=20)
    output = wards.result.analysis.output
    assert output["design"] == "cluster" and output["design_effect"] > 2
    arms = {arm["label"]: arm for arm in output["arms"]}
    counts = [*[(t[0], t[1], c[0], c[1]) for t, c in COUNTS[:2]],
              (arms["new"]["events"], arms["new"]["n"], arms["old"]["events"], arms["old"]["n"])]
    sizes = effect_sizes.from_counts("RR", *zip(*counts, strict=True))
    vi = [*sizes.vi[:2], sizes.vi[2] * output["design_effect"]]
    expected = meta.pool(sizes.yi, vi, measure="RR")
    table = re.search(r"<table.*?The forest plot in numbers.*?</table>", page_of(client, group_of([*pilots, wards])),
                      re.S).group(0)
    assert f"{expected.studies()[2].weight:.1f}%" in table


def test_a_before_and_after_pilot_is_not_pooled_from_its_summed_counts(client, councils):
    pilots = [analysed_binary(c, u, n, f"Texts {i}")
              for i, ((c, u), n) in enumerate(zip(councils[:2], COUNTS[:2], strict=True))]
    council, user = councils[2]
    did = uploaded(council, user, "Before and after letters", did_rows(),
                   {"arm": "area", "outcome": "paid", "period": "period", "before_label": "before",
                    "control": "old"}, design="before_after_comparison")
    assert did.result.analysis.output["design"] == "did"
    page = page_of(client, group_of([*pilots, did]))
    item = re.search(r"Before and after letters</a>.*?</li>", page, re.S).group(0)
    assert "Not pooled" in item
