"""``pilotbook power``: the sample a pilot needs, the smallest effect a given sample can show, or how many
councils would need to run the pilot together.

    pilotbook power --kind binary --control-rate 0.30 --worthwhile 0.05      (or 30 and 5, or 30% and 5)
    pilotbook power --kind continuous --sd 12 --worthwhile 3 --icc 0.05 --cluster-size 20 --json
    pilotbook power --kind binary --control-rate 0.30 --sample 500            (minimum detectable effect)
    pilotbook power --kind binary --control-rate 0.30 --worthwhile 0.05 --people-per-council 400

Rates, power and significance levels may be typed as percentages or fractions, read by the rule in
``pilotbook.stats.shares`` (the page's rule too), and what was read is printed with the answer.

Plain argparse on the Django-free engine (``pilotbook.stats.power``), so it starts fast and never touches the
database; the engine is imported inside :func:`power` so other ``pilotbook`` commands do not load scipy.
Bad input exits with status 2 and one line on stderr (``pilotbook power: ...``), never a traceback. ``--help`` lists
the keys of the ``--json`` output (JSON_KEYS).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections.abc import Sequence

from pilotbook.cli.support import OneLineParser, mistake
from pilotbook.stats import shares

PROG = "pilotbook power"
KINDS = ("binary", "continuous", "count", "time-to-event")


class UsageError(Exception):
    """Input the officer must fix; shown as one line."""


JSON_KEYS: list[tuple[str, str]] = [
    ("answer", "which question is answered: sample_size, minimum_detectable_effect (with --sample) or "
               "councils_needed (with --people-per-council); the keys below say which answers have them"),
    ("kind", "the outcome's kind"),
    ("read_as", "how each rate, effect, significance level and power typed was read, as sentences (for example "
                "'Comparison rate taken as 30%'); empty when nothing needed reading"),
    ("warnings", "figures that look unlikely (a tiny worthwhile effect, a huge sample), as sentences; often empty"),
    ("alpha", "two-sided significance level"),
    ("power", "sample_size, minimum_detectable_effect: the power asked for"),
    ("worthwhile", "the smallest worthwhile effect (--worthwhile, --rate-ratio or --hazard-ratio)"),
    ("per_group", "people in the comparison group (sample_size: rounded up; minimum_detectable_effect: --sample)"),
    ("change_group", "people getting the change (--ratio times per_group)"),
    ("total", "sample_size: per_group + change_group"),
    ("per_group_exact", "sample_size: per_group before rounding up, after the design effect"),
    ("clusters_per_group", "sample_size, cluster designs (--icc, --cluster-size): clusters in the comparison group"),
    ("clusters_change_group", "sample_size, cluster designs: clusters getting the change"),
    ("design_effect", "how much clustering inflates the sample (1 when individuals are randomised)"),
    ("events_needed", "sample_size, time-to-event: events needed in all"),
    ("effect", "minimum_detectable_effect: the smallest true effect the sample would show with that power"),
    ("unit", "minimum_detectable_effect: the unit of effect"),
    ("power_at_worthwhile", "minimum_detectable_effect with --worthwhile: the power to show that effect"),
    ("power_explanation", "minimum_detectable_effect with --worthwhile: that power in words"),
    ("councils", "councils_needed: councils needed in all"),
    ("people_per_council", "councils_needed: --people-per-council"),
    ("icc", "councils_needed: the correlation between councils (--council-icc)"),
    ("people_needed", "councils_needed: people needed in all, after the design effect"),
    ("councils_per_group", "councils_needed, whole councils randomised: councils in the comparison group"),
    ("councils_change_group", "councils_needed, whole councils randomised: councils getting the change"),
    ("method", "the formula used, in words"),
    ("explanation", "the answer in a sentence"),
]


def _number(text: str) -> float:
    """A finite number: argparse's float() would accept 'nan' and 'inf'."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


