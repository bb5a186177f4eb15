"""The values the import's COPY writes (pilotbook.api.importing.copying) are what Django's fields would prepare:
a column's quick preparer gives what `get_db_prep_save(pre_save(obj, True))` gives on PostgreSQL, or leaves the
value to the field."""

import datetime as dt
import json

import pytest
from django.db import connection
from psycopg.types.json import Jsonb

from pilotbook.api.importing.copying import _FIELD, _quick
from pilotbook.pilots.models import Pilot, Result

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="COPY is PostgreSQL's")
assert connection  # used by the skip condition above

AWARE = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
VALUES = [None, "", "text", 3, True, AWARE, dt.datetime(2026, 3, 1, 9, 30), dt.date(2026, 3, 1), [], ["a", "b"],
          {"a": [1, 2.5, None]}, ("a",)]


def _django(field, obj):
    prepared = field.get_db_prep_save(field.pre_save(obj, True), connection)
    if isinstance(prepared, Jsonb):  # psycopg writes the text its dumps function makes
        return (prepared.dumps or json.dumps)(prepared.obj)
    return prepared


@pytest.mark.parametrize("model", [Pilot, Result])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_quick_preparer_gives_what_the_field_gives_or_leaves_it_to_the_field(model, value):
    for field in model._meta.concrete_fields:
        quick = _quick(field)
        if quick is None:
            continue
        ours, theirs = model(), model()
        ours.__dict__[field.attname] = theirs.__dict__[field.attname] = value
        prepared = quick(value, ours)
        if prepared is _FIELD:
            continue
        expected = _django(field, theirs)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):  # the moment prepared
            assert prepared.tzinfo == expected.tzinfo == dt.UTC
            assert abs(prepared - expected) < dt.timedelta(seconds=5)
            assert getattr(ours, field.attname) is prepared  # set on the object, as pre_save sets it
        else:
            assert prepared == expected and type(prepared) is type(expected), field.name


def test_the_plain_values_of_a_case_study_are_prepared_quickly():
    """What an import's every row has: date-times with a time zone, and a list of further sources."""
    pilot = Pilot(published_at=AWARE, further_sources=["https://example.org/a"])
    quick = {field.name: _quick(field) for field in Pilot._meta.concrete_fields}
    assert quick["published_at"](pilot.published_at, pilot) is AWARE
    assert quick["further_sources"](pilot.further_sources, pilot) == '["https://example.org/a"]'
    assert quick["created_at"](None, pilot) is pilot.created_at
    assert quick["published_at"](dt.datetime(2026, 3, 1), pilot) is _FIELD  # a naive one: the field warns
