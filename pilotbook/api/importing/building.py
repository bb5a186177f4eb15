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
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache, lru_cache
from operator import attrgetter, is_
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
)
from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.db.models.fields.related_descriptors import (
    ForeignKeyDeferredAttribute,
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

_TEXT = (models.CharField, models.TextField)
_INTEGER = (models.IntegerField, models.SmallIntegerField, models.BigIntegerField, models.PositiveIntegerField,
            models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
_IMMUTABLE = (str, int, float, bool, type(None))


def new(model: type[models.Model], values: dict[str, Any], **related: models.Model | None) -> models.Model:
    """`model(**values, **related)`, built by position; related objects (or None) set through their descriptors."""
    attnames = _plain_init(model)
    if attnames is not None and values.keys() <= _plain_dict(model)[0].keys():
        # what Model.__init__ does with no signal to send: each field's value (given, or its default) into the
        # object's dict, in the fields' order
        template, made = _plain_dict(model)
        obj = model.__new__(model)
        obj._state = ModelState()
        state = obj.__dict__
        state.update(template)
        for attname, default in made:
            if attname not in values:
                state[attname] = default()
        state.update(values)
    else:
        positions, defaults, made_at = _layout(model)
        args = defaults.copy()
        for position, default in made_at:
            args[position] = default()
        for name, value in values.items():
            args[positions[name]] = value
        if attnames is None:
            obj = model(*args)
            for name, value in related.items():
                setattr(obj, name, value)
            return obj
        obj = model.__new__(model)  # as above, by position
        obj._state = ModelState()
        obj.__dict__.update(zip(attnames, args, strict=True))
    for name, value in related.items():
        relation = _plain_relation(model, name)
        if relation is None or not relation.set(obj, value):
            setattr(obj, name, value)
    return obj


class _Relation:
    """What setting a new object's foreign key or one-to-one field to an object (or None) does, as
    ForwardManyToOneDescriptor.__set__ does it with no database router configured: the objects' databases (the
    related object's, or the default), the key's value, the object cached on both sides of a one-to-one."""

    def __init__(self, field: models.ForeignKey):
        self.related_model = field.remote_field.model._meta.concrete_model
        self.attnames = tuple((lh.attname, rh.attname) for lh, rh in field.related_fields)
        self.cache_name = field.cache_name
        self.remote_cache_name = None if field.remote_field.multiple else field.remote_field.cache_name
        self.reverse_cache_name = field.remote_field.cache_name

    def set(self, obj: models.Model, value: models.Model | None) -> bool:
        """Set it, or False for setattr to (an object of another model, or databases a router would refuse)."""
        state, cache = obj._state, obj._state.fields_cache
        if value is None:
            old = cache.get(self.cache_name)
            if old is not None:
                old._state.fields_cache[self.reverse_cache_name] = None
            for attname, _ in self.attnames:
                self._set_key(obj, attname, None)
            cache[self.cache_name] = None
            return True
        if not isinstance(value, self.related_model):
            return False
        if state.db is None:
            state.db = value._state.db or DEFAULT_DB_ALIAS
        if value._state.db is None:
            value._state.db = state.db
        if value._state.db != state.db:
            return False
        for attname, related_attname in self.attnames:
            self._set_key(obj, attname, getattr(value, related_attname))
        cache[self.cache_name] = value
        if self.remote_cache_name is not None:
            value._state.fields_cache[self.remote_cache_name] = obj
        return True

    def _set_key(self, obj: models.Model, attname: str, value: Any) -> None:
        """ForeignKeyDeferredAttribute.__set__: a cached related object that the new value does not name goes."""
        if obj.__dict__.get(attname) != value and self.cache_name in obj._state.fields_cache:
            del obj._state.fields_cache[self.cache_name]
        obj.__dict__[attname] = value


@cache
def _plain_relation(model: type[models.Model], name: str) -> _Relation | None:
    """The relation `name` of `model` when setting it is only what _Relation does: its descriptor Django's own
    forward many-to-one or one-to-one one (not a parent link), its key's attribute a ForeignKeyDeferredAttribute,
    and no database router. None otherwise (setattr, then)."""
    descriptor = model.__dict__.get(name)
    if router.routers or type(descriptor) not in (ForwardManyToOneDescriptor, ForwardOneToOneDescriptor):
        return None
    field = descriptor.field
    if field.primary_key or any(type(model.__dict__.get(lh.attname)) is not ForeignKeyDeferredAttribute
                                for lh, _ in field.related_fields):
        return None
    return _Relation(field)


@cache
def _plain_init(model: type[models.Model]) -> tuple[str, ...] | None:
    """The concrete fields' attnames when Model.__init__ by position would only set each in the object's dict: no
    pre_init or post_init receiver for the model, and each attname's class attribute a DeferredAttribute (a foreign
    key's deletes a cached related object, which a new object has none of). None otherwise."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    attnames = tuple(field.attname for field in model._meta.concrete_fields)
    if not all(type(getattr(model, name, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute)
               for name in attnames):
        return None
    return attnames


@cache
def _plain_dict(model: type[models.Model]) -> tuple[dict[str, Any], list[tuple[str, Callable[[], Any]]]]:
    """_layout by attname: each concrete field's default (None where it is made afresh), in the fields' order, and
    the attnames whose default is made afresh for each object."""
    _positions, defaults, made = _layout(model)
    attnames = [field.attname for field in model._meta.concrete_fields]
    template = dict(zip(attnames, defaults, strict=True))
    made_afresh = [(attnames[position], make) for position, make in made]
    template.update(dict.fromkeys(attname for attname, _make in made_afresh))  # never one object for all
    return template, made_afresh


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
    """obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False), to the same effect.

    A field still holding the very object that is its default, where that default passes at once, passes again
    without a look (most of a new object's fields: `new` gives them the defaults `_layout` keeps)."""
    checks, values_of, passing_defaults = _checks(type(obj), exclude)
    values = values_of(obj)  # clean() of one field sets only that field, so all can be read at once
    for i in [i for i, default in enumerate(map(is_, values, passing_defaults)) if not default]:
        field, attname, blank, quick = checks[i]
        raw = values[i]
        if (blank and (raw is None or raw == "")) or (quick is not None and quick(raw)):  # most, at once
            continue
        if (blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):  # as clean_fields
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


_NOT_A_DEFAULT = object()  # no value is this object


@cache
def _checks(model: type[models.Model], exclude: frozenset[str]) -> tuple[
        list[tuple[models.Field, str, bool, Any]], Callable[[models.Model], tuple], tuple]:
    """The fields clean_fields checks, in its order, each with its quick test (None: always field.clean); a
    function reading their values, all at once; and each one's default when the same default object serves every
    new object (`_layout`) and passes at once, else an object no value is."""
    checks = [(field, field.attname, field.blank, _quick_test(field)) for field in model._meta.fields
              if field.name not in exclude and not field.generated]
    positions, defaults, made = _layout(model)
    made_afresh = {position for position, _make in made}
    passing = []
    for _field, attname, blank, quick in checks:
        position = positions.get(attname)
        default = _NOT_A_DEFAULT if position is None or position in made_afresh else defaults[position]
        if default is not _NOT_A_DEFAULT and not (
                (blank and (default is None or default == "")) or (quick is not None and quick(default))):
            default = _NOT_A_DEFAULT
        passing.append(default)
    attnames = [attname for _field, attname, _blank, _quick in checks]
    values_of = attrgetter(*attnames) if len(attnames) > 1 else lambda obj: tuple(getattr(obj, a) for a in attnames)
    return checks, values_of, tuple(passing)


# The values a plain field's to_python gives back as they are (a Decimal: equal), by the field's class: the type,
# whether a subclass is taken too, and whether the Decimal must be finite.
_PLAIN_VALUES = {
    **dict.fromkeys(_TEXT, (str, True, False)), **dict.fromkeys(_INTEGER, (int, False, False)),
    models.BooleanField: (bool, False, False), models.DecimalField: (Decimal, False, True),
    models.DateTimeField: (dt.datetime, True, False), models.DateField: (dt.date, False, False),
    models.URLField: (str, True, False),  # a CharField's to_python; its URLValidator is tested by _url_passes
}


def _quick_test(field: models.Field) -> Callable[[Any], bool] | None:
    """A test that passes only a value field.clean would give back unchanged (a Decimal, equal) without an error:
    a non-empty text, a whole number (not a bool), a bool, a finite Decimal, a date-time or a date, of a field
    whose to_python gives those back as they are, within its choices and meeting each validator. None for any other
    kind of field (a URLField's text goes through its clean: it is a CharField of another kind)."""
    plain = _PLAIN_VALUES.get(type(field))
    if plain is None:
        return None
    accepts, subclasses, finite = plain
    keys = frozenset(key for key, _label in field.flatchoices) if field.choices is not None else None
    longest = most = least = None
    no_nul = False
    others = []
    for validator in field.validators:
        kind, limit = type(validator), getattr(validator, "limit_value", None)
        if kind is MaxLengthValidator and type(limit) is int and longest is None:
            longest = limit
        elif kind is MaxValueValidator and type(limit) is int and most is None:
            most = limit
        elif kind is MinValueValidator and type(limit) is int and least is None:
            least = limit
        elif kind is ProhibitNullCharactersValidator:
            no_nul = True
        elif kind is URLValidator:
            others.append(_url_passes(validator))
        else:
            others.append(_passes(validator))

    def quick(value: Any) -> bool:
        return ((isinstance(value, accepts) if subclasses else type(value) is accepts) and value != ""
                and (not finite or value.is_finite()) and (keys is None or value in keys)
                and (longest is None or len(value) <= longest) and (most is None or value <= most)
                and (least is None or value >= least) and (not no_nul or "\x00" not in value)
                and (not others or all(passes(value) for passes in others)))

    return _specialised(quick, accepts, subclasses, finite, keys, longest, most, least, no_nul, others)


def _specialised(quick: Callable[[Any], bool], accepts: type, subclasses: bool, finite: bool,
                 keys: frozenset | None, longest: int | None, most: int | None, least: int | None, no_nul: bool,
                 others: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """`quick` with only the tests its field has, for the commonest fields (every record passes dozens of them): a
    text among choices (the choices `quick` passes, looked up), a text of at most so many characters (maybe an
    address), a finite Decimal with its validator. Any other field keeps `quick` itself."""
    if accepts is str and subclasses and not finite and most is None and least is None:
        if keys is not None:  # a text equal to a choice passes exactly when the choice does
            passing = frozenset(key for key in keys if quick(key))
            return lambda value: isinstance(value, str) and value in passing
        if longest is not None and not no_nul and not others:
            return lambda value: isinstance(value, str) and value != "" and len(value) <= longest
        if longest is not None and not no_nul and len(others) == 1:
            (passes,) = others
            return lambda value: isinstance(value, str) and value != "" and len(value) <= longest and passes(value)
    if (accepts is Decimal and not subclasses and finite and keys is None and longest is None and most is None
            and least is None and not no_nul and len(others) == 1):
        (passes,) = others
        return lambda value: type(value) is Decimal and value.is_finite() and passes(value)
    return quick


def _passes(validator) -> Callable[[Any], bool]:
    def passes(value: Any) -> bool:
        try:
            validator(value)
        except ValidationError:
            return False
        return True

    return passes


# An address as URLValidator reads it: its start (scheme, "://" and the network location, up to the first /, ? or
# #), then a path, query or fragment with no whitespace, or nothing.
_URL_PARTS = re.compile(r"([^:]*://[^/?#]*)(?:[/?#]\S*)?\Z")


def _url_passes(validator: URLValidator) -> Callable[[Any], bool]:
    r"""Whether `validator` passes a value, as _passes says, with its start checked once per distinct start.

    When the rest is a path, query or fragment without whitespace, the validator passes the address exactly
    when it passes its start alone ("https://host"): the scheme is the text before the first "://" in both,
    urlsplit finds the same network location (and so the same host) in both, the rest adds no tab or line break,
    and the validator's pattern ends with `(?:[/?#][^\s]*)?\Z`, which the rest meets. An import's addresses share a
    few hosts, so the start is checked by the validator itself once per host; any other value, or one longer than
    the validator allows, goes to the validator whole (tests/api/test_import_building.py checks both agree)."""
    whole = _passes(validator)
    start_passes = lru_cache(maxsize=4096)(whole)

    def passes(value: Any) -> bool:
        if type(value) is str and len(value) <= validator.max_length:
            parts = _URL_PARTS.match(value)
            if parts is not None and start_passes(parts.group(1)):
                return True
        return whole(value)

    return passes
