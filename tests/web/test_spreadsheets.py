"""The one guard against spreadsheet formula injection (pilotbook.web.spreadsheets), by OWASP's CSV injection
rules: a text that begins with = + - @, a tab or a carriage return gets a leading quote, except a plain negative
number, which a spreadsheet reads as that number and which runs nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilotbook.web.spreadsheets import neutralise, unneutralise


@pytest.mark.parametrize("number", ["-5", "-0.5", "-0.1278", "-12.25", "-1e-05", "-3E+2", "5", "0"])
def test_a_plain_number_stays_a_number(number):
    assert neutralise(number) == number


@pytest.mark.parametrize("formula", [
    "-1+cmd|' /C calc'!A0", "-2+3", "-5+1", "-5 ", "-5\n", "- 5", "-", "-SUM(A1:A2)", "-5e", "--5",
    "+5", "+441234567890", "=1+1", "=HYPERLINK(\"http://evil.example\")", "@SUM(A1)", "\t=1", "\r=1",
])
def test_a_formula_or_anything_more_than_a_plain_negative_number_is_quoted(formula):
    assert neutralise(formula) == "'" + formula


@pytest.mark.parametrize("value", [-5, -0.5, 3, None, ""])
def test_values_that_are_not_text_are_written_as_they_are(value):
    assert neutralise(value) == value


@given(st.one_of(st.text(), st.floats(allow_nan=False, allow_infinity=False).map(repr), st.integers().map(str)))
def test_unneutralise_gives_back_exactly_the_text(text):
    assert unneutralise(neutralise(text)) == text
