"""``pilotbook analyse FILE``: the evaluation engine on a CSV or XLSX file, for analysts.

Plain argparse on the Django-free engine (``pilotbook.stats``), so it starts fast and never touches the
database. The engine's libraries (pandas, scipy, statsmodels) load in a background thread while pyarrow parses the
file (``_load_engine_meanwhile``). Bad input exits with status 2 and one line on stderr (``pilotbook analyse: ...``),
never a traceback.
``--help`` lists the keys of the ``--json`` output (JSON_KEYS).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import threading
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from pilotbook.cli.support import OneLineParser, estimate_keys, mistake

PROG = "pilotbook analyse"
KINDS = ("binary", "continuous", "count", "time-to-event")
VERDICT_WORDS = {
    "worked": "worked",
    "no_worthwhile_effect": "made no worthwhile difference",
    "made_worse": "made things worse",
    "inconclusive": "is inconclusive",
}


class UsageError(Exception):
    """Input the analyst must fix; shown as one line."""


_SUMMARY = "the same keys as the group's (n, mean, sd, events...), for the period before and for the one after"
JSON_KEYS: list[tuple[str, str]] = [
    ("kind", "the outcome's kind: binary, continuous, count or time-to-event"),
    ("design", "individual, cluster, did (difference in differences) or before_after"),
    ("design_label", "the design in words"),
    ("msms_level", "evidence level of the design on the Maryland Scientific Methods Scale, 1 to 5"),
    ("alpha", "two-sided significance level; intervals are at level 1 - alpha"),
    ("arms", "one summary per group, the comparison group included"),
    ("arms[].label", "the group's label in the --arm column"),
    ("arms[].n", "rows (people or units) in the group; null when the file gives only totals"),
    ("arms[].events", "binary, count, time-to-event: events in the group"),
    ("arms[].proportion", "binary: events / n, a fraction from 0 to 1"),
    ("arms[].exposure", "count: the group's total exposure (--exposure)"),
    ("arms[].rate", "count: events per unit of exposure"),
    ("arms[].mean", "continuous: the mean outcome"),
    ("arms[].sd", "continuous: the outcome's standard deviation"),
    ("arms[].baseline_mean", "continuous with --baseline: the mean baseline"),
    ("arms[].median", "time-to-event: median time (Kaplan-Meier); null when not reached"),
    ("arms[].median_ci_low", "time-to-event: lower end of the median's interval"),
    ("arms[].median_ci_high", "time-to-event: upper end of the median's interval"),
    ("arms[].clusters", "cluster designs: clusters in the group"),
    ("arms[].periods", "before-and-after designs (--period): the group before, then after"),
    ("arms[].periods[].*", _SUMMARY),
    ("comparisons", "one per group other than the comparison group"),
    ("comparisons[].arm", "the group compared"),
    ("comparisons[].control", "the comparison group (--control)"),
    *estimate_keys("comparisons[].difference", "the effect: the group minus the comparison group, in the outcome's "
                                                "units (binary: a difference of fractions); null when not available"),
    *estimate_keys("comparisons[].ratio", "risk, rate or hazard ratio, group over comparison group; null when it "
                                           "does not apply"),
    ("comparisons[].other_measures", "further measures by name (odds_ratio, hedges_g, unadjusted_difference...)"),
    ("comparisons[].other_measures.*", "each an estimate with ci_low, ci_high and method"),
    ("comparisons[].p_value", "p-value of the test"),
    ("comparisons[].p_value_adjusted", "Holm-adjusted across the comparisons (the same with one)"),
    ("comparisons[].test", "the test, in words"),
    ("comparisons[].verdict", "worked, no_worthwhile_effect, made_worse or inconclusive; null without --worthwhile"),
    ("comparisons[].reaches_worthwhile", "whether the estimate reaches --worthwhile in the better direction"),
    ("comparisons[].oriented", "the difference turned so that more is better (--better): estimate, ci_low, ci_high"),
    ("comparisons[].oriented.*", "estimate, ci_low, ci_high"),
    ("comparisons[].settling_sample", "about how many per group would settle an inconclusive result"),
    ("icc", "cluster designs: the intracluster correlation"),
    ("design_effect", "cluster designs: how much clustering inflates the variance"),
    ("clusters", "cluster designs: clusters in all"),
    ("survival", "time-to-event: the Kaplan-Meier curves"),
    ("survival.curves", "one per group"),
    ("survival.curves[].label", "the group"),
    ("survival.curves[].steps", "[time, survival, lower, upper] at each event time, from [0, 1, 1, 1]"),
    ("survival.curves[].median", "median time; null when not reached"),
    ("survival.curves[].median_ci_low", "lower end of the median's interval"),
    ("survival.curves[].median_ci_high", "upper end of the median's interval"),
    ("warnings", "sentences about the data or the method to heed"),
    ("assumptions", "sentences stating what the method assumes"),
]


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog=PROG, description="Compare each group with the comparison group and give a verdict.",
                      json_keys=JSON_KEYS)
    p.add_argument("file", help="a CSV or XLSX file, one row per person or unit, headings in row 1")
    p.add_argument("--outcome", help="column holding the outcome (not needed for time-to-event)")
    p.add_argument("--arm", required=True, help="column saying which group each row is in")
    p.add_argument("--control", required=True, help="the comparison group's label in that column")
    p.add_argument("--kind", choices=[*KINDS, "time_to_event"], help="outcome kind (inferred when left out)")
    p.add_argument("--time", help="time-to-event: column with the follow-up time")
    p.add_argument("--event", help="time-to-event: column saying whether the event happened (1/0, yes/no)")
    p.add_argument("--baseline", help="column with a baseline measure (continuous outcomes: ANCOVA)")
    p.add_argument("--cluster", help="column with the cluster (ward, round, school) for cluster designs")
    p.add_argument("--period", help="column with the period, for before-and-after designs")
    p.add_argument("--before", help="the value of --period that means 'before'")
    p.add_argument("--exposure", help="count outcomes: column with each row's exposure (e.g. person-years)")
    p.add_argument("--design", default="auto", choices=("auto", "individual", "cluster", "did", "before_after"))
    p.add_argument("--better", default="higher", choices=("higher", "lower"), help="which direction is better")
    p.add_argument("--worthwhile", type=float, help="smallest worthwhile difference, in the outcome's units")
    p.add_argument("--alpha", type=float, default=0.05, help="two-sided significance level (default 0.05)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv: Sequence[str]) -> int:
    """Entry point for ``pilotbook analyse ARGS``; returns the exit code."""
    from pilotbook.stats.errors import AnalysisError, DataError  # without loading the engine

    try:
        args = _parser().parse_args(list(argv))
        result = run(args)
    except (UsageError, DataError, AnalysisError) as error:
        return mistake(PROG, _one_line(error))
    except (ValueError, ArithmeticError):  # as the web page says: the numbers defeat the arithmetic
        return mistake(PROG, "these figures are too large or too extreme to analyse; check they are in the "
                             "outcome's unit and that no cell holds a typing error.")
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        print(report(result))
    return 0


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or error.__class__.__name__


def run(args: argparse.Namespace) -> dict[str, Any]:
    from pilotbook.stats.reading import read_table

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"There is no file '{args.file}'.")
    if args.worthwhile is not None and not (math.isfinite(args.worthwhile) and args.worthwhile > 0):
        raise UsageError("--worthwhile must be a number greater than 0.")
    if (args.period is None) != (args.before is None):
        raise UsageError("--period and --before go together: the column and the value that means 'before'.")
    _load_engine_meanwhile(args.kind)
    table = read_table(path, filename=path.name, columns=_columns_used(args), numbers=_number_columns(args),
                       labels=_label_columns(args))
    kind = (args.kind or _infer_kind(args, table)).replace("_", "-")
    if kind != "time-to-event" and not args.outcome:
        raise UsageError("--outcome is required (the column holding the outcome).")
    from pilotbook.stats.analysis import AnalysisSpec, analyse
    from pilotbook.stats.dataset import build_dataset

    dataset = build_dataset(
        table, kind=kind, arm=args.arm, control=args.control, outcome=args.outcome, baseline=args.baseline,
        cluster=args.cluster, period=args.period, before_label=args.before, time=args.time, event=args.event,
        exposure=args.exposure,
    )
    spec = AnalysisSpec(kind=kind, control=dataset.control, design=args.design, better=args.better,
                        worthwhile=args.worthwhile, alpha=args.alpha)
    return analyse(dataset, spec).to_dict()


ENGINE_MODULES = ("pandas", "pilotbook.stats.dataset", "pilotbook.stats.analysis")  # in the order they are needed
BINARY_MODULES = ("statsmodels.stats.proportion",)  # the yes/no analysis loads it when it runs


def _load_engine_meanwhile(kind: str | None) -> None:
    """Load the engine's modules in a background thread while this one reads the file.

    Loading pandas, scipy.stats and statsmodels is mostly Python work for one core; pyarrow parses the file with
    the interpreter lock released, in its own threads. Done one after the other they take the sum of the two; side
    by side, on a machine with a core to spare, about the longer of the two. pyarrow's own modules are loaded first,
    here, so the two threads never wait on each other for them. A module that fails to load here fails again, with
    its own error, where it is imported for use; a thread still loading when the command ends is simply dropped
    (it is a daemon, and ``pilotbook`` ends the reading commands with ``os._exit``).
    """
    import pyarrow.compute  # noqa: F401 - the reader's modules, loaded before the thread starts
    import pyarrow.csv  # noqa: F401

    modules = ENGINE_MODULES + (BINARY_MODULES if kind in (None, "binary") else ())

    def load() -> None:
        with contextlib.suppress(Exception):
            for name in modules:
                import_module(name)

    threading.Thread(target=load, name="pilotbook-load-engine", daemon=True).start()


def _columns_used(args: argparse.Namespace) -> list[str]:
    """Only these are read: parsing the others would be wasted on a file of millions of rows."""
    named = (args.arm, args.outcome, args.baseline, args.cluster, args.period, args.time, args.event, args.exposure)
    return list(dict.fromkeys(name for name in named if name))


def _number_columns(args: argparse.Namespace) -> list[str]:
    """Columns that must hold numbers (read_table's hint): never a column that names groups."""
    kind = (args.kind or "").replace("_", "-")
    numbers = [args.baseline, args.exposure, args.time, args.event]  # an event flag is mostly 1/0
    if kind:  # a yes/no outcome is mostly 1/0 too; yes/no words stop Arrow at their first block, then it guesses
        numbers.append(args.outcome)
    return [name for name in numbers if name and name not in _label_columns(args)]


def _label_columns(args: argparse.Namespace) -> list[str]:
    """Columns with a few different values (read_table's hint): groups, clusters and periods."""
    return [name for name in (args.arm, args.cluster, args.period) if name]


def _infer_kind(args: argparse.Namespace, table) -> str:
    """time + event -> time-to-event; an outcome of only 0/1 (or yes/no) -> binary; else continuous."""
    from pilotbook.stats.dataset import DataError, build_dataset

    if args.time and args.event:
        return "time-to-event"
    if args.exposure:
        return "count"
    if not args.outcome:
        raise UsageError("--outcome is required (the column holding the outcome).")
    try:
        build_dataset(table, kind="binary", arm=args.arm, control=args.control, outcome=args.outcome)
    except DataError as error:
        if "is not 0 or 1" in str(error) or "is not a number" in str(error):
            return "continuous"
        raise
    return "binary"


def report(result: dict[str, Any]) -> str:
    lines = [f"{result['design_label']} (evidence level {result['msms_level']} of 5), {result['kind']} outcome."]
    for arm in result["arms"]:
        lines.append("  " + _arm_line(result["kind"], arm))
    for c in result["comparisons"]:
        lines.append("")
        lines += _comparison_lines(result, c, f"{1 - result['alpha']:.0%}")
    for heading, items in (("Warnings", result["warnings"]), ("Assumptions", result["assumptions"])):
        if items:
            lines += ["", f"{heading}:"] + [f"  - {item}" for item in items]
    return "\n".join(lines)


def _arm_line(kind: str, arm: dict[str, Any]) -> str:
    n = "n not given" if arm.get("n") is None else f"n = {arm['n']:,}"
    if kind == "binary":
        return f"{arm['label']}: {n}, {arm['events']:,} events ({arm['proportion']:.1%})"
    if kind == "count":
        return f"{arm['label']}: {n}, {arm['events']:,} events over {arm['exposure']:,.4g} ({arm['rate']:.4g} per unit)"
    if kind == "time-to-event":
        median = "not reached" if arm["median"] is None else f"{arm['median']:.4g}"
        return f"{arm['label']}: {n}, {arm['events']:,} events, median {median}"
    sd = "" if arm.get("sd") is None else f", SD {arm['sd']:.4g}"
    return f"{arm['label']}: {n}, mean {arm['mean']:.4g}{sd}"


def _comparison_lines(result: dict[str, Any], c: dict[str, Any], level: str) -> list[str]:
    lines = []
    percent = result["kind"] == "binary"
    if c["verdict"]:
        lines.append(f"Verdict: '{c['arm']}' against '{c['control']}' {VERDICT_WORDS[c['verdict']]}.")
    d = c["difference"]
    if d:
        lines.append(f"Difference ({c['arm']} minus {c['control']}): {_fmt(d, percent, level)} — {d['method']}.")
    else:
        lines.append(f"Difference ({c['arm']} minus {c['control']}): not available.")
    if c["ratio"]:
        lines.append(f"Ratio: {_fmt(c['ratio'], False, level)} — {c['ratio']['method']}.")
    adjusted = "" if c["p_value_adjusted"] == c["p_value"] else f", Holm-adjusted {c['p_value_adjusted']:.3g}"
    lines.append(f"p = {c['p_value']:.3g}{adjusted} ({c['test']}).")
    if c["settling_sample"]:
        lines.append(f"About {c['settling_sample']:,} per group would settle it.")
    return lines


def _fmt(e: dict[str, Any], percent: bool, level: str) -> str:
    def f(v: float | None) -> str:
        if v is None:
            return "unbounded"
        return f"{v * 100:.1f} points" if percent else f"{v:.4g}"

    return f"{f(e['estimate'])} ({level} CI {f(e['ci_low'])} to {f(e['ci_high'])})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
