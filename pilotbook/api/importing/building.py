"""Building step: a record's model objects, made from their values by position and checked by the model's own
rules without Django's per-field machinery where a value is plainly fine (docs/adr/0018).

`new(Model, values, **related)` is `Model(**values, **related)`: every concrete field from `values` or its default,
related objects set through their descriptors. `full_clean(obj, exclude)` is
`obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)`: a text, whole number,
true/false, finite Decimal, date-time or date of a plain field (CharField, TextField, the integer fields,
BooleanField, DecimalField, DateTimeField, DateField) is passed when it meets the field's choices and validators,
tested directly; every other value goes through `field.clean`, as Django does. At the first doubt (any field that
does not pass) Django's own `full_clean` checks the object afresh, so a record's problems are Django's messages
word for word. tests/api/test_import_building.py checks both against Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.db.models.expressions import DatabaseDefault

from pilotbook.api.schema_checks import all_of

_TEXT = (models.CharField, models.TextField)
_INTEGER = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField, models.PositiveIntegerField,
            models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
_IMMUTABLE = (str, int, float, bool, type(None))


def new(model: type[models.Model], values: dict[str, Any], **related: models.Model | None) -> models.Model:
    """`model(**values, **related)`, built by position; related objects (or None) set through their descriptors."""
    positions, defaults, made = _layout(model)
    args = defaults.copy()
    for position, default in made:
        args[position] = default()
    for name, value in values.items():
        args[positions[name]] = value
    obj = model(*args)
    for name, value in related.items():
        setattr(obj, name, value)
    return obj


@cache
def _layout(model: type[models.Model]) -> tuple[dict[str, int], list, list[tuple[int, Callable[[], Any]]]]:
    """Each concrete field's position by name (and attname), its default when the same value serves every object,
    and the positions whose default is made afresh for each (a callable, or a mutable value)."""
    positions: dict[str, int] = {}
    defaults: list = []
    made: list[tuple[int, Callable[[], Any]]] = []
    for position, field in enumerate(model._meta.concrete_fields):
        positions[field.attname] = position
        if not field.is_relation:
            positions[field.name] = position
        default = field.get_default()
        if (field.has_default() and callable(field.default)) or not isinstance(default, _IMMUTABLE):
            made.append((position, field.get_default))
        defaults.append(default)
    return positions, defaults, made


def full_clean(obj: models.Model, exclude: frozenset[str]) -> None:
    """obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False), to the same effect."""
    for field, attname, quick in _checks(type(obj), exclude):
        raw = getattr(obj, attname)
        if quick is not None and quick(raw):
            continue
        if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):  # as clean_fields
            continue
        try:
            setattr(obj, attname, field.clean(raw, obj))  # as clean_fields, field by field
        except ValidationError:  # the fields cleaned so far clean again to themselves
            return _django_full_clean(obj, exclude)
    try:
        obj.clean()
    except ValidationError:
        _django_full_clean(obj, exclude)


def _django_full_clean(obj: models.Model, exclude: frozenset[str]) -> None:
    """Django's own check of the whole object, for its messages (it finds what full_clean found)."""
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


@cache
def _checks(model: type[models.Model], exclude: frozenset[str]) -> list[tuple[models.Field, str, Any]]:
    """The fields clean_fields checks, in its order, each with its quick test (None: always field.clean)."""
    return [(field, field.attname, _quick_test(field)) for field in model._meta.fields
            if field.name not in exclude and not field.generated]


def _quick_test(field: models.Field) -> Callable[[Any], bool] | None:
    """A test that passes only a value field.clean would give back unchanged (or, a Decimal, equal) without an
    error: a non-empty text, a whole number (not a bool), a bool, a finite Decimal, a date-time or a date, of a field
    whose to_python gives those back as they are, within its choices and meeting each validator. None for any other
    kind of field (a URLField's text goes through its clean, as it is a CharField of another kind)."""
    kind = type(field)
    if kind in _TEXT:
        tests: list[Callable[[Any], bool]] = [lambda value: isinstance(value, str) and value != ""]
    elif kind in _INTEGER:
        tests = [lambda value: type(value) is int]
    elif kind is models.BooleanField:
        tests = [lambda value: type(value) is bool]
    elif kind is models.DecimalField:  # to_python gives an equal Decimal
        tests = [lambda value: type(value) is Decimal and value.is_finite()]
    elif kind is models.DateTimeField:
        tests = [lambda value: isinstance(value, dt.datetime)]
    elif kind is models.DateField:
        tests = [lambda value: type(value) is dt.date]
    else:
        return None
    if field.choices is not None:
        keys = frozenset(key for key, _label in field.flatchoices)
        tests.append(lambda value: value in keys)
    for validator in field.validators:
        tests.append(_validator_test(validator))
    return all_of(tests)


def _validator_test(validator) -> Callable[[Any], bool]:
    limit = getattr(validator, "limit_value", None)
    plain = type(limit) is int
    if type(validator) is MaxLengthValidator and plain:
        return lambda value: len(value) <= limit
    if type(validator) is MaxValueValidator and plain:
        return lambda value: value <= limit
    if type(validator) is MinValueValidator and plain:
        return lambda value: value >= limit
    if type(validator) is ProhibitNullCharactersValidator:
        return lambda value: "\x00" not in value

    def passes(value) -> bool:
        try:
            validator(value)
        except ValidationError:
            return False
        return True

    return passes
