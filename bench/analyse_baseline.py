"""The fair baseline for bench/analyse.py: what an analyst would write by hand for the answers Pilotbook gives.

    .venv/bin/python bench/analyse_baseline.py FILE.csv [--outcome binary|continuous|both]

Reads the CSV with pyarrow's multithreaded reader (only the needed columns, their types given), reduces it with one
pyarrow group-by per arm (count, sum, sum of squares, and for the baseline adjustment the baseline's sum, sum of
squares and cross-product with the outcome), then computes from those sums, with numpy and scipy:

- binary (``contacted``): the difference in proportions with Newcombe's hybrid score interval (Wilson intervals
  for each group) and Pearson's chi-squared test without continuity correction;
- continuous (``score``): Welch's difference in means with its t interval and p-value, and the baseline-adjusted
  (ANCOVA, ``score ~ group + baseline``) difference from the normal equations, with its t interval and p-value.

Nothing else: no model Pilotbook does not fit, no row-level regression. The file's columns are those bench/analyse.py
writes (arm, contacted, score, baseline; the comparison group is "old letter"). Prints one JSON object: the figures,
``seconds`` (reading to the last figure, imports excluded) and ``rss_mb`` (this process's peak memory).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv
from scipy import stats

CONTROL, TREATED = "old letter", "new letter"
ALPHA = 0.05


def read(path: str, outcome: str):
    columns = {"arm": pa.dictionary(pa.int32(), pa.string())}  # group labels: read once, grouped by code
    if outcome in ("binary", "both"):
        columns["contacted"] = pa.float64()
    if outcome in ("continuous", "both"):
        columns |= {"score": pa.float64(), "baseline": pa.float64()}
    table = csv.read_csv(path, convert_options=csv.ConvertOptions(include_columns=list(columns), column_types=columns))
    return table.unify_dictionaries()  # each block has its own dictionary; group_by wants one


def sums_per_arm(table: pa.Table) -> dict[str, dict[str, float]]:
    """One group-by over the arm: n and the sums each figure below needs."""
    aggregations = [("arm", "count")]
    if "contacted" in table.column_names:
        aggregations.append(("contacted", "sum"))
    if "score" in table.column_names:
        y, x = table["score"], table["baseline"]
        table = (table.append_column("yy", pc.multiply(y, y)).append_column("xx", pc.multiply(x, x))
                 .append_column("xy", pc.multiply(x, y)))
        aggregations += [(name, "sum") for name in ("score", "yy", "baseline", "xx", "xy")]
    grouped = table.group_by("arm").aggregate(aggregations).to_pydict()
    names = {f"{column}_{function}": column for column, function in aggregations}
    return {arm: {names[key]: float(grouped[key][i]) for key in names}
            for i, arm in enumerate(grouped["arm"])}


def wilson(events: float, n: float, z: float) -> tuple[float, float]:
    p = events / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def binary(s1: dict[str, float], s0: dict[str, float]) -> dict[str, float]:
    x1, n1, x0, n0 = s1["contacted"], s1["arm"], s0["contacted"], s0["arm"]
    p1, p0 = x1 / n1, x0 / n0
    z = stats.norm.ppf(1 - ALPHA / 2)
    (l1, u1), (l0, u0) = wilson(x1, n1, z), wilson(x0, n0, z)
    difference = p1 - p0
    chi2, p_value, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
    return {"proportion_difference": difference,
            "proportion_ci": [difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
                              difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)],
            "proportion_p": float(p_value)}


def continuous(s1: dict[str, float], s0: dict[str, float]) -> dict[str, float]:
    def mean_var(s: dict[str, float]) -> tuple[float, float, float]:
        n = s["arm"]
        return s["score"] / n, (s["yy"] - s["score"] ** 2 / n) / (n - 1), n

    (m1, v1, n1), (m0, v0, n0) = mean_var(s1), mean_var(s0)
    welch = stats.ttest_ind_from_stats(m1, math.sqrt(v1), n1, m0, math.sqrt(v0), n0, equal_var=False)
    se2 = v1 / n1 + v0 / n0
    df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v0 / n0) ** 2 / (n0 - 1))
    half = stats.t.ppf(1 - ALPHA / 2, df) * math.sqrt(se2)
    # ANCOVA: least squares of score on (1, treated, baseline) from the sums (normal equations X'X b = X'y).
    n, t = n0 + n1, n1
    sx, sy = s0["baseline"] + s1["baseline"], s0["score"] + s1["score"]
    xtx = np.array([[n, t, sx], [t, t, s1["baseline"]], [sx, s1["baseline"], s0["xx"] + s1["xx"]]])
    xty = np.array([sy, s1["score"], s0["xy"] + s1["xy"]])
    coef = np.linalg.solve(xtx, xty)
    residual = (s0["yy"] + s1["yy"] - coef @ xty) / (n - 3)
    se = math.sqrt(residual * np.linalg.inv(xtx)[1, 1])
    t_crit = stats.t.ppf(1 - ALPHA / 2, n - 3)
    return {"welch": m1 - m0, "welch_ci": [m1 - m0 - half, m1 - m0 + half], "welch_p": float(welch.pvalue),
            "ancova": float(coef[1]), "ancova_ci": [float(coef[1] - t_crit * se), float(coef[1] + t_crit * se)],
            "ancova_p": float(2 * stats.t.sf(abs(coef[1]) / se, n - 3))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--outcome", choices=("binary", "continuous", "both"), default="both")
    args = parser.parse_args()
    start = time.perf_counter()
    sums = sums_per_arm(read(args.path, args.outcome))
    figures: dict[str, object] = {}
    if args.outcome in ("binary", "both"):
        figures |= binary(sums[TREATED], sums[CONTROL])
    if args.outcome in ("continuous", "both"):
        figures |= continuous(sums[TREATED], sums[CONTROL])
    figures["seconds"] = time.perf_counter() - start
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
