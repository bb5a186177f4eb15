"""ISO 3166-1 alpha-2 country codes and their usual English names, for case studies run outside the UK's councils.

The table is the time zone database's `iso3166.tab` (public domain), read from the pinned `tzdata` package rather
than copied here, so it is updated with it. Its names are short English forms ("Korea (South)"); the one this
service names most, GB, is given its usual name.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from django.core.exceptions import ValidationError

NAMES_USED_HERE = {"GB": "United Kingdom"}


@cache
def countries() -> dict[str, str]:
    """Every assigned alpha-2 code with its name, in code order."""
    text = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            table[code] = NAMES_USED_HERE.get(code, name.strip())
    return table


def country_name(code: str) -> str:
    """The country's name, or the code itself if it is not one (as stored before a check, say)."""
    return countries().get(code, code)


def validate_country(code: str) -> None:
    if code and code not in countries():
        raise ValidationError(
            "%(code)s is not an ISO 3166-1 alpha-2 country code; give two capital letters such as GB or AU",
            params={"code": repr(code)[:40]}, code="invalid_country")
