"""``pilotbook pool FILE``: pool a CSV of studies (one row per pilot) and print the result.

FILE holds one of three column sets, plus an optional ``label`` (or ``study``) column naming each row:

- counts: ``events_t, n_t, events_c, n_c`` (measure RR, OR or RD; RR when --measure is not given);
- means: ``mean_t, sd_t, n_t, mean_c, sd_c, n_c`` (MD or SMD; **MD** when --measure is not given, because it
  keeps the outcome's own units; choose SMD when councils measured the outcome on different scales);
- effects: ``yi, vi`` (GENERIC), each study's effect and its variance, already computed.

"t" is the group that got the change and "c" the comparison group. ``--json`` prints the keys ``k,
estimate, se, ci_low, ci_high, tau2, i2, q, q_p, pi_low, pi_high`` on the analysis scale (log scale for RR
and OR; ``scale`` says which), for RR and OR the same back-transformed under ``exp`` (``{estimate, ci_low,
ci_high, pi_low, pi_high}``), and ``measure, method, hksj, notes`` and ``studies: [{label, yi, vi, se,
ci_low, ci_high, weight}]`` (each with its own ``exp`` for ratios). ``i2`` and ``weight`` are percentages
(``units`` says so). ``pi_low``/``pi_high`` are null for FE and for fewer than three studies.

Bad input exits with status 2 and one line on stderr naming the row and column to fix (``pilotbook pool: ...``).
``--help`` lists every key of the ``--json`` output (JSON_KEYS). This module must not import Django; the statistics
are imported only once the file has been read, so mistakes are fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pilotbook.cli.pool_report import report
from pilotbook.cli.support import OneLineParser, mistake

COUNT_COLUMNS = ("events_t", "n_t", "events_c", "n_c")
MEAN_COLUMNS = ("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c")
EFFECT_COLUMNS = ("yi", "vi")
LAYOUTS = {"counts": COUNT_COLUMNS, "means": MEAN_COLUMNS, "effects": EFFECT_COLUMNS}
MEASURE_LAYOUT = {"RR": "counts", "OR": "counts", "RD": "counts", "MD": "means", "SMD": "means", "GENERIC": "effects"}
DEFAULT_MEASURE = {"counts": "RR", "means": "MD", "effects": "GENERIC"}
LABEL_COLUMNS = ("label", "study")


class InputError(Exception):
    """Something wrong with the file or the options; the message is the one line the analyst sees."""


@dataclass(frozen=True)
class Table:
    """The CSV as read: lower-cased column names, and each study row with its row number in the file."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


