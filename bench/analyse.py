"""Benchmark: Pilotbook's evaluation engine and `pilotbook analyse` on a large CSV, against the script an analyst
would write by hand for the same answers.

    .venv/bin/python bench/analyse.py                  # 10,000,000 rows (the CSV is cached under /tmp)
    .venv/bin/python bench/analyse.py --rows 1e6 --repeat 5

The CSV has a group (arm), a yes/no outcome (contacted), a continuous outcome (score) and its baseline. Every side
computes the same figures and the bench checks they agree: the difference in proportions with Newcombe's interval
and the chi-squared p-value; Welch's difference in means with its interval; the baseline-adjusted (ANCOVA)
difference with its interval and p-value.

- **baseline** (bench/analyse_baseline.py): pyarrow reads the CSV (needed columns only, types given), one pyarrow
  group_by per arm gives count, sums, sums of squares and the baseline's cross-products, numpy and scipy give the
  figures. Nothing Pilotbook does not compute.
- **reference** (bench/analyse_pandas.py): the obvious pandas + statsmodels script (read_csv, tests on the rows,
  OLS for the ANCOVA), for scale.
- **library**: ``read_table`` -> ``build_dataset`` -> ``analyse`` for both outcomes in one process (it computes
  more than the figures above: risk and odds ratios, Hedges' g, warnings), against baseline and reference run for
  both outcomes.
- **cli**: the command itself, ``.venv/bin/pilotbook analyse FILE --json``, once per outcome as an analyst runs it,
  end to end (interpreter start, imports, reading, printing), against the baseline run for that outcome alone.

Every side runs in its own process, started the same way from this one, one after the other, ``--repeat`` times
in turn. For each it prints the median wall-clock seconds end to end (interpreter start to exit), the CPU seconds
(user + system, steadier than wall-clock when the machine is busy), and the peak memory (``ru_maxrss`` of that
process, from ``wait4``). Ratios are baseline seconds / Pilotbook seconds (above 1: Pilotbook is faster).
Targets (issue 19): the CLI on 10 million rows as fast as the baseline, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench._common import header, load_line  # noqa: E402

CACHE = Path(tempfile.gettempdir())
CONTROL = "old letter"
CLI = ROOT / ".venv" / "bin" / "pilotbook"
BASELINE = ("bench/analyse_baseline.py, pyarrow's CSV reader (types given) and one group_by per arm for the "
            "sums, then numpy/scipy for the same figures (no model Pilotbook does not compute); each side in its "
            "own process, same Python")


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
        "arm": pa.array(np.where(arm == 1, "new letter", CONTROL)),
        "contacted": contacted,
        "score": score,
        "baseline": baseline,
    })
    partial = path.with_suffix(".partial")
    pacsv.write_csv(table, partial)
    partial.rename(path)
    return path


# --- the sides -----------------------------------------------------------------------------------------------


def cli_command(path: Path, outcome: str) -> list[str]:
    options = (["--outcome", "contacted", "--kind", "binary"] if outcome == "binary"
               else ["--outcome", "score", "--baseline", "baseline", "--kind", "continuous"])
    return [str(CLI), "analyse", str(path), "--arm", "arm", "--control", CONTROL, *options, "--json"]


def figures(binary: dict | None, continuous: dict | None) -> dict:
    """The figures every side gives, from Pilotbook's ``Analysis.to_dict()`` (as ``--json`` prints it)."""
    found: dict = {}
    if binary:
        c = binary["comparisons"][0]
        d = c["difference"]
        found |= {"proportion_difference": d["estimate"], "proportion_ci": [d["ci_low"], d["ci_high"]],
                  "proportion_p": c["p_value"]}
    if continuous:
        c = continuous["comparisons"][0]
        d, w = c["difference"], c["other_measures"]["unadjusted_difference"]
        found |= {"welch": w["estimate"], "welch_ci": [w["ci_low"], w["ci_high"]], "ancova": d["estimate"],
                  "ancova_ci": [d["ci_low"], d["ci_high"]], "ancova_p": c["p_value"]}
    return found


def library(path: Path) -> dict:
    """Pilotbook's engine in this process, as the web app and the CLI call it, for both outcomes."""
    from pilotbook.stats.analysis import AnalysisSpec, analyse
    from pilotbook.stats.dataset import build_dataset, read_table

    start = time.perf_counter()
    table = read_table(path, filename=path.name)
    binary = build_dataset(table, kind="binary", arm="arm", control=CONTROL, outcome="contacted")
    b = analyse(binary, AnalysisSpec("binary", CONTROL)).to_dict()
    cont = build_dataset(table, kind="continuous", arm="arm", control=CONTROL, outcome="score", baseline="baseline")
    c = analyse(cont, AnalysisSpec("continuous", CONTROL)).to_dict()
    seconds = time.perf_counter() - start
    return figures(b, c) | {"seconds": seconds}