EPILOG = (
    "Percentages and fractions: for --control-rate of a binary outcome, --alpha and --power, "
    + shares.RULE + ". Half of one percent is 0.5%. "
    "What was read is printed with the answer, with a warning for a worthwhile effect under "
    f"{shares.SMALLEST_SENSIBLE_POINTS:g} percentage points or a sample over {shares.LARGEST_SENSIBLE_GROUP:,} "
    "people in each group."
)


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog=PROG, description="Sample size, minimum detectable effect or councils needed for a pilot.",
                      json_keys=JSON_KEYS, epilog=EPILOG)
    p.add_argument("--kind", required=True, choices=[*KINDS, "time_to_event"], help="the primary outcome's kind")
    p.add_argument("--worthwhile", help="smallest worthwhile difference: binary, in percentage points (5, or 0.05 "
                                        "with a fractional --control-rate); otherwise in the outcome's units")
    p.add_argument("--better", choices=("higher", "lower"), help="which direction is better (default: size for both)")
    p.add_argument("--alpha", default="0.05", help="two-sided significance level: 0.05 or 5%% (default 0.05)")
    p.add_argument("--power", default="0.8", help="power: 0.8 or 80%% (default 0.8)")
    p.add_argument("--ratio", type=_number, default=1.0, help="people getting the change per comparison person")
    p.add_argument("--control-rate", help="binary: comparison rate, 30 or 30%% or 0.30 (see below); count: rate")
    p.add_argument("--sd", type=_number, help="continuous: standard deviation of the outcome")
    p.add_argument("--control-mean", type=_number, help="continuous: comparison group's mean (for the wording)")
    p.add_argument("--baseline-correlation", type=_number, default=0.0, help="continuous: r with a baseline")
    p.add_argument("--rate", type=_number, help="count: comparison group's rate per unit of exposure")
    p.add_argument("--exposure", type=_number, default=1.0, help="count: exposure per person (default 1)")
    p.add_argument("--rate-ratio", type=_number, help="count: worthwhile rate ratio (instead of --worthwhile)")
    p.add_argument("--dispersion", type=_number, default=1.0, help="count: variance / mean (default 1, Poisson)")
    p.add_argument("--hazard-ratio", type=_number, help="time-to-event: worthwhile hazard ratio")
    p.add_argument("--control-median", type=_number, help="time-to-event: comparison group's median time")
    p.add_argument("--follow-up", type=_number, help="time-to-event: how long each person is followed")
    p.add_argument("--event-probability", type=_number, help="time-to-event: share expected to have the event")
    p.add_argument("--formula", choices=("schoenfeld", "freedman"), default="schoenfeld", help="time-to-event")
    p.add_argument("--icc", type=_number, help="cluster randomised: intraclass correlation")
    p.add_argument("--cluster-size", type=_number, help="cluster randomised: mean people per cluster")
    p.add_argument("--cluster-cv", type=_number, default=0.0, help="cluster randomised: CV of cluster sizes")
    p.add_argument("--sample", type=_number, help="comparison-group people: give the minimum detectable effect")
    p.add_argument("--people-per-council", type=int, help="people each council puts in: how many councils needed")
    p.add_argument("--council-icc", type=_number, default=0.0,
                   help="with --people-per-council: ICC between councils when whole councils are randomised")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def power(argv: Sequence[str]) -> int:
    """Entry point for ``pilotbook power ARGS``; returns the exit code."""
    from pilotbook.stats.power import PowerInputError

    try:
        args = _parser().parse_args(list(argv))
        result = _run(args)
    except (UsageError, PowerInputError) as exc:
        return mistake(PROG, exc)
    except (ValueError, ArithmeticError, RuntimeError) as exc:  # a calculation that cannot be done
        return mistake(PROG, f"cannot compute this: {exc}")
    print(json.dumps(result) if args.json else _text(result))
    return 0