_RATIO = "(log scale for RR and OR)"
JSON_KEYS: list[tuple[str, str]] = [
    ("measure", "RR, OR, RD, MD, SMD or GENERIC"),
    ("method", "REML, DL, PM or FE (fixed effect)"),
    ("hksj", "whether the Hartung-Knapp-Sidik-Jonkman adjustment was used"),
    ("level", "the confidence level, 0.95"),
    ("k", "studies pooled"),
    ("scale", "log for RR and OR, natural otherwise: the scale of the numbers below"),
    ("estimate", f"the pooled effect {_RATIO}"),
    ("se", "its standard error"),
    ("ci_low", "lower end of its confidence interval"),
    ("ci_high", "upper end of its confidence interval"),
    ("statistic", "the test statistic of no effect"),
    ("statistic_name", "z, or t with --hksj"),
    ("df", "degrees of freedom of t; null for z"),
    ("p_value", "p-value of no effect"),
    ("tau2", "between-study variance"),
    ("tau", "its square root"),
    ("i2", "I², percent of the variation that is between studies"),
    ("h2", "H²"),
    ("q", "Cochran's Q"),
    ("q_df", "Q's degrees of freedom"),
    ("q_p", "p-value of Q (no variation between studies)"),
    ("pi_low", "lower end of the prediction interval; null for FE and fewer than three studies"),
    ("pi_high", "upper end of the prediction interval"),
    ("notes", "sentences about the data or the method to heed"),
    ("exp", "RR and OR only: estimate, ci_low, ci_high, pi_low, pi_high back on the ratio scale"),
    ("exp.*", "as named, exponentiated"),
    ("units", "the units of i2 and weight"),
    ("units.*", "percent"),
    ("studies", "one per row of the file"),
    ("studies[].label", "the row's label (or study) column, or Study N for the Nth study"),
    ("studies[].yi", f"the study's effect {_RATIO}"),
    ("studies[].vi", "its variance"),
    ("studies[].se", "its standard error"),
    ("studies[].ci_low", "lower end of its confidence interval"),
    ("studies[].ci_high", "upper end of its confidence interval"),
    ("studies[].weight", "its weight in the pooled effect, percent"),
    ("studies[].exp", "RR and OR only: estimate, ci_low, ci_high on the ratio scale"),
    ("studies[].exp.*", "as named"),
]


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="pilotbook pool",
        description="Pool the results of several pilots (random-effects meta-analysis) from a CSV file.",
        json_keys=JSON_KEYS,
    )
    parser.add_argument("file", help="CSV with one row per study: counts, means, or yi and vi")
    parser.add_argument("--measure", type=str.upper, choices=sorted(MEASURE_LAYOUT), help="default: from the columns")
    parser.add_argument("--method", type=str.upper, choices=["REML", "DL", "PM", "FE"], default="REML")
    parser.add_argument("--hksj", action="store_true", help="Hartung-Knapp-Sidik-Jonkman adjustment (t-based)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the readable summary")
    return parser


def read_table(path: str) -> Table:
    """Read the CSV, turning every way it can fail into one plain sentence."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"cannot find the file {path!r}.") from None
    except IsADirectoryError:
        raise InputError(f"{path!r} is a folder, not a CSV file.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; save it from your spreadsheet as 'CSV UTF-8'.") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}.") from None
    return _parse_csv(path, text)


def _parse_csv(path: str, text: str) -> Table:
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{path} is empty: it needs a header row naming the columns, then one row per study.")
        columns = tuple(cell.strip().lower() for cell in header)
        duplicated = sorted({c for c in columns if columns.count(c) > 1 and c})
        if duplicated:
            raise InputError(f"{path} has the column {duplicated[0]!r} more than once.")
        rows = tuple(_rows(reader, columns))
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable CSV file ({exc}).") from None
    if not rows:
        raise InputError(f"{path} has a header but no studies.")
    return Table(path, columns, rows)


def _rows(reader, columns: tuple[str, ...]):
    """Each non-blank row as {column: text}, with its row number as a spreadsheet would show it."""
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
            raise InputError(f"row {reader.line_num} has more values than there are column names.")
        yield reader.line_num, dict(zip(columns, (cell.strip() for cell in cells), strict=False))


def choose_layout(columns: Sequence[str], measure: str | None) -> tuple[str, str]:
    """Which column set to read and which measure to use: the one asked for, or the one the columns suggest."""
    if measure is not None:
        layout = MEASURE_LAYOUT[measure]
        missing = [c for c in LAYOUTS[layout] if c not in columns]
        if missing:
            raise InputError(
                f"--measure {measure} needs the columns {', '.join(LAYOUTS[layout])}; missing: {', '.join(missing)}."
            )
        return layout, measure
    for layout in ("means", "counts", "effects"):
        if all(c in columns for c in LAYOUTS[layout]):
            return layout, DEFAULT_MEASURE[layout]
    raise InputError(_missing_columns_message(columns))


def _missing_columns_message(columns: Sequence[str]) -> str:
    """Name the column set the file seems to be aiming at and what it lacks."""
    closest = max(LAYOUTS, key=lambda name: sum(c in columns for c in LAYOUTS[name]) / len(LAYOUTS[name]))
    missing = [c for c in LAYOUTS[closest] if c not in columns]
    if len(missing) < len(LAYOUTS[closest]):
        return (
            f"the columns look like {closest} but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing."
        )
    sets = "; ".join(f"{name}: {','.join(cols)}" for name, cols in LAYOUTS.items())
    found = ", ".join(c for c in columns if c) or "no named columns"
    return f"the file needs one of these column sets ({sets}); it has: {found}."


def _number(text: str | None, row: int, column: str) -> float:
    if text is None or text == "":
        raise InputError(f"row {row}, column {column} is empty.")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"row {row}, column {column}: {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise InputError(f"row {row}, column {column}: {text!r} is not a finite number.")
    return value


def _label(cells: dict[str, str], position: int) -> str:
    for column in LABEL_COLUMNS:
        if cells.get(column):
            return cells[column]
    return f"Study {position}"


@dataclass(frozen=True)
class Studies:
    """The numbers read from the file, one list per column, with the studies' labels."""

    layout: str
    labels: list[str]
    values: dict[str, list[float]]


