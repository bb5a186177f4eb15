"""Reading the files people upload or import (text, JSON, CSV), with a plain sentence for each way a mistaken or
hostile file can go wrong, never a traceback.

Every importer reads through these: partner files (pilotbook.partners.importers, the web page) and case studies
(pilotbook.api.importing, `pilotbook import`). So a file nested 100,000 deep, a NUL byte or a 200 KB CSV cell
gets the same message wherever it is given:

- text must be UTF-8 (a UTF-16 file is recognised and named) and hold no NUL character;
- JSON may nest lists and objects MAX_JSON_DEPTH deep (Pilotbook's formats need fewer than ten levels; Python's
  parser itself gives up with a RecursionError near 1,000); its text may hold neither NUL nor an unpaired
  surrogate ("\\ud800"), which no database stores; no number may run past Python's 4,300 digits;
- a CSV cell may hold the csv module's 131,072 characters: more is almost always a quote left open.

The messages are clauses without a subject ("not valid JSON (line 2, column 5: Expecting value)"), so a caller
can put the file's name or the line in front.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

MAX_JSON_DEPTH = 64


class Unreadable(ValueError):
    """The file, or one line of it, cannot be read; str() says why and what to do."""


class NotJSON(Unreadable):
    """The text is not JSON at all (a syntax error), rather than JSON that Pilotbook will not take."""


_UTF16_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped) with no NUL character in it."""
    if data.startswith(_UTF16_32):
        raise Unreadable(_("UTF-16 text, not UTF-8; save it as UTF-8 (in Excel: CSV UTF-8) and try again"))
    nul = data.find(b"\x00")  # before decoding: binary files (spreadsheets, PDFs) are full of zero bytes
    if nul >= 0:
        raise Unreadable(_("not plain text: line %(line)s holds a NUL character (a zero byte), as binary files such "
                           "as spreadsheets do; save it as CSV UTF-8 or JSON and try again")
                         % {"line": data.count(b"\n", 0, nul) + 1})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Unreadable(_("not UTF-8 text (line %(line)s has the byte 0x%(byte)02X, which UTF-8 does not use "
                           "there); save it as UTF-8 (in Excel: CSV UTF-8) and try again")
                         % {"line": line, "byte": data[error.start]}) from None


def load_json(text: str):
    """The JSON value of text from decode_text, or Unreadable saying why not (NotJSON when it is not JSON at all)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotJSON(_("not valid JSON (line %(line)s, column %(col)s: %(msg)s)")
                      % {"line": error.lineno, "col": error.colno, "msg": error.msg}) from None
    except RecursionError:
        raise Unreadable(_too_deep()) from None
    except ValueError as error:  # an integer past sys.get_int_max_str_digits()
        raise Unreadable(_("it holds a number too long to read (%(why)s); give numbers of ordinary length")
                         % {"why": str(error).split(";")[0]}) from None
    # Cheap tests first: a text with fewer brackets than the limit cannot nest deeper than it, and only the escapes
    # \u0000 and \ud800-\udfff make the text NUL or a surrogate (decode_text has refused them raw).
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        raise Unreadable(_too_deep())
    if _SUSPECT_ESCAPE.search(text):
        problem = _text_problem(value)
        if problem:
            raise Unreadable(problem)
    return value


_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _too_deep() -> str:
    return _("nested more than %(depth)s levels deep (lists or objects inside one another); no Pilotbook format "
             "needs more than a few levels") % {"depth": MAX_JSON_DEPTH}


def _deeper_than(value, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` deep, level by level (no recursion)."""
    level, depth = [value], 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below = []
        for container in level:
            children = container.values() if type(container) is dict else container if type(container) is list else ()
            below.extend([child for child in children if type(child) in (dict, list)])
        level = below
    return False


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return _("a NUL character (\\u0000), which Pilotbook cannot store")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _("an unpaired surrogate (such as \\ud800), which is not a character")
    return None


def _path(where) -> str:
    """Where a value is, in jq's notation (.contents[0].name), from the (parent, key) chain."""
    parts = []
    while where is not None:
        where, key = where
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(f".{key}" if key.isidentifier() else f"[{json.dumps(key[:40])}]")
    path = "".join(reversed(parts))
    return path if path.startswith(".") else f".{path}"


def _text_problem(value) -> str | None:
    """The first name or text that no database stores, and where it is."""
    stack = [(value, None)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = _bad_text(item)
            if problem:
                return _("the text at %(path)s holds %(what)s") % {"path": _path(where), "what": problem}
        elif isinstance(item, dict | list):
            for key, child in item.items() if isinstance(item, dict) else enumerate(item):
                problem = _bad_text(key) if isinstance(key, str) else None
                if problem:
                    return _("a name at %(path)s holds %(what)s") % {"path": _path(where), "what": problem}
                stack.append((child, (where, key)))
    return None


def csv_rows(reader: Iterable) -> Iterator:
    """The rows of a csv.reader or csv.DictReader, with the csv module's errors as Unreadable naming the line."""
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise Unreadable(csv_problem(error, csv_line(reader))) from None
        yield row


def csv_line(reader) -> int:
    """The line a csv.reader (or the reader inside a csv.DictReader, whose own count lags a row) has reached."""
    return getattr(getattr(reader, "reader", reader), "line_num", 0)


def csv_problem(error: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(error):
        return _("line %(line)s has a cell longer than %(limit)s characters, the most a CSV cell may hold; a "
                 "quote left open makes the rest of the file one cell") % {
            "line": line, "limit": f"{csv.field_size_limit():,}"}
    return _("line %(line)s cannot be read as CSV (%(why)s)") % {"line": line, "why": error}
