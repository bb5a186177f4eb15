"""Benchmark: the evaluation engine on a large upload against the obvious pandas + statsmodels script.

    .venv/bin/python bench/analyse.py             # 10,000,000 rows (the CSV is cached under /tmp)
    .venv/bin/python bench/analyse.py --rows 1e6

Each side runs in its own process so that its peak memory (``ru_maxrss``) is its own. Both compute the same
numbers from one CSV (group, a yes/no outcome, a continuous outcome and its baseline): the difference in
proportions and a binary test, the Welch difference in means, and the baseline-adjusted (ANCOVA) difference.
Pilotbook: ``read_table`` (pyarrow) -> ``build_dataset`` (numpy ``bincount`` sums) -> ``analyse``, twice.
Baseline: ``pandas.read_csv`` -> statsmodels GLM (binomial) and OLS on the rows, and scipy's Welch t-test.
Targets (issue 3): under 5 s end to end, at least 3x faster than the baseline, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(tempfile.gettempdir())


def generate(rows: int) -> Path:
    path = CACHE / f"pilotbook_bench_{rows}.csv"
    if path.exists():
        return path
    import numpy as np
    import pyarrow as pa
    from pyarrow import csv as pacsv

    rng = np.random.default_rng(20260101)
    arm = rng.integers(0, 2, rows)
    baseline = rng.normal(50, 10, rows).round(2)
    score = (10 + 0.8 * baseline + 0.3 * arm + rng.normal(0, 5, rows)).round(2)
    contacted = (rng.random(rows) < 0.30 + 0.02 * arm).astype(np.int8)
    table = pa.table({
        "arm": pa.array(np.where(arm == 1, "new letter", "old letter")),
        "contacted": contacted,
        "score": score,
        "baseline": baseline,
    })
    partial = path.with_suffix(".partial")
    pacsv.write_csv(table, partial)
    partial.rename(path)
    return path


def ours(path: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pilotbook.stats.analysis import AnalysisSpec, analyse
    from pilotbook.stats.dataset import build_dataset, read_table

    start = time.perf_counter()
    table = read_table(path, filename=path.name)
    binary = build_dataset(table, kind="binary", arm="arm", control="old letter", outcome="contacted")
    b = analyse(binary, AnalysisSpec("binary", "old letter", worthwhile=0.01)).to_dict()
    cont = build_dataset(table, kind="continuous", arm="arm", control="old letter", outcome="score",
                         baseline="baseline")
    c = analyse(cont, AnalysisSpec("continuous", "old letter", worthwhile=0.5)).to_dict()
    seconds = time.perf_counter() - start
    comparison = c["comparisons"][0]
    return {
        "seconds": seconds,
        "rss_mb": _peak_mb(),
        "rows": binary.row_count,
        "proportion_difference": b["comparisons"][0]["difference"]["estimate"],
        "ancova": comparison["difference"]["estimate"],
        "ancova_ci": [comparison["difference"]["ci_low"], comparison["difference"]["ci_high"]],
        "welch": comparison["other_measures"]["unadjusted_difference"]["estimate"],
    }


def baseline(path: Path) -> dict:
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats

    start = time.perf_counter()
    df = pd.read_csv(path)
    df["new"] = (df["arm"] == "new letter").astype(float)
    glm = smf.glm("contacted ~ new", data=df, family=sm.families.Binomial()).fit()
    p1, p0 = df.contacted[df.new == 1].mean(), df.contacted[df.new == 0].mean()
    welch = stats.ttest_ind(df.score[df.new == 1], df.score[df.new == 0], equal_var=False)
    ols = smf.ols("score ~ new + baseline", data=df).fit()
    seconds = time.perf_counter() - start
    lo, hi = ols.conf_int().loc["new"]
    return {
        "seconds": seconds,
        "rss_mb": _peak_mb(),
        "proportion_difference": float(p1 - p0),
        "glm_p": float(glm.pvalues["new"]),
        "ancova": float(ols.params["new"]),
        "ancova_ci": [float(lo), float(hi)],
        "welch": float(np.mean(df.score[df.new == 1]) - np.mean(df.score[df.new == 0])),
        "welch_p": float(welch.pvalue),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def _run(part: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--part", part, str(path)],  # noqa: S603 - fixed arguments
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=10_000_000, help="rows to generate (default 10 million)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the pandas + statsmodels run")
    parser.add_argument("--part", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps((ours if args.part == "ours" else baseline)(Path(args.path))))
        return 0
    rows = int(args.rows)
    path = generate(rows)
    mine = _run("ours", path)
    line = f"analyse {rows:,} rows: {mine['seconds']:.1f} s"
    if not args.no_baseline:
        theirs = _run("baseline", path)
        for key in ("proportion_difference", "ancova", "welch"):
            assert abs(mine[key] - theirs[key]) < 1e-8, (key, mine[key], theirs[key])
        assert all(abs(a - b) < 1e-7 for a, b in zip(mine["ancova_ci"], theirs["ancova_ci"], strict=True))
        line += (f" (baseline pandas+statsmodels {theirs['seconds']:.1f} s, "
                 f"{theirs['seconds'] / mine['seconds']:.1f}x faster)")
    line += f", peak RSS {mine['rss_mb']:,.0f} MB"
    if not args.no_baseline:
        line += f" (baseline {theirs['rss_mb']:,.0f} MB); same estimates to 1e-8"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
