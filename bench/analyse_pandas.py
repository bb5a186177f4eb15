"""A second reference for bench/analyse.py: the obvious pandas + statsmodels script for Pilotbook's answers.

    .venv/bin/python bench/analyse_pandas.py FILE.csv [--outcome binary|continuous|both]

What many analysts would write first: ``pandas.read_csv``, then on the rows scipy's chi-squared and Welch tests,
statsmodels' Newcombe interval and an ordinary least squares fit of ``score ~ new + baseline`` (the ANCOVA). The
same figures as bench/analyse_baseline.py (which says what they are), and nothing Pilotbook does not compute.
Prints one JSON object: the figures, ``seconds`` (imports excluded) and ``rss_mb`` (this process's peak memory).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

ALPHA = 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--outcome", choices=("binary", "continuous", "both"), default="both")
    args = parser.parse_args()
    start = time.perf_counter()
    columns = ["arm"] + (["contacted"] if args.outcome != "continuous" else [])
    columns += ["score", "baseline"] if args.outcome != "binary" else []
    df = pd.read_csv(args.path, usecols=columns)
    new = df["arm"] == "new letter"
    figures: dict[str, object] = {}
    if args.outcome != "continuous":
        x1, n1 = int(df.contacted[new].sum()), int(new.sum())
        x0, n0 = int(df.contacted[~new].sum()), int((~new).sum())
        lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff", alpha=ALPHA)
        _, p_value, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x0, n0 - x0]], correction=False)
        figures |= {"proportion_difference": x1 / n1 - x0 / n0, "proportion_ci": [float(lo), float(hi)],
                    "proportion_p": float(p_value)}
    if args.outcome != "binary":
        a, c = df.score[new], df.score[~new]
        welch = stats.ttest_ind(a, c, equal_var=False)
        interval = welch.confidence_interval(1 - ALPHA)
        df["new"] = new.astype(float)
        ols = smf.ols("score ~ new + baseline", data=df).fit()
        lo, hi = ols.conf_int(alpha=ALPHA).loc["new"]
        figures |= {"welch": float(a.mean() - c.mean()), "welch_ci": [float(interval.low), float(interval.high)],
                    "welch_p": float(welch.pvalue), "ancova": float(ols.params["new"]),
                    "ancova_ci": [float(lo), float(hi)], "ancova_p": float(ols.pvalues["new"])}
    figures["seconds"] = time.perf_counter() - start
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
