"""The import's model objects (pilotbook.api.importing.building) are what Django's own would be: `new` builds the
object `Model(**values)` builds, and `full_clean` passes, cleans and fails exactly as Django's `full_clean` does
(without its unique and constraint checks), with Django's messages, whatever the values."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilotbook.api.importing import fields
from pilotbook.api.importing.building import _passes, _url_passes, full_clean, new
from pilotbook.api.importing.checking import PILOT_NOT_CHECKED, RESULT_NOT_CHECKED
from pilotbook.councils.models import Council, User
from pilotbook.pilots.choices import Status
from pilotbook.pilots.models import Pilot, Result

ODD_TEXTS = ["", " ", "a\x00b", "https://example.org/case", "not an address", "GB", "ZZ", "published",
             Status.PUBLISHED, "x" * 61, "x" * 201, "x" * 2001, "https://example.org/a b", "ftp://example.org/",
             "https://-bad.example/case", "http://[::1]:80/x", "https://example.org/" + "x" * 490]


def _values_for(field: models.Field):
    """Sometimes right, sometimes anything, for one field."""
    anything = st.none() | st.integers(-3, 3) | st.booleans() | st.sampled_from(ODD_TEXTS)
    if field.choices is not None:
        anything |= st.sampled_from([key for key, _label in field.flatchoices])
    if isinstance(field, models.CharField | models.TextField):
        longest = field.max_length or 3000
        return anything | st.text(max_size=8) | st.text(min_size=longest - 1, max_size=longest + 1)
    if isinstance(field, models.IntegerField):
        return anything | st.integers(-70_000, 70_000) | st.just("7") | st.integers(min_value=2**31)
    if isinstance(field, models.DecimalField):
        return anything | st.decimals(allow_nan=False, allow_infinity=False, places=5, min_value=-10**11,
                                      max_value=10**11) | st.just(2.5)
    if isinstance(field, models.DateTimeField):
        return anything | st.just(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)) | st.just("2026-02-30 10:00")
    if isinstance(field, models.DateField):
        return anything | st.dates() | st.just("2026-02-30")
    if isinstance(field, models.JSONField):
        return anything | st.lists(st.sampled_from(ODD_TEXTS), max_size=3)
    return anything


def _record_values(model, not_checked):
    fields = [f for f in model._meta.concrete_fields if not f.is_relation and not f.primary_key]
    return st.fixed_dictionaries({}, optional={f.name: _values_for(f) for f in fields})


def _outcome(obj, check):
    """What checking did: the messages (or None; or the error Django itself raises for a value no record can
    give, such as True for a date-time) and every value the object then holds."""
    try:
        check(obj)
        messages = None
    except ValidationError as error:
        messages = error.message_dict
    except (TypeError, ValueError) as error:
        messages = repr(error)
    state = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return messages, state, dict(obj._state.fields_cache), obj._state.db, obj._state.adding


COUNCIL = Council(code="HOM", name="Homeshire")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_record_values(Pilot, PILOT_NOT_CHECKED), st.sampled_from([COUNCIL, None]))
def test_a_pilot_is_built_and_checked_as_django_does(values, council):
    ours = new(Pilot, values, council=council, created_by=None)
    django = Pilot(**values, council=council, created_by=None)
    assert _outcome(ours, lambda p: full_clean(p, PILOT_NOT_CHECKED)) == _outcome(
        django, lambda p: p.full_clean(exclude=list(PILOT_NOT_CHECKED), validate_unique=False,
                                       validate_constraints=False))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_record_values(Result, RESULT_NOT_CHECKED))
def test_a_result_is_built_and_checked_as_django_does(values):
    values["first_recorded_at"] = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)  # else the default is the moment built
    pilot = Pilot(title="A pilot")
    ours = new(Result, values, pilot=pilot, recorded_by=None)
    assert pilot.result is ours  # the one-to-one's other side, as Result(pilot=pilot) sets it
    django = Result(**values, pilot=Pilot(title="A pilot"), recorded_by=None)
    ours_outcome, django_outcome = (
        _outcome(ours, lambda r: full_clean(r, RESULT_NOT_CHECKED)),
        _outcome(django, lambda r: r.full_clean(exclude=list(RESULT_NOT_CHECKED), validate_unique=False,
                                                validate_constraints=False)))
    assert ours_outcome[:2] == django_outcome[:2]
    assert ours_outcome[2].keys() == django_outcome[2].keys()
    assert ours_outcome[3:] == django_outcome[3:]
    assert pilot._state.db == django.pilot._state.db  # the pilot's database, set by the relation


def _from(model, db, **values):
    """An object as if read from database `db` (None: a new one)."""
    obj = model(**values)
    obj._state.db, obj._state.adding = db, db is None
    return obj


def _related_state(pilot, result):
    """What setting the relations left on the pilot, its result and the objects they name."""
    def state(obj):
        return None if obj is None else ({k: v for k, v in obj.__dict__.items() if k != "_state"}, obj._state.db,
                                         {k: type(v).__name__ for k, v in obj._state.fields_cache.items()})
    return [state(obj) for obj in (pilot, result, pilot.council if pilot.council_id else None,
                                   result.recorded_by if result.recorded_by_id else None)]


@pytest.mark.parametrize("council_db", [None, "default", "other"])
@pytest.mark.parametrize("user_db", [None, "default", "other", "no user"])
@pytest.mark.parametrize("with_council", [True, False])
def test_related_objects_are_set_as_django_sets_them(council_db, user_db, with_council):
    """Databases (the related object's, or the default), keys, both sides of the one-to-one, and the error Django
    gives for objects of two databases (no router allows it)."""
    outcomes = []
    for build in (lambda model, values, **related: new(model, values, **related),
                  lambda model, values, **related: model(**values, **related)):
        council = _from(Council, council_db, code="HOM", name="Homeshire") if with_council else None
        user = None if user_db == "no user" else _from(User, user_db, pk=7, email="o@example.org",
                                                                 date_joined=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
        try:
            pilot = build(Pilot, {"title": "Text reminders"}, council=council, created_by=user)
            result = build(Result, {"verdict": "worked", "first_recorded_at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC)},
                           pilot=pilot, recorded_by=user)
        except ValueError as error:
            outcomes.append(str(error).split(":")[0])
            continue
        assert pilot.result is result and result.pilot is pilot
        outcomes.append(_related_state(pilot, result))
    assert outcomes[0] == outcomes[1]


def test_a_plain_value_is_passed_only_when_django_passes_it():
    pilot = new(Pilot, {"title": "Text reminders", "visibility": "public", "interim_looks": 2,
                        "year": 2019, "is_demo": True, "worthwhile_effect": Decimal("2.5")}, council=COUNCIL)
    full_clean(pilot, PILOT_NOT_CHECKED)
    for name, value, message in [("title", "x" * 201, "at most 200 characters"),
                                 ("visibility", "everyone", "is not a valid choice"),
                                 ("interim_looks", "many", "must be an integer"),
                                 ("year", 1200, "year"), ("country", "ZZ", "country")]:
        broken = new(Pilot, {"title": "Text reminders", name: value}, council=COUNCIL)
        with pytest.raises(ValidationError) as ours:
            full_clean(broken, PILOT_NOT_CHECKED)
        with pytest.raises(ValidationError) as django:
            Pilot(council=COUNCIL, **{"title": "Text reminders", name: value}).full_clean(
                exclude=list(PILOT_NOT_CHECKED), validate_unique=False, validate_constraints=False)
        assert ours.value.message_dict == django.value.message_dict
        assert message.lower() in str(ours.value.message_dict[name]).lower(), ours.value.message_dict



@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**30, 10**30)
       | st.builds(lambda n, places: n / 10**places, st.integers(-10**9, 10**9), st.integers(0, 6)))
@settings(max_examples=500)
def test_a_number_passed_at_once_is_one_the_exact_check_finds_no_problem_with(value):
    assert not (fields._plainly_stored(value) and fields._exact_number_problems("effect", value))


@pytest.mark.parametrize("value", [-3.1, 0.0001, 12.0, 7, -5, 10**40])
def test_numbers_stored_as_they_are_are_passed_at_once(value):
    assert fields._plainly_stored(value)


@pytest.mark.parametrize("value", [1e20, float("nan"), float("inf"), 0.00001, 5.210000000000001, True, "2.5"])
def test_other_numbers_go_through_the_exact_check(value):
    assert not fields._plainly_stored(value)


URL_PIECES = st.lists(st.sampled_from([
    "http", "https", "HTTPS", "ftp", "", "javascript", "h ttp", "://", ":/", ":", "//", "user:pw@", "@", "a@b",
    "example.org", "case-studies.example", "localhost", "xn--bcher-kva.example", "bücher.example", "-bad.example",
    "a" * 64 + ".example", ("a" * 60 + ".") * 5 + "org", "127.0.0.1", "256.1.1.1", "[::1]", "[::zz]", "[::1",
    "::1]", ".", "..", ":80", ":999999", "/", "?", "#", "/case", "/a b", "/\t", "\n", "/ü", "?q=1&r=2", "#frag",
    "x" * 2040, " ", "\x00", "\u3000", "/\u00a0",
]) | st.text(max_size=4), max_size=8).map("".join)


@settings(max_examples=2000, deadline=None)
@given(URL_PIECES | st.text(max_size=30))
def test_an_address_passes_the_quick_url_check_exactly_when_django_passes_it(value):
    """The start of an address is checked once per distinct start (cached), the rest by its pattern: the answer is
    URLValidator's, for Django's default schemes and for http and https only, asked again (from the cache) too."""
    for validator in (URLValidator(), URLValidator(schemes=["http", "https"])):
        quick = _url_passes(validator)
        assert quick(value) == _passes(validator)(value) == quick(value)
        assert quick(value + "/more") == _passes(validator)(value + "/more")