def read_studies(table: Table, layout: str) -> Studies:
    """Every number the layout needs, checked row by row so an error can name the row and column."""
    from pilotbook.stats.effect_sizes import counts_problem, means_problem, variance_problem

    check = {"counts": counts_problem, "means": means_problem, "effects": variance_problem}[layout]
    checked = {"counts": COUNT_COLUMNS, "means": ("sd_t", "n_t", "sd_c", "n_c"), "effects": ("vi",)}[layout]
    labels, values = [], {c: [] for c in LAYOUTS[layout]}
    for position, (row, cells) in enumerate(table.rows, start=1):
        numbers = {c: _number(cells.get(c), row, c) for c in LAYOUTS[layout]}
        problem = check(*(numbers[c] for c in checked))
        label = _label(cells, position)
        if problem:
            raise InputError(f"row {row} ({label}): {problem}")
        labels.append(label)
        for column, number in numbers.items():
            values[column].append(number)
    return Studies(layout, labels, values)


def analyse(studies: Studies, measure: str, *, method: str, hksj: bool):
    """Effect sizes then pooling; statistics errors become InputError so the CLI can print one line."""
    from pilotbook.stats import effect_sizes as es
    from pilotbook.stats.meta import PoolingError, pool_effects

    v = studies.values
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", es.StudyDroppedWarning)  # the notes carry the same message
            if studies.layout == "counts":
                effects = es.from_counts(measure, *(v[c] for c in COUNT_COLUMNS), labels=studies.labels)
            elif studies.layout == "means":
                effects = es.from_means(measure, *(v[c] for c in MEAN_COLUMNS), labels=studies.labels)
            else:
                effects = es.from_effects(v["yi"], v["vi"], labels=studies.labels)
        return pool_effects(effects, method=method, hksj=hksj)
    except (es.EffectSizeError, PoolingError) as exc:
        raise InputError(str(exc)) from None


def as_json(result) -> dict:
    """The documented JSON: summary keys on the analysis scale, *_exp for ratios, and one entry per study."""
    data = result.as_dict()
    for key in ("labels", "yi", "vi", "weights"):
        del data[key]
    data["studies"] = [_study_json(study, result.is_ratio) for study in result.studies()]
    data["scale"] = "log" if result.is_ratio else "natural"
    data["units"] = {"i2": "percent", "weight": "percent of the total weight"}
    return data


def _study_json(study, is_ratio: bool) -> dict:
    keys = ("label", "yi", "vi", "se", "ci_low", "ci_high", "weight")
    data = {key: getattr(study, key) for key in keys}
    if is_ratio:
        data["exp"] = {"estimate": study.estimate_exp, "ci_low": study.ci_low_exp, "ci_high": study.ci_high_exp}
    return data


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        table = read_table(args.file)
        layout, measure = choose_layout(table.columns, args.measure)
        studies = read_studies(table, layout)
        result = analyse(studies, measure, method=args.method, hksj=args.hksj)
    except InputError as exc:
        return mistake("pilotbook pool", exc)
    try:
        print(json.dumps(as_json(result), indent=2, allow_nan=False) if args.json else report(result))
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: stop quietly, as command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
