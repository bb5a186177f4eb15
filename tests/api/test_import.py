"""`pilotbook import` of case studies from CSV and JSON Lines: reported verdicts, external ids, all or nothing."""

import csv
import io
import json

import jsonschema
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from pilotbook.api.records import pilot_record
from pilotbook.api.schema import pilot_schema
from pilotbook.evidence.index import search_reindex_all
from pilotbook.evidence.models import SearchIndexState, SearchTerm
from pilotbook.evidence.pooling import effect_of
from pilotbook.pilots.models import Pilot, Result

from .helpers import import_problems, published

HEADER = ["external_id", "title", "summary", "council_code", "service_area", "intervention_type", "verdict",
          "effect", "effect_ci_low", "effect_ci_high", "lessons", "source_url", "visibility"]

ROWS = [
    ["lga-101", "Text reminders before bin day", "Residents got a text the evening before collection.", "HOM",
     "waste", "channel_shift", "worked", "-3.1", "-4.0", "-2.2", "Start with the streets with most missed bins.",
     "https://www.local.gov.uk/case-studies/bin-texts", "public"],
    ["lga-102", "Chatbot for council tax questions", "A web chatbot answered common questions.", "OTH",
     "revenues_benefits", "technology", "no_worthwhile_effect", "Calls fell by about 2%, within normal variation",
     "", "", "People still phoned to check what the chatbot said.", "https://example.org/chatbot", "public"],
    ["", "Door knocking for rent arrears", "Officers visited tenants two weeks behind.", "HOM", "housing",
     "process_redesign", "", "", "", "", "", "", ""],
]


def write_csv(path, rows, header=HEADER):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    return str(info.value), import_problems(err.getvalue())


def test_csv_case_studies_are_published_with_the_reported_verdict(tmp_path, home_council, other_council, moderator):
    out, _ = run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    assert "Imported 3 pilot(s): 1 draft(s), 2 published case studies" in out

    bins = Pilot.objects.get(external_id="lga-101")
    assert bins.council == home_council and bins.status == "published" and bins.published_at
    assert bins.change == "Residents got a text the evening before collection."
    assert bins.source_url == "https://www.local.gov.uk/case-studies/bin-texts"
    assert bins.lessons_differently == "Start with the streets with most missed bins."
    assert bins.result.source == "reported" and bins.result.verdict == "worked"
    assert [float(x) for x in (bins.result.estimate, bins.result.ci_low, bins.result.ci_high)] == [-3.1, -4.0, -2.2]
    assert bins.registered_at is None  # a case study was never pre-registered here

    chatbot = Pilot.objects.get(external_id="lga-102")
    assert chatbot.council == other_council and chatbot.result.verdict == "no_worthwhile_effect"
    assert chatbot.result.estimate is None and not chatbot.result.has_interval
    assert chatbot.result.summary == "Calls fell by about 2%, within normal variation"

    draft = Pilot.objects.get(title="Door knocking for rent arrears")
    assert draft.status == "draft" and draft.external_id == "" and not Result.objects.filter(pilot=draft).exists()


def test_imported_case_studies_reach_the_digests_of_people_who_follow_them(tmp_path, home_council, other_council,
                                                                          moderator, other_officer):
    from datetime import timedelta

    from django.utils import timezone

    from pilotbook.discussion import mail, services

    services.follow_add(user=other_officer, subject="service_area", value="waste")
    services.follow_add(user=other_officer, subject="council", value=other_council.code)
    since = timezone.now() - timedelta(minutes=1)
    run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    news = mail.followed_pilot_news(other_officer, since=since, until=timezone.now())
    assert [(n["title"], n["event"]) for n in news] == [
        ("Chatbot for council tax questions", "published its result"),
        ("Text reminders before bin day", "published its result"),
    ]  # the draft is never news


def test_imported_case_studies_are_searchable_with_their_external_id(tmp_path, home_council, other_council,
                                                                    moderator):
    run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    data = json.loads(run("search", "text message before bin collection", "--json")[0])
    top = data["results"][0]
    assert top["external_id"] == "lga-101" and top["verdict"] == "worked" and top["council"] == "Homeshire"
    # The bulk index adds exactly what a rebuild from scratch finds.
    state = SearchIndexState.objects.get()
    counts = dict(SearchTerm.objects.values_list("term", "doc_count"))
    lengths = (state.doc_count, state.len_title, state.len_problem, state.len_change, state.len_lessons)
    search_reindex_all()
    rebuilt = SearchIndexState.objects.get()
    assert (rebuilt.doc_count, rebuilt.len_title, rebuilt.len_problem, rebuilt.len_change,
            rebuilt.len_lessons) == lengths == (2, *lengths[1:])
    assert dict(SearchTerm.objects.values_list("term", "doc_count")) == counts


