"""The frozen plan: canonical JSON, its SHA-256, differences and completeness."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from pilotbook.pilots import plan


def test_canonical_json_sorts_keys_and_has_no_spaces():
    assert plan.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_hash_is_sha256_of_the_canonical_utf8_json():
    value = {"title": "Letter", "worthwhile_effect": "7"}
    expected = hashlib.sha256(b'{"title":"Letter","worthwhile_effect":"7"}').hexdigest()
    assert plan.plan_hash(value) == expected


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (Decimal("0.0500"), "0.05"),
        (Decimal("7.0000"), "7"),
        (Decimal("1E+3"), "1000"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ("  text with windows\r\nline ends ", "text with windows\nline ends"),
        (None, None),
        (400, 400),
    ],
)
def test_canonical_values_do_not_depend_on_how_they_were_typed(value, canonical):
    assert plan.canonical_value(value) == canonical


def test_plan_changes_lists_only_changed_fields_in_plan_order():
    old = dict.fromkeys(plan.PLAN_FIELDS) | {"title": "A", "planned_sample": 10}
    new = old | {"planned_sample": 20, "title": "A"}
    assert plan.plan_changes(old, new) == {"planned_sample": {"old": 10, "new": 20}}


def test_visibility_is_not_part_of_the_plan():
    assert "visibility" not in plan.PLAN_FIELDS
    assert "status" not in plan.PLAN_FIELDS
