"""Reading partner files, the small readers every format uses: each checks the type of what it reads and names the field
when it is wrong (`attributes[0].taxonomy_term must be an object, not text`), and UnreadableFile for a file
that cannot be read at all."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _


class UnreadableFile(Exception):
    """The whole file could not be read (not JSON, not UTF-8, not a format Pilotbook knows)."""


def _kind(value) -> str:
    """What a JSON value is, in words."""
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    return _("a list") if isinstance(value, list) else _("an object")


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _wrong(where: str, key: str, wanted: str, value) -> ValueError:
    field = f"{where}.{key}" if where else key
    return ValueError(_("%(field)s must be %(wanted)s, not %(kind)s") % {
        "field": _short(field), "wanted": wanted, "kind": _kind(value)})


def _text(container: dict, key: str, where: str = "") -> str:
    """The field as text ("" when absent or null); a number is taken as its digits, anything else is an error."""
    value = container.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _wrong(where, key, _("text"), value)
    return str(value).strip()


def _object(container: dict, key: str, where: str = "") -> dict:
    value = container.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(where, key, _("an object"), value)
    return value


def _objects(container: dict, key: str, where: str = "") -> list[tuple[str, dict]]:
    """A list of objects, each with where it is (attributes[2]), for the messages about its own fields."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(where, key, _("a list"), value)
    field = f"{where}.{key}" if where else key
    for number, item in enumerate(value):
        if not isinstance(item, dict):
            raise _wrong("", f"{field}[{number}]", _("an object"), item)
    return [(f"{field}[{number}]", item) for number, item in enumerate(value)]


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(_("%(what)s must be a number, not %(kind)s") % {"what": what, "kind": _kind(value)})
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError(_("%(what)s %(value)s is not a number") % {"what": what, "value": _short(value)}) from None


def _uuid(value) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValueError(_("id %(value)s is not a UUID") % {"value": _short(value)}) from None
