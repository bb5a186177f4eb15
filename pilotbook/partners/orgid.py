"""org-id.guide identifiers for UK organisations ("GB-CHC-1234567"): the prefix says which register.

Only registers a council partner is likely to be on are accepted, each with the shape of its own numbers,
so a typo is caught at entry or import rather than breaking a later match.

A number is first written the way its register writes it (`normalise`), so the same organisation matches
however a file spells it. Only what a register documents is done: Companies House numbers are 8 characters
(8 digits, or two letters and 6 digits), so "1234567" is "01234567" and "SC12345" is "SC012345"; the Charity
Commission for England and Wales writes its numbers without leading zeros (279417, 1090095); the Scottish
Charity Regulator writes "SC" and 6 digits, so "012345" is "SC012345". A number that still does not fit is
refused with the form its register uses (`validate_org_id`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# prefix -> (register, pattern of the identifier within that register, how the register writes it)
REGISTERS: dict[str, tuple[str, str, str]] = {
    "GB-CHC": ("Charity Commission for England and Wales", r"[1-9]\d{5,7}",
               _("6 to 8 digits, such as 1098765")),
    "GB-SC": ("Scottish Charity Regulator", r"SC\d{6}", _("SC and 6 digits, such as SC012345")),
    "GB-NIC": ("Charity Commission for Northern Ireland", r"\d{5,7}", _("5 to 7 digits, such as 100019")),
    "GB-COH": ("Companies House", r"(\d{8}|[A-Z]{2}\d{6})",
               _("8 characters: 8 digits, such as 01234567, or two letters and 6 digits, such as SC123456")),
    "GB-NHS": ("NHS Organisation Data Service", r"[A-Z0-9]{3,6}", _("an ODS code of 3 to 6 letters and digits, "
                                                                    "such as RXH or FA123")),
    "GB-EDU": ("Get Information about Schools (URN)", r"\d{6}", _("a 6-digit URN, such as 123456")),
    "GB-UKPRN": ("UK Register of Learning Providers", r"1\d{7}", _("8 digits starting with 1, such as 10000346")),
    "GB-MPR": ("Mutuals Public Register", r"[A-Z0-9]{2,12}", _("2 to 12 letters and digits, such as IP031455")),
    "GB-SHPE": ("Registered providers of social housing, England", r"[A-Z0-9]{4,6}",
                _("4 to 6 letters and digits, such as L4047")),
    "GB-GOR": ("Government Organisation Register", r"[A-Z]{1,3}\d{1,6}", _("letters then digits, such as D1198")),
    "GB-LAE": ("Local authorities, England", r"[A-Z]{3,4}", _("3 or 4 letters, such as WEA")),
    "GB-LAS": ("Local authorities, Scotland", r"[A-Z]{3,4}", _("3 or 4 letters, such as EDH")),
    "GB-LAW": ("Local authorities, Wales", r"[A-Z]{3,4}", _("3 or 4 letters, such as CRF")),
    "GB-LANI": ("Local authorities, Northern Ireland", r"[A-Z]{3,4}", _("3 or 4 letters, such as BFS")),
}
_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{2}-[A-Z]{2,5})-(?P<id>.+)$")


def _companies_house(number: str) -> str:
    """8 characters, as Companies House writes them: the digits zero-padded after any two-letter prefix."""
    match = re.fullmatch(r"(?P<letters>[A-Z]{2})?(?P<digits>\d{1,8})", number)
    if not match:
        return number
    width = 6 if match["letters"] else 8
    if len(match["digits"]) > width:
        return number
    return (match["letters"] or "") + match["digits"].zfill(width)


def _without_leading_zeros(number: str) -> str:
    return (number.lstrip("0") or number) if number.isdigit() else number


def _scottish_charity(number: str) -> str:
    return f"SC{number}" if re.fullmatch(r"\d{6}", number) else number


# How each register writes its numbers (registers not listed are only upper-cased and stripped of spaces).
_WRITTEN_AS = {"GB-COH": _companies_house, "GB-CHC": _without_leading_zeros, "GB-SC": _scottish_charity}


def normalise(value: str) -> str:
    """The identifier as its register writes it: "gb-coh-1234567 " -> "GB-COH-01234567"."""
    value = value.strip().upper().replace(" ", "")
    match = _PATTERN.match(value)
    if not match or match["prefix"] not in _WRITTEN_AS:
        return value
    return f"{match['prefix']}-{_WRITTEN_AS[match['prefix']](match['id'])}"


def split(value: str) -> tuple[str, str]:
    """("GB-CHC", "1234567") from "GB-CHC-1234567"; ValueError when it is not an org-id string."""
    match = _PATTERN.match(normalise(value))
    if not match:
        raise ValueError(value)
    return match["prefix"], match["id"]


def validate_org_id(value: str) -> None:
    try:
        prefix, ident = split(value)
    except ValueError:
        raise ValidationError(
            _("Enter an org-id identifier such as GB-CHC-1234567 (a register's prefix, a hyphen, then its number)"),
            code="invalid") from None
    if prefix not in REGISTERS:
        raise ValidationError(
            _("%(prefix)s is not a register Pilotbook knows. Use one of: %(known)s"),
            params={"prefix": prefix, "known": ", ".join(REGISTERS)}, code="unknown_prefix")
    register, pattern, form = REGISTERS[prefix]
    if not re.fullmatch(pattern, ident):
        raise ValidationError(_("%(ident)s is not a valid number in the %(register)s, which writes its numbers as "
                                "%(form)s"),
                              params={"ident": ident, "register": register, "form": form}, code="bad_number")
