"""The errors the engine raises for a person to read: DataError from every reading and checking step, for a problem
the person who gave the data can fix; AnalysisError when the analysis cannot be done on the data.

Both live here, in a module that imports nothing, so a caller (``pilotbook analyse``) can catch them before the
engine and its scientific libraries are loaded."""

from __future__ import annotations


class DataError(Exception):
    """A problem with the data that the person who supplied it can fix; the message says where and what."""


class AnalysisError(Exception):
    """The analysis cannot be done on these data; the message says why in plain English."""