def _run(args: argparse.Namespace) -> dict:
    from pilotbook.stats import power as pw

    read_as: list[str] = []
    alpha, power = (_setting(args, name, low, high, read_as) for name, low, high in (
        ("alpha", 0.001, 0.2), ("power", 0.5, 0.99)))
    outcome, worthwhile, effect = _outcome(args, read_as)
    found = {"read_as": read_as, "warnings": shares.warnings(effect=effect)}
    settings = {"alpha": alpha, "ratio": args.ratio}
    if args.sample is not None:
        design = _design(args)
        result = {"answer": "minimum_detectable_effect"}
        result |= _public(pw.minimum_detectable_effect(outcome, args.sample, power=power, design=design,
                                                       **settings))
        if worthwhile is not None:
            achieved = pw.power_for_sample(outcome, worthwhile, args.sample, design=design, **settings)
            result |= {"worthwhile": worthwhile, "power_at_worthwhile": achieved.power,
                       "power_explanation": achieved.explanation}
        return result | found
    _need(worthwhile, "--worthwhile is required: the smallest difference worth having (or give --sample)")
    if args.people_per_council is not None:
        if args.icc is not None or args.cluster_size is not None:
            raise UsageError("with --people-per-council, give --council-icc rather than --icc and --cluster-size")
        councils = pw.councils_needed(outcome, worthwhile, people_per_council=args.people_per_council,
                                      icc=args.council_icc, power=power, **settings)
        return {"answer": "councils_needed", "kind": outcome.kind, "worthwhile": worthwhile} | _public(councils) | found
    sized = pw.sample_size(outcome, worthwhile, power=power, design=_design(args), **settings)
    found["warnings"] += shares.warnings(per_group=sized.per_group)
    return {"answer": "sample_size"} | _public(sized) | found


def _setting(args: argparse.Namespace, name: str, low: float, high: float, read_as: list[str]) -> float:
    """--alpha or --power, as a fraction or a percentage (shares.RULE)."""
    share = _read(shares.read_share, getattr(args, name), f"--{name}")
    if not low <= share.value <= high:
        raise UsageError(f"--{name} must be between {shares.percent(low)}% and {shares.percent(high)}% "
                         f"({low:g} and {high:g}); {share.typed} was taken as {share.percent}")
    if share.how == "percent":
        read_as.append(f"{'Significance level' if name == 'alpha' else 'Power'} taken as {share.percent} "
                       f"(you typed {share.typed}).")
    return share.value


def _read(reader, text: str, what: str, **kwargs):
    try:
        return reader(text, what, **kwargs)
    except shares.ShareError as exc:
        raise UsageError(str(exc)) from None


def _public(result: object) -> dict:
    return {k: (str(v) if isinstance(v, str) else v) for k, v in dataclasses.asdict(result).items()}


def _outcome(args: argparse.Namespace, read_as: list[str]):
    """The engine's outcome object, the worthwhile effect and (binary) how it was read, from the flags."""
    from pilotbook.stats import power as pw

    kind = args.kind.replace("_", "-")
    if kind == "binary":
        _need(args.control_rate, "--control-rate is required for a binary outcome (such as 30, 30% or 0.30)")
        rate = _read(shares.read_share, args.control_rate, "--control-rate")
        effect = None
        if args.worthwhile is not None:
            effect = _read(shares.read_difference, args.worthwhile, "--worthwhile", like=rate)
            if effect.value <= 0:
                raise UsageError("--worthwhile must be greater than 0")
        problem = shares.rate_and_effect(rate, effect, args.better)
        if problem:
            raise UsageError(problem[1])
        read_as.insert(0, shares.read_back(rate, effect))
        return pw.Binary(rate.value, better=args.better), effect.value if effect else None, effect
    worthwhile = None if args.worthwhile is None else _read(shares.plain_number, args.worthwhile, "--worthwhile")
    if kind == "continuous":
        _need(args.sd, "--sd is required for a continuous outcome (the outcome's standard deviation)")
        outcome = pw.Continuous(args.sd, control_mean=args.control_mean, baseline_correlation=args.baseline_correlation)
        return outcome, worthwhile, None
    if kind == "count":
        rate = args.rate if args.rate is not None else (
            None if args.control_rate is None else _read(shares.plain_number, args.control_rate, "--control-rate"))
        _need(rate, "--rate is required for a count outcome (events per unit of exposure)")
        if args.rate_ratio is not None and worthwhile is not None:
            raise UsageError("give --rate-ratio or --worthwhile (a difference in rates), not both")
        as_ratio = args.rate_ratio is not None
        outcome = pw.Count(rate, exposure=args.exposure, dispersion=args.dispersion, better=args.better,
                           effect="ratio" if as_ratio else "difference")
        return outcome, args.rate_ratio if as_ratio else worthwhile, None
    args.worthwhile = worthwhile
    return (*_time_to_event(args), None)


