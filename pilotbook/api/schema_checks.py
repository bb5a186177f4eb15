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
    """Whether `validate(instance, schema)` finds nothing: the same tests, in the same terms, compiled once into
    closures for only the keywords the schema uses (tests/api/test_records.py checks the two agree)."""
    tests: list[Callable[[Any], bool]] = []
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types or []
    if types and all(t in _PYTHON_TYPES for t in types):  # one isinstance() for them all
        python_types = tuple(_PYTHON_TYPES[t] for t in types)
        tests.append(lambda instance: isinstance(instance, python_types))
    elif types:
        type_tests = tuple(_TYPES[t] for t in types)
        tests.append(lambda instance: any(test(instance) for test in type_tests))
    if "enum" in schema:
        enum = schema["enum"]
        words = frozenset(v for v in enum if isinstance(v, str))  # a str equals only these
        tests.append(lambda instance: instance in words if isinstance(instance, str) else instance in enum)
    text_tests = _text_tests(schema)
    if text_tests:
        text_ok = all_of(text_tests)
        tests.append(lambda instance: not isinstance(instance, str) or text_ok(instance))
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        is_number = _TYPES["number"]
        tests.append(lambda instance: not is_number(instance) or ((low is None or instance >= low)
                                                                    and (high is None or instance <= high)))
    if "maxItems" in schema or "items" in schema:
        max_items = schema.get("maxItems")
        items = _valid(schema["items"]) if "items" in schema else bool
        tests.append(lambda instance: not isinstance(instance, list) or (
            (max_items is None or len(instance) <= max_items) and all(map(items, instance))))
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        tests.append(_object_test(schema))
    return all_of(tests)


def all_of(tests: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """One test that passes when every one of `tests` does, in their order (a chain of `and`, no loop)."""
    if not tests:
        return lambda instance: True
    if len(tests) == 1:
        return tests[0]
    first, rest = tests[0], all_of(tests[1:])
    return lambda instance: first(instance) and rest(instance)


def _text_tests(schema: dict) -> list[Callable[[str], bool]]:
    tests: list[Callable[[str], bool]] = []
    least, most = schema.get("minLength"), schema.get("maxLength")
    if least is not None:
        tests.append(lambda text: len(text) >= least)
    if most is not None:
        tests.append(lambda text: len(text) <= most)
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        tests.append(lambda text: pattern.search(text) is not None)
    if "format" in schema:
        fmt = schema["format"]
        tests.append(lambda text: _format_ok(fmt, text))
    return tests


def _object_test(schema: dict) -> Callable[[Any], bool]:
    properties = {name: _valid(part) for name, part in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    closed = schema.get("additionalProperties") is False

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
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
