"""Outcome data for the evaluation engine, reduced to sufficient statistics.

An upload is personal data, so :func:`build_dataset` keeps only what the analyses need: for each cell
(group x period x cluster) the number of rows and the sums ``n``, ``Σy``, ``Σy²``, ``Σx``, ``Σx²``, ``Σxy``
(``x`` the baseline), the exposure and ``Σy²/exposure`` (for the Poisson dispersion). Individual rows are
never kept, except for time-to-event outcomes, where the Kaplan-Meier curve needs each (time, event) pair;
even then nothing else about the person is kept.

Continuous sums are taken about a shift (the column's mean), so that ``Σy² - (Σy)²/n`` does not lose
precision when the mean is large next to the spread; every statistic the engine reports is unchanged by it.

Every cell used is checked; a problem raises :class:`DataError` naming the spreadsheet row (the header is
row 1) and the column, so an officer can find and fix it.

The code: ``sums`` (the statistics kept and the dataset), ``columns`` (checking the columns used), ``building``
(reducing them to sums), ``summaries`` (figures typed in). Reading files is :mod:`pilotbook.stats.reading`; its
public names are here too, where the web app and the CLI have always found them.
"""

from pilotbook.stats.dataset.building import build_dataset
from pilotbook.stats.dataset.columns import MAX_GROUPS, column_facts, group_counts
from pilotbook.stats.dataset.summaries import SUMMARY_FIELDS, dataset_from_summaries, with_control
from pilotbook.stats.dataset.sums import FALSE_WORDS, JSON_VERSION, KINDS, TRUE_WORDS, Cell, Dataset, Stats
from pilotbook.stats.errors import DataError
from pilotbook.stats.reading import read_table
from pilotbook.stats.reading.table import MAX_HEADING_CHARS, MAX_LABEL_CHARS, ReadLimits

__all__ = [
    "FALSE_WORDS",
    "JSON_VERSION",
    "KINDS",
    "MAX_GROUPS",
    "MAX_HEADING_CHARS",
    "MAX_LABEL_CHARS",
    "SUMMARY_FIELDS",
    "TRUE_WORDS",
    "Cell",
    "DataError",
    "Dataset",
    "ReadLimits",
    "Stats",
    "build_dataset",
    "column_facts",
    "dataset_from_summaries",
    "group_counts",
    "read_table",
    "with_control",
]
