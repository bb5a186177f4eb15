"""The one guard against spreadsheet formula injection ("CSV injection", OWASP) in every CSV the site writes.

A spreadsheet opening a CSV runs a cell that begins with = + - @, a tab or a carriage return as a formula (OWASP's
list; "-1+cmd|' /C calc'!A0" is the classic one), so such a text cell is written with a leading single quote,
which a spreadsheet shows as text and never runs. Two cases stay as they are:

- a plain negative number ("-5", "-0.1278", "-1e-05"): a spreadsheet reads it as that number and nothing else,
  it calls nothing, so quoting it would only turn a negative longitude or a fall into text. Anything more after
  the minus ("-1+1", "-5 ", "-2+cmd|' /C calc'!A0") is quoted; so is a leading "+" even before digits, which a
  spreadsheet would drop ("+441234567890" is a telephone number, not 441234567890);
- a number that is not text (an int or a float) and None: written as they are.

A text that already begins with a quote followed by one of those characters (or by another quote) gets one more
quote, so `unneutralise` gives back exactly the text that was written (an import of an export is exact).
"""

from __future__ import annotations

import re

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def neutralise(value):
    """A CSV cell's value with a leading quote where a spreadsheet could run it as a formula (see the module)."""
    if not isinstance(value, str):
        return value
    if value.startswith(DANGEROUS_FIRST) and not PLAIN_NUMBER.fullmatch(value):
        return QUOTE + value
    if value[:1] == QUOTE and value[1:2] in (*DANGEROUS_FIRST, QUOTE):
        return QUOTE + value
    return value


def unneutralise(text: str) -> str:
    """The text a neutralised CSV cell was written from."""
    if text[:1] == QUOTE and text[1:2] in (*DANGEROUS_FIRST, QUOTE):
        return text[1:]
    return text
