"""`validate` compiled: a schema turned once into closures that answer "valid or not" for an instance, so
`pilotbook import` checks 100,000 records without composing a message for any valid one (docs/adr/0018).

Only the keywords pilotbook.api.schema's validator implements, in the same terms; an instance that is not valid
gets `validate`'s own messages. tests/api/test_records.py checks the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .schema import _TYPES, _format_ok, validate


def validator(schema: dict) -> Callable[[Any], list[str]]:
    """`validate` against `schema`, compiled once: a valid instance (nearly every one in an import) is answered by
    `_valid`, which tests the same keywords without composing a message; any other gets `validate`'s messages."""
    valid = _valid(schema)

    def check(instance: Any) -> list[str]:
        return [] if valid(instance) else validate(instance, schema)

    return check


_PYTHON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _valid(schema: dict) -> Callable[[Any], bool]:
    """Whether `validate(instance, schema)` finds nothing: the same tests, in the same terms, with what the schema
    says looked up once (tests/api/test_records.py checks the two agree)."""
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types or []
    python_types = tuple(_PYTHON_TYPES[t] for t in types) if all(t in _PYTHON_TYPES for t in types) else None
    type_tests = tuple(_TYPES[t] for t in types)
    enum = schema.get("enum")
    words = frozenset(v for v in enum if isinstance(v, str)) if enum is not None else None  # a str equals only these
    least, most = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    fmt = schema.get("format")
    low, high = schema.get("minimum"), schema.get("maximum")
    bounded = low is not None or high is not None
    max_items = schema.get("maxItems")
    items = _valid(schema["items"]) if "items" in schema else None
    whole = _object_test(schema) if {"properties", "required", "additionalProperties"} & schema.keys() else None
    is_number = _TYPES["number"]
    if types and python_types is not None and not bounded and max_items is None and items is None and whole is None:
        return _simple_test(python_types, words, enum, least, most, pattern, fmt)

    def valid(instance: Any) -> bool:
        if python_types is not None:  # one isinstance() for them all
            if types and not isinstance(instance, python_types):
                return False
        elif not any(test(instance) for test in type_tests):
            return False
        if isinstance(instance, str):
            if ((words is not None and instance not in words) or (least is not None and len(instance) < least)
                    or (most is not None and len(instance) > most)
                    or (pattern is not None and pattern.search(instance) is None)
                    or (fmt is not None and not _format_ok(fmt, instance))):
                return False
        elif enum is not None and instance not in enum:
            return False
        if bounded and is_number(instance) and ((low is not None and instance < low)
                                                or (high is not None and instance > high)):
            return False
        if isinstance(instance, list) and ((max_items is not None and len(instance) > max_items)
                                           or (items is not None and not all(map(items, instance)))):
            return False
        return whole is None or not isinstance(instance, dict) or whole(instance)

    return valid


def _simple_test(python_types: tuple[type, ...], words, enum, least, most, pattern, fmt) -> Callable[[Any], bool]:
    """`_valid`'s test for the most common node: of one or more types without numbers (the types are Python's own),
    and no bounds, items or properties; the same tests without looking for keywords the node does not have."""
    if words is None and enum is None and least is None and most is None and pattern is None and fmt is None:
        return lambda instance: isinstance(instance, python_types)
    strings = words is not None or least is not None or most is not None or pattern is not None or fmt is not None

    def valid(instance: Any) -> bool:
        if not isinstance(instance, python_types):
            return False
        if isinstance(instance, str):
            return not strings or not (
                (words is not None and instance not in words) or (least is not None and len(instance) < least)
                or (most is not None and len(instance) > most)
                or (pattern is not None and pattern.search(instance) is None)
                or (fmt is not None and not _format_ok(fmt, instance)))
        return enum is None or instance in enum

    return valid


def _object_test(schema: dict) -> Callable[[Any], bool]:
    properties = {name: _valid(part) for name, part in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    closed = schema.get("additionalProperties") is False

    def valid(instance: dict) -> bool:
        for name in required:
            if name not in instance:
                return False
        for name, value in instance.items():
            part = properties.get(name)
            if part is None:
                if closed:
                    return False
            elif not part(value):
                return False
        return True

    return valid