def test_the_case_study_page_says_the_verdict_is_the_sources(tmp_path, client, home_council, other_council,
                                                            moderator):
    run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    chatbot = Pilot.objects.get(external_id="lga-102")
    page = client.get(chatbot.get_absolute_url()).content.decode()
    assert "Verdict reported by its source:" in page and "No worthwhile effect" in page
    assert "Pilotbook has not checked it" in page and 'href="https://example.org/chatbot"' in page
    assert "What the source reported" in page and "95% confidence interval" not in page
    bins = client.get(Pilot.objects.get(external_id="lga-101").get_absolute_url()).content.decode()
    assert "95% confidence interval" in bins and "Verdict reported by its source:" in bins
    register = client.get("/evidence/what-didnt-work/").content.decode()
    assert "Chatbot for council tax questions" in register


def test_a_reported_verdict_without_an_interval_is_not_pooled(tmp_path, home_council, other_council, moderator):
    run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    chatbot = Pilot.objects.get(external_id="lga-102")
    assert "cannot be pooled" in effect_of(chatbot, "GENERIC")
    bins = Pilot.objects.get(external_id="lga-101")
    estimate, variance = effect_of(bins, "GENERIC")
    assert estimate == pytest.approx(-3.1) and variance > 0


def test_records_of_case_studies_match_the_published_schema(tmp_path, client, home_council, other_council,
                                                            moderator):
    run("import", str(write_csv(tmp_path / "cases.csv", ROWS)), "--user", moderator.email)
    validator = jsonschema.Draft202012Validator(pilot_schema(), format_checker=jsonschema.FormatChecker())
    for pilot in Pilot.objects.filter(status="published").select_related("council", "result"):
        record = pilot_record(pilot, AnonymousUser())
        assert not [e.message for e in validator.iter_errors(record)]
        assert record["result"]["source"] == "reported" and record["external_id"].startswith("lga-")
    exported = client.get("/export/pilots.csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(exported)))
    assert {"verdict_source", "external_id", "source_url"} <= set(header)


def test_json_lines_case_study_with_an_effect_object(tmp_path, home_council, officer):
    record = {"title": "Plain-English arrears letter", "summary": "Rewrote the first arrears letter.",
              "council_code": "hom", "verdict": "inconclusive", "effect": {"estimate": 1.5, "ci_low": -2, "ci_high": 5},
              "failure_reason": "too_small", "lessons": {"aim": "Faster contact.", "happened": "Too few letters."},
              "external_id": "arrears-1"}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(record) + "\n")
    run("import", str(path), "--user", officer.email)
    pilot = Pilot.objects.get(external_id="arrears-1")
    assert pilot.failure_reason == "too_small" and pilot.lessons_aim == "Faster contact."
    assert pilot.result.verdict == "inconclusive" and pilot.result.ci_high == 5 and pilot.created_by == officer


def test_every_bad_row_is_named_and_nothing_is_imported(tmp_path, home_council, other_council, moderator):
    published(home_council, moderator, title="Already here", external_id="lga-900")
    bad = [
        ROWS[0],
        ["lga-101", "Same id again", "x", "HOM", "", "", "", "", "", "", "", "", ""],
        ["lga-103", "Unknown council", "x", "ZZZ", "", "", "", "", "", "", "", "", ""],
        ["lga-104", "Bad verdict", "x", "HOM", "", "", "it worked", "", "", "", "lessons", "", ""],
        ["lga-105", "No summary", "", "HOM", "", "", "worked", "", "", "", "", "", ""],
        ["lga-106", "Interval wrong way", "x", "HOM", "", "", "worked", "5", "6", "7", "l", "", ""],
        ["lga-107", "One end only", "x", "HOM", "", "", "worked", "5", "4", "", "l", "", ""],
        ["lga-108", "Effect without verdict", "x", "HOM", "", "", "", "5", "", "", "", "", ""],
        ["lga-109", "Not a web address", "x", "HOM", "", "", "worked", "", "", "", "l", "javascript:alert(1)", ""],
        ["lga-900", "Imported before", "x", "HOM", "", "", "", "", "", "", "", "", ""],
        ["lga-110", "Too few cells"],
        ["lga-111", "", "x", "HOM", "", "", "", "", "", "", "", "", ""],
    ]
    message, lines = fails("import", str(write_csv(tmp_path / "bad.csv", bad)), "--user", moderator.email)
    assert "nothing was imported" in message
    expected = [
        "line 3 ('Same id again'): external_id 'lga-101' is also used by line 2",
        "line 4 ('Unknown council'): council_code: no council with the code 'ZZZ'",
        "line 5 ('Bad verdict'): verdict: 'it worked' is not one of: worked",
        "line 6 ('No summary'): summary: a case study needs a summary of what was done",
        "line 7 ('Interval wrong way'): effect: the estimate must lie between ci_low and ci_high",
        "line 8 ('One end only'): effect: give both ends of the confidence interval, or neither",
        "line 9 ('Effect without verdict'): effect: an effect needs the verdict",
        "line 10 ('Not a web address'): source_url: 'javascript:alert(1)' is not a web address",
        "line 11 ('Imported before'): external_id 'lga-900' is already imported",
        "line 12: 2 cells but 13 columns",
        "line 13: title: required",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, "\n".join(lines))
    assert Pilot.objects.count() == 1


