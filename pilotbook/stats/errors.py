"""The error every reading and checking step raises for a problem the person who gave the data can fix."""

from __future__ import annotations


class DataError(Exception):
    """A problem with the data that the person who supplied it can fix; the message says where and what."""
