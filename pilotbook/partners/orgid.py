"""org-id.guide identifiers for UK organisations ("GB-CHC-1234567"): the prefix says which register.

Only registers a council partner is likely to be on are accepted, each with the shape of its own numbers,
so a typo is caught at entry or import rather than breaking a later match.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# prefix -> (register, pattern of the identifier within that register)
REGISTERS: dict[str, tuple[str, str]] = {
    "GB-CHC": ("Charity Commission for England and Wales", r"\d{6,8}"),
    "GB-SC": ("Scottish Charity Regulator", r"SC\d{6}"),
    "GB-NIC": ("Charity Commission for Northern Ireland", r"\d{5,7}"),
    "GB-COH": ("Companies House", r"(\d{8}|[A-Z]{2}\d{6})"),
    "GB-NHS": ("NHS Organisation Data Service", r"[A-Z0-9]{3,6}"),
    "GB-EDU": ("Get Information about Schools (URN)", r"\d{6}"),
    "GB-UKPRN": ("UK Register of Learning Providers", r"1\d{7}"),
    "GB-MPR": ("Mutuals Public Register", r"[A-Z0-9]{2,12}"),
    "GB-SHPE": ("Registered providers of social housing, England", r"[A-Z0-9]{4,6}"),
    "GB-GOR": ("Government Organisation Register", r"[A-Z]{1,3}\d{1,6}"),
    "GB-LAE": ("Local authorities, England", r"[A-Z]{3,4}"),
    "GB-LAS": ("Local authorities, Scotland", r"[A-Z]{3,4}"),
    "GB-LAW": ("Local authorities, Wales", r"[A-Z]{3,4}"),
    "GB-LANI": ("Local authorities, Northern Ireland", r"[A-Z]{3,4}"),
}
_PATTERN = re.compile(r"^(?P<prefix>[A-Z]{2}-[A-Z]{2,5})-(?P<id>.+)$")


def normalise(value: str) -> str:
    return value.strip().upper().replace(" ", "")


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
    register, pattern = REGISTERS[prefix]
    if not re.fullmatch(pattern, ident):
        raise ValidationError(_("%(ident)s is not a valid number in the %(register)s"),
                              params={"ident": ident, "register": register}, code="bad_number")