@pytest.mark.parametrize(("header", "problem"), [
    (["title", "colour"], "unknown column(s) 'colour'"),
    (["title", "title"], "column(s) title appear more than once"),
    (["summary"], "the first line must name the columns, including title"),
])
def test_bad_csv_headers_say_what_is_wrong(header, problem, tmp_path, home_council, moderator):
    path = write_csv(tmp_path / "bad.csv", [["x"] * len(header)], header=header)
    message, lines = fails("import", str(path), "--user", moderator.email)
    assert any(problem in line for line in [message, *lines]), (message, lines)


def test_an_unknown_column_is_named_with_every_row_problem_in_one_run(tmp_path, home_council, moderator):
    path = write_csv(tmp_path / "bad.csv", [["Fine", "HOM", "blue"], ["No council", "ZZZ", "red"]],
                     header=["title", "council_code", "colour"])
    _, lines = fails("import", str(path), "--user", moderator.email)
    assert lines[0].startswith("line 1: unknown column(s) 'colour'"), lines
    assert any(line.startswith("line 3 ('No council'): council_code: no council") for line in lines), lines
    assert Pilot.objects.count() == 0


def test_a_bad_json_line_is_named_with_the_other_lines_problems(tmp_path, home_council, moderator):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "Fine", "council_code": "HOM"}\n{"title": broken\n'
                    '{"title": "No council", "council_code": "ZZZ"}\n', encoding="utf-8")
    _, lines = fails("import", str(path), "--user", moderator.email)
    assert any(line.startswith("line 2: not valid JSON") for line in lines), lines
    assert any(line.startswith("line 3 ('No council'): council_code: no council") for line in lines), lines
    assert Pilot.objects.count() == 0


def test_results_cannot_be_due_before_the_end_date(tmp_path, home_council, officer):
    header = ["title", "end_date", "results_due_date"]
    path = write_csv(tmp_path / "plan.csv", [["Plan", "2026-06-30", "2026-05-01"]], header=header)
    _, lines = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert any("results_due_date: results are due on or after the end date" in line for line in lines), lines


def test_numbers_in_csv_cells_are_checked(tmp_path, home_council, officer):
    header = ["title", "planned_sample", "worthwhile_effect", "start_date"]
    path = write_csv(tmp_path / "plan.csv", [["Plan", "lots", "2.5", "2026-13-01"]], header=header)
    _, lines = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert any("planned_sample: 'lots' is not of type integer" in line for line in lines), lines
    assert any("start_date: '2026-13-01' is not a valid date" in line for line in lines), lines


