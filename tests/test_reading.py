"""pilotbook.reading: the text, JSON and CSV readers every importer uses, and the sentence each refusal gives."""

import csv
import io
import json

import pytest

from pilotbook.reading import MAX_JSON_DEPTH, NotJSON, Unreadable, csv_rows, decode_text, load_json


def nested(depth: int) -> str:
    return '{"a":' * (depth - 1) + "[]" + "}" * (depth - 1)


def test_json_may_nest_as_deep_as_the_limit_and_no_deeper():
    assert load_json(nested(MAX_JSON_DEPTH))
    with pytest.raises(Unreadable, match=f"nested more than {MAX_JSON_DEPTH} levels deep"):
        load_json(nested(MAX_JSON_DEPTH + 1))


def test_json_deeper_than_python_can_parse_is_refused_with_the_same_sentence():
    with pytest.raises(Unreadable, match="nested more than 64 levels deep"):
        load_json("[" * 100_000 + "]" * 100_000)


def test_brackets_inside_text_do_not_count_as_nesting():
    assert load_json(json.dumps({"a": "[" * 1000})) == {"a": "[" * 1000}


@pytest.mark.parametrize(("text", "problem"), [
    ('{"x": [1, "a\\u0000"]}', "the text at .x[1] holds a NUL character"),
    ('{"a\\u0000": 1}', "a name at . holds a NUL character"),
    ('[{"title": "\\udc00"}]', "the text at .[0].title holds an unpaired surrogate"),
    ('{"two words": ["\\ud800"]}', 'the text at .["two words"][0] holds an unpaired surrogate'),
    ('"\\u0000"', "the text at . holds a NUL character"),
    ("9" * 5000, "it holds a number too long to read"),
])
def test_text_no_database_stores_is_named_with_where_it_is(text, problem):
    with pytest.raises(Unreadable, match=problem.replace("[", r"\[").replace(".", r"\.")):
        load_json(text)


def test_an_emoji_written_as_a_surrogate_pair_and_an_escaped_backslash_are_fine():
    assert load_json('["\\ud83d\\ude00", "\\\\u0000"]') == ["\N{GRINNING FACE}", "\\u0000"]


def test_not_json_at_all_is_its_own_kind_of_refusal_with_the_line_and_column():
    with pytest.raises(NotJSON, match=r"not valid JSON \(line 2, column 1: Expecting value\)"):
        load_json("[1,\n]")


@pytest.mark.parametrize(("data", "problem"), [
    ("[1]".encode("utf-16"), "UTF-16 text, not UTF-8"),
    ("a\ncafé".encode("latin-1"), r"not UTF-8 text \(line 2 has the byte 0xE9"),
    (b"PK\x03\x04\x14\x00\x06\x00", "not plain text: line 1 holds a NUL character"),
    (b"name\nA\x00B\n", "not plain text: line 2 holds a NUL character"),
])
def test_text_that_is_not_utf8_or_holds_nul_is_refused(data, problem):
    with pytest.raises(Unreadable, match=problem):
        decode_text(data)


def test_a_byte_order_mark_is_dropped():
    assert decode_text("\ufeffname\n".encode()) == "name\n"


def test_a_csv_cell_past_the_csv_modules_limit_names_its_line():
    text = 'a,b\n1,2\n3,"' + "x" * (csv.field_size_limit() + 1) + '"\n'
    rows = csv_rows(csv.reader(io.StringIO(text, newline="")))
    assert next(rows) == ["a", "b"] and next(rows) == ["1", "2"]
    with pytest.raises(Unreadable, match="line 3 has a cell longer than 131,072 characters"):
        next(rows)
