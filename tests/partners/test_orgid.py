"""org-id identifiers: known registers with the shape of their numbers, written as each register writes them."""

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
    ("GB-COH-123456789", "bad_number"),
    ("GB-COH-SC1234567", "bad_number"),
    ("GB-COH-12-345", "bad_number"),
    ("GB-EDU-ABC123", "bad_number"),
])
def test_malformed_identifiers_are_rejected_with_a_reason(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_org_id(value)
    assert caught.value.code == code


def test_identifiers_are_normalised_before_checking():
    assert normalise(" gb-chc-1098765 ") == "GB-CHC-1098765"


@pytest.mark.parametrize(("written", "register_form"), [
    ("GB-COH-1234567", "GB-COH-01234567"),  # the Open Referral UK example organization_full.json writes it so
    ("GB-COH-445790", "GB-COH-00445790"),
    ("gb-coh-sc 12345", "GB-COH-SC012345"),
    ("GB-COH-12345678", "GB-COH-12345678"),
    ("GB-CHC-01098765", "GB-CHC-1098765"),
    ("GB-SC-012345", "GB-SC-SC012345"),
    ("GB-SC-SC012345", "GB-SC-SC012345"),
])
def test_a_number_is_written_as_its_register_writes_it_instead_of_being_refused(written, register_form):
    assert normalise(written) == register_form
    validate_org_id(written)


@pytest.mark.parametrize(("value", "form"), [
    ("GB-COH-123456789", "8 characters: 8 digits, such as 01234567, or two letters and 6 digits, such as SC123456"),
    ("GB-CHC-12", "6 to 8 digits, such as 1098765"),
    ("GB-SC-12345", "SC and 6 digits, such as SC012345"),
])
def test_a_number_that_cannot_be_written_as_its_register_does_is_refused_with_the_form_it_takes(value, form):
    with pytest.raises(ValidationError) as caught:
        validate_org_id(value)
    assert caught.value.messages[0].endswith(f"which writes its numbers as {form}")
