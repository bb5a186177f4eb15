"""org-id identifiers: known registers with the shape of their numbers."""

import pytest
from django.core.exceptions import ValidationError

from pilotbook.partners.orgid import normalise, validate_org_id


@pytest.mark.parametrize("value", ["GB-CHC-1098765", "GB-COH-01234567", "GB-COH-SC123456", "GB-NHS-RXH",
                                   "GB-NHS-FA123", "GB-SC-SC012345", "GB-EDU-123456", "GB-SHPE-L4047",
                                   "GB-LAE-WEA"])
def test_identifiers_from_known_registers_are_accepted(value):
    validate_org_id(value)


@pytest.mark.parametrize(("value", "code"), [
    ("1098765", "invalid"),
    ("GB-XYZ-123", "unknown_prefix"),
    ("GB-CHC-12", "bad_number"),
    ("GB-COH-1234", "bad_number"),
    ("GB-EDU-ABC123", "bad_number"),
])
def test_malformed_identifiers_are_rejected_with_a_reason(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_org_id(value)
    assert caught.value.code == code


def test_identifiers_are_normalised_before_checking():
    assert normalise(" gb-chc-1098765 ") == "GB-CHC-1098765"