def test_effects_that_are_not_finite_or_too_precise_are_named(tmp_path, home_council, officer):
    rows = [
        ["nan-1", "Not a number", "x", "HOM", "", "", "worked", "NaN", "-1", "1", "l", "", ""],
        ["inf-1", "Infinite end", "x", "HOM", "", "", "worked", "0.5", "-1", "inf", "l", "", ""],
        ["tiny-1", "Too precise", "x", "HOM", "", "", "worked", "0.000001", "0.0000001", "0.00001", "l", "", ""],
    ]
    _, lines = fails("import", str(write_csv(tmp_path / "bad.csv", rows)), "--user", officer.email)
    assert any(line.startswith("line 2 ('Not a number'): effect.estimate: nan is not a number") for line in lines)
    assert any(line.startswith("line 3 ('Infinite end'): effect.ci_high: inf is not a number") for line in lines)
    assert any(line.startswith("line 4 ('Too precise'): effect.estimate: 1e-06 has more than 4 decimal places")
               for line in lines), lines
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "NaN in JSON", "council_code": "HOM", "verdict": "worked", "lessons": "l", '
                    '"effect": {"estimate": NaN, "ci_low": 1, "ci_high": 2}}\n', encoding="utf-8")
    _, lines = fails("import", str(path), "--user", officer.email)
    assert lines[0].startswith("line 1 ('NaN in JSON'): effect.estimate: nan is not a number"), lines
    assert Pilot.objects.count() == 0


def test_binary_noise_in_an_effect_is_not_an_error(tmp_path, home_council, officer):
    row = ["noise-1", "Noisy float", "x", "HOM", "", "", "worked", "5.210000000000001", "0.009999999999999787",
           "7.2", "l", "", ""]
    run("import", str(write_csv(tmp_path / "ok.csv", [row])), "--user", officer.email)
    assert float(Pilot.objects.get(external_id="noise-1").result.estimate) == 5.21


def test_lessons_longer_than_the_publish_page_allows_are_named(tmp_path, home_council, officer):
    row = ["long-1", "Long lessons", "x", "HOM", "", "", "worked", "", "", "", "y" * 2001, "", ""]
    _, lines = fails("import", str(write_csv(tmp_path / "long.csv", [row])), "--user", officer.email)
    assert lines[0].startswith("line 2 ('Long lessons'): lessons: longer than 2000 characters"), lines


def test_a_huge_or_over_precise_large_number_is_named_with_the_rows_other_problems(tmp_path, home_council,
                                                                                  officer):
    huge = {"title": "Huge", "council_code": "HOM", "verdict": "worked", "lessons": "l", "effect": 10**400,
            "summary": "x"}
    precise = {"title": "Precise", "council_code": "HOM", "verdict": "worked", "lessons": "l",
               "effect": 1234567.12345, "summary": "x", "change": "y"}
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (huge, precise)) + "\n", encoding="utf-8")
    _, lines = fails("import", str(path), "--user", officer.email)
    assert any(line.startswith("line 1 ('Huge'): estimate:") for line in lines), lines
    assert "line 2 ('Precise'): give either summary or change, not both" in "\n".join(lines)
    assert "line 2 ('Precise'): effect: 1234567.12345 has more than 4 decimal places" in "\n".join(lines)


def test_where_a_name_withheld_case_study_came_from_is_withheld_with_the_name(tmp_path, client, home_council,
                                                                             other_officer, moderator):
    row = ["leeds-cs-7", "Withheld case study", "Texts before bin day.", "HOM", "waste", "nudge", "worked", "-3",
           "-4", "-2", "Start small.", "https://www.homeshire.gov.uk/case-study-7", "public_anonymous"]
    run("import", str(write_csv(tmp_path / "cases.csv", [row])), "--user", moderator.email)
    pilot = Pilot.objects.get(external_id="leeds-cs-7")
    for reader in (None, other_officer):
        if reader:
            client.force_login(reader)
        record = client.get(f"/api/pilots/{pilot.pk}/").json()
        assert record["council"] is None and record["external_id"] is None and record["source_url"] is None
        page = client.get(pilot.get_absolute_url()).content.decode()
        assert "homeshire.gov.uk" not in page and "leeds-cs-7" not in page
    (row,) = json.loads(run("search", "texts before bin day", "--json")[0])["results"]
    assert row["external_id"] is None and row["council"] is None
    client.force_login(moderator)
    assert client.get(f"/api/pilots/{pilot.pk}/").json()["source_url"].endswith("case-study-7")
    assert "leeds-cs-7" in client.get(pilot.get_absolute_url()).content.decode()