def run(command: list[str]) -> dict:
    """Run one side in its own process: its JSON output, wall-clock and CPU seconds, and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)  # noqa: S603 - fixed arguments
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read().decode()}")
        return {"output": json.loads(out.read()), "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024}  # Linux reports kilobytes


def same(ours: dict, theirs: dict, who: str) -> None:
    """Every figure both give agrees: estimates and intervals to 1e-9 (relative), p-values to 1e-6."""
    for key in (ours.keys() & theirs.keys()) - {"seconds", "rss_mb"}:
        pairs = zip(ours[key], theirs[key], strict=True) if isinstance(ours[key], list) else [(ours[key], theirs[key])]
        tolerance = 1e-6 if key.endswith("_p") else 1e-9
        for a, b in pairs:
            assert math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-15), (who, key, a, b)


# --- the report ----------------------------------------------------------------------------------------------


def summary(name: str, runs: list[dict]) -> dict:
    return {"name": name, "wall": statistics.median(r["wall"] for r in runs),
            "spread": (min(r["wall"] for r in runs), max(r["wall"] for r in runs)),
            "cpu": statistics.median(r["cpu"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs),
            "work": statistics.median(r["output"]["seconds"] for r in runs) if "seconds" in runs[0]["output"]
            else None}


def line(s: dict, against: dict | None = None) -> str:
    low, high = s["spread"]
    text = (f"  {s['name']:<44} {s['wall']:6.2f} s end to end ({low:.2f}-{high:.2f}), CPU {s['cpu']:6.2f} s, "
            f"peak {s['peak_mb']:6,.0f} MB")
    if s["work"] is not None:
        text += f", work {s['work']:.2f} s"
    if against is not None:
        text += (f"; baseline/ours: wall {against['wall'] / s['wall']:.2f}x, CPU {against['cpu'] / s['cpu']:.2f}x, "
                 f"memory {against['peak_mb'] / s['peak_mb']:.2f}x")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=10_000_000, help="rows to generate (default 10 million)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, in turn (default 3)")
    parser.add_argument("--no-reference", action="store_true", help="skip the pandas + statsmodels reference")
    parser.add_argument("--part", choices=("library",), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(library(Path(args.path))))
        return 0
    rows = int(args.rows)
    header(f"pilotbook analyse and its engine on {rows:,} rows (median of {args.repeat} runs per side)", BASELINE)
    path = generate(rows)
    py = sys.executable
    sides = {
        "library (both outcomes)": [py, __file__, "--part", "library", str(path)],
        "baseline (both outcomes)": [py, str(BENCH / "analyse_baseline.py"), str(path)],
        "cli binary": cli_command(path, "binary"),
        "baseline binary": [py, str(BENCH / "analyse_baseline.py"), str(path), "--outcome", "binary"],
        "cli continuous": cli_command(path, "continuous"),
        "baseline continuous": [py, str(BENCH / "analyse_baseline.py"), str(path), "--outcome", "continuous"],
    }
    if not args.no_reference:
        sides["reference pandas+statsmodels (both)"] = [py, str(BENCH / "analyse_pandas.py"), str(path)]
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    for _ in range(args.repeat):
        for name, command in sides.items():
            runs[name].append(run(command))
    found = {name: [r["output"] if not name.startswith("cli") else
                    figures(*((r["output"], None) if name.endswith("binary") else (None, r["output"])))
                    for r in results] for name, results in runs.items()}
    for name, outputs in found.items():
        if name != "baseline (both outcomes)":
            for output in outputs:
                same(output, found["baseline (both outcomes)"][0], name)
    s = {name: summary(name, results) for name, results in runs.items()}
    print("library, both outcomes in one process (work = reading to the last figure, imports excluded):")
    print(line(s["library (both outcomes)"], s["baseline (both outcomes)"]))
    print(line(s["baseline (both outcomes)"]))
    if not args.no_reference:
        print(line(s["reference pandas+statsmodels (both)"]))
        ref = s["reference pandas+statsmodels (both)"]
        print(f"  (the reference takes {ref['wall'] / s['baseline (both outcomes)']['wall']:.2f}x the baseline's "
              "wall-clock time)")
    print("pilotbook analyse --json, one outcome per run, end to end:")
    for outcome in ("binary", "continuous"):
        print(line(s[f"cli {outcome}"], s[f"baseline {outcome}"]))
        print(line(s[f"baseline {outcome}"]))
    print(f"every side gave the same figures (estimates and intervals to 1e-9, p-values to 1e-6); after: "
          f"{load_line()}; this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