def _time_to_event(args: argparse.Namespace):
    from pilotbook.stats import power as pw

    if args.hazard_ratio is not None:
        if args.worthwhile is not None:
            raise UsageError("give --hazard-ratio or --worthwhile (a difference in median time), not both")
        effect, worthwhile = pw.TimeEffect.HAZARD_RATIO, args.hazard_ratio
    elif args.control_median is not None:
        effect, worthwhile = pw.TimeEffect.MEDIAN_DAYS, args.worthwhile
    elif args.sample is not None:
        effect, worthwhile = pw.TimeEffect.HAZARD_RATIO, None
    else:
        raise UsageError("time-to-event needs --hazard-ratio, or --control-median with --worthwhile")
    outcome = pw.TimeToEvent(
        args.control_median, args.follow_up, effect=effect, better=args.better,
        event_probability=args.event_probability, formula=args.formula,
    )
    return outcome, worthwhile


def _design(args: argparse.Namespace):
    from pilotbook.stats import power as pw

    if args.icc is None and args.cluster_size is None:
        return None
    if args.icc is None or args.cluster_size is None:
        raise UsageError("a cluster-randomised design needs both --icc and --cluster-size")
    return pw.Cluster(icc=args.icc, cluster_size=args.cluster_size, cv=args.cluster_cv)


def _need(value: float | None, message: str) -> None:
    if value is None:
        raise UsageError(message)


# --- text output -------------------------------------------------------------------------------------


def _text(result: dict) -> str:
    answer = result["answer"]
    if answer == "minimum_detectable_effect":
        lines = _text_mde(result)
    elif answer == "councils_needed":
        lines = _text_councils(result)
    else:
        lines = _text_sample(result)
    lines += result.get("read_as", []) + [f"Warning: {warning}" for warning in result.get("warnings", [])]
    return "\n".join([*lines, "", f"Method: {result['method']}"])


def _text_sample(result: dict) -> list[str]:
    if result["per_group"] == result["change_group"]:
        lines = [f"People per group: {result['per_group']:,}"]
    else:
        lines = [f"People in the comparison group: {result['per_group']:,}",
                 f"People getting the change: {result['change_group']:,}"]
    lines.append(f"Total: {result['total']:,}")
    if result["clusters_per_group"] is not None:
        lines.append(f"Clusters per group: {result['clusters_per_group']:,}")
        lines.append(f"Design effect: {result['design_effect']:.3f}")
    if result["events_needed"] is not None:
        lines.append(f"Events needed: {result['events_needed']:,}")
    return [*lines, "", result["explanation"]]


def _text_mde(result: dict) -> list[str]:
    effect = result["effect"]
    shown = f"{effect:.4g}" + (f" ({effect * 100:.3g} percentage points)" if result["kind"] == "binary" else "")
    lines = [f"Minimum detectable effect: {shown} ({result['unit']})", "", result["explanation"]]
    if "power_at_worthwhile" in result:
        lines.append(result["power_explanation"])
    return lines


def _text_councils(result: dict) -> list[str]:
    lines = [f"Councils needed: {result['councils']:,}", f"People in all: {result['people_needed']:,}"]
    if result["councils_per_group"] is not None:
        lines.append(f"Design effect: {result['design_effect']:.3f}")
    return [*lines, "", result["explanation"]]