GOOD = {"title": "Text reminders", "council_code": "HOM"}
UNREADABLE = [
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "deep.json: nested more than 64 levels deep"),
    ("deep.jsonl", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "deep.jsonl: nested more than 64 levels deep"),
    ("deep-export.json", b'{"pilots": [' + b"[" * 65 + b"]" * 65 + b"]}", "nested more than 64 levels deep"),
    ("nul.json", json.dumps([{**GOOD, "title": "A\u0000B"}]).encode(),
     "nul.json: the text at .[0].title holds a NUL character (\\u0000), which Pilotbook cannot store"),
    ("nul.csv", b"title,council_code\nA\x00B,HOM\n", "nul.csv: not plain text: line 2 holds a NUL character"),
    ("huge.csv", b'title,council_code,problem\nA,HOM,"' + b"x" * 200_000 + b'"\n',
     "huge.csv: line 2 has a cell longer than 131,072 characters, the most a CSV cell may hold"),
    ("digits.jsonl", b'{"title": "T", "planned_sample": ' + b"9" * 5000 + b"}\n",
     "digits.jsonl: it holds a number too long to read"),
    ("surrogate.json", b'[{"title": "\\ud800", "council_code": "HOM"}]',
     "surrogate.json: the text at .[0].title holds an unpaired surrogate"),
    ("utf16.json", json.dumps([GOOD]).encode("utf-16"), "utf16.json: UTF-16 text, not UTF-8; save it as UTF-8"),
    ("latin1.csv", "title,council_code\ncafé,HOM\n".encode("latin-1"),
     "latin1.csv: not UTF-8 text (line 2 has the byte 0xE9"),
    ("binary.json", bytes(range(256)) * 4, "binary.json: not plain text: line 1 holds a NUL character"),
]


@pytest.mark.parametrize(("name", "content", "problem"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_a_file_that_cannot_be_read_is_one_line_naming_the_problem_and_nothing_is_written(
        name, content, problem, tmp_path, home_council, officer):
    path = tmp_path / name
    path.write_bytes(content)
    message, lines = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert problem in message and message.endswith("; nothing was imported."), message
    assert lines == [] and "\n" not in message
    assert Pilot.objects.count() == 0


def test_a_deep_or_nul_line_in_json_lines_is_named_with_the_other_lines_problems(tmp_path, home_council, officer):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(GOOD), "[" * 70 + "]" * 70, json.dumps({**GOOD, "title": "A\u0000"}),
                               json.dumps({"title": 5})]) + "\n", encoding="utf-8")
    _, lines = fails("import", str(path), "--user", officer.email)
    assert lines == ["line 2: nested more than 64 levels deep (lists or objects inside one another); no Pilotbook "
                     "format needs more than a few levels",
                     "line 3: the text at .title holds a NUL character (\\u0000), which Pilotbook cannot store",
                     "line 4: title: 5 is not of type string"]
    assert Pilot.objects.count() == 0


def test_a_huge_wrong_value_is_quoted_shortened_not_printed_whole(tmp_path, home_council, officer):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{**GOOD, "title": ["x"] * 100_000}]), encoding="utf-8")
    _, lines = fails("import", str(path), "--user", officer.email)
    assert lines == ["record 1: title: ['x', 'x', 'x', 'x', ...] is not of type string"]


def test_the_csv_columns_sample_size_and_method_are_stored_on_the_reported_result(tmp_path, home_council, officer):
    header = ["external_id", "title", "summary", "council_code", "verdict", "effect", "lessons", "sample_size",
              "method"]
    rows = [["n-1", "Counted", "Counted them.", "HOM", "worked", "2.5", "Start small.", "120", "Welch t-test"]]
    run("import", str(write_csv(tmp_path / "ok.csv", rows, header=header)), "--user", officer.email)
    result = Pilot.objects.get(external_id="n-1").result
    assert (result.sample_size, result.method) == (120, "Welch t-test")
    rows = [["n-2", "No verdict", "Counted them.", "HOM", "", "", "", "80", "Survey"]]
    _, lines = fails("import", str(write_csv(tmp_path / "bad.csv", rows, header=header)), "--user", officer.email)
    assert lines == ["line 2 ('No verdict'): sample_size: only a record with a verdict has a result to store it on "
                     "(add verdict)", "line 2 ('No verdict'): method: only a record with a verdict has a result to "
                     "store it on (add verdict)"]


def test_a_field_name_with_a_line_break_or_escape_code_is_quoted_so_each_problem_stays_one_line(
        tmp_path, home_council, officer):
    path = tmp_path / "names.json"
    path.write_text(json.dumps([{**GOOD, "a\nb": 1, "\x1b[2J": 2}]), encoding="utf-8")
    _, lines = fails("import", str(path), "--user", officer.email)
    assert lines == ["record 1 ('Text reminders'): 'a\\nb': not a field of a pilot record",
                     "record 1 ('Text reminders'): '\\x1b[2J': not a field of a pilot record"]
