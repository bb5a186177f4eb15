"""The open-data pilot record, its published JSON Schema, and the small validator `pilotbook import` uses."""

import copy

import jsonschema
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings

from pilotbook.api.importing import record_schema
from pilotbook.api.records import pilot_record
from pilotbook.api.schema import import_schema, pilot_schema, validate
from pilotbook.api.schema_checks import _valid, validator
from pilotbook.councils.models import User
from pilotbook.pilots.models import Pilot

from .helpers import embargoed, published
from .test_import_fuzz import json_values, record

VALIDATOR = jsonschema.Draft202012Validator(pilot_schema(), format_checker=jsonschema.FormatChecker())


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(pilot_schema())
    assert pilot_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_published(client, db):
    response = client.get("/schema/pilot.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert response.json() == pilot_schema()


@pytest.mark.django_db
def test_every_demo_record_validates_for_every_demo_person():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    people = [AnonymousUser(), *User.objects.filter(email__endswith=".example")]
    checked = 0
    for person in people:
        for pilot in Pilot.objects.visible_to(person).select_related("council", "result"):
            record = pilot_record(pilot, person)
            errors = [e.message for e in VALIDATOR.iter_errors(record)]
            assert errors == [], (pilot.title, errors)
            assert validate(record) == [] and validator(pilot_schema())(record) == []
            checked += 1
    assert checked > 50


def test_a_withheld_council_is_null_with_a_flag(home_council, officer, other_officer, moderator):
    pilot = published(home_council, officer, visibility="public_anonymous")
    for outsider in (AnonymousUser(), other_officer):
        record = pilot_record(pilot, outsider)
        assert record["council"] is None and record["council_withheld"] is True
        assert "Homeshire" not in str(record) and "HOM" not in str(record)
    for insider in (officer, moderator):
        record = pilot_record(pilot, insider)
        assert record["council"]["code"] == "HOM" and record["council_withheld"] is False


def test_a_result_under_embargo_is_shown_only_to_its_council(home_council, officer, other_officer):
    pilot = embargoed(home_council, officer)
    outside = pilot_record(pilot, other_officer)
    assert outside["result"] is None and outside["lessons"] is None
    inside = pilot_record(pilot, officer)
    assert inside["result"]["verdict"] == "worked" and inside["result"]["estimate"] == -20
    assert inside["lessons"]["aim"]


def test_a_released_result_has_estimate_interval_verdict_and_lessons(home_council, officer):
    record = pilot_record(published(home_council, officer), AnonymousUser())
    assert record["result"] == {"estimate": -20, "ci_low": -27, "ci_high": -13, "verdict": "worked",
                                "source": "pilotbook", "reaches_worthwhile": True, "method": "", "sample_size": 390,
                                "sample": "", "summary": "", "stopped": False}
    assert record["evidence_level"] == 5 and record["design"] == "randomised_individual"
    assert record["url"].endswith(f"/pilots/{record['id']}/")
    assert len(record["plan_sha256"]) == 64


BROKEN = [
    ("title", ""),
    ("service_area", "bins"),
    ("start_date", "31/01/2026"),
    ("start_date", "2026-02-30"),
    ("planned_sample", -3),
    ("planned_sample", "400"),
    ("evidence_level", 9),
    ("plan_sha256", "abc"),
    ("unexpected", "x"),
    ("outcome", {"name": "Days", "unit": "days", "kind": "vibes", "better_direction": None,
                 "worthwhile_effect": None}),
    ("result", {"estimate": "big"}),
    ("is_demo", "no"),
]


@pytest.mark.parametrize(("field", "value"), BROKEN, ids=[f for f, _ in BROKEN])
def test_the_import_validator_agrees_with_jsonschema(field, value, home_council, officer):
    good = pilot_record(published(home_council, officer), AnonymousUser())
    assert validate(good) == [] and VALIDATOR.is_valid(good)
    bad = copy.deepcopy(good)
    bad[field] = value
    assert not VALIDATOR.is_valid(bad)
    ours = validate(bad)
    assert ours and all(line.startswith(field) for line in ours), ours
    assert validator(pilot_schema())(bad) == ours and validator(pilot_schema())(good) == []


RECORD_CHECK = validator(record_schema())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record | json_values)
def test_the_compiled_validator_finds_what_validate_finds(instance):
    """`validator` answers a valid record without composing messages: it must find a problem exactly when validate
    does, and then give validate's messages."""
    assert RECORD_CHECK(instance) == validate(instance, record_schema())


RECORD_TEST = _valid(record_schema())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record | json_values)
def test_the_compiled_test_passes_exactly_what_validate_passes(instance):
    """Never a record validate finds a problem with (that would import it), and every valid record without
    composing validate's messages (the quick way, for nearly every record of an import)."""
    assert RECORD_TEST(instance) == (validate(instance, record_schema()) == [])


def _edges(part: dict) -> list:
    """Values of each kind, and those at the edges of the node's lengths, with each of its choices."""
    values = [None, True, 0, 7, -1, 1.5, "", "x", "GB", [], ["x"], {}, {"code": "HOM"}, "2026-01-31", "2026-02-30",
              "2026-01-31T10:00:00Z", "2026-01-31 10:00", "a" * 64, "0" * 64]
    for key in ("minLength", "maxLength", "maxItems"):
        if key in part:
            n = part[key]
            values += [make(n + step) for step in (-1, 0, 1) for make in (lambda k: "x" * k, lambda k: ["x"] * k)
                       if n + step >= 0]
    return values + list(part.get("enum", []))


@pytest.mark.parametrize("name", sorted(record_schema()["properties"]))
def test_the_compiled_test_passes_exactly_what_validate_passes_at_the_edges(name):
    for value in _edges(record_schema()["properties"][name]):
        instance = {"title": "A title", name: value}
        assert RECORD_TEST(instance) == (validate(instance, record_schema()) == []), (name, value)


def test_the_import_schema_needs_only_a_title():
    schema = import_schema()
    assert validate({"title": "A shorter letter"}, schema) == []
    assert jsonschema.Draft202012Validator(schema).is_valid({"title": "A shorter letter"})
    assert validate({"problem": "x"}, schema) == ["title: required"]
    assert pilot_schema()["required"] != ["title"]  # the published schema is unchanged
