"""`pilotbook import`, `pilotbook search` and `pilotbook similar`."""

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from pilotbook.api.records import pilot_record
from pilotbook.pilots.models import Pilot

from .helpers import every_kind, import_problems, published


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 2
    return str(info.value), "\n".join(import_problems(err.getvalue()))


CASE_STUDY = {
    "title": "Shorter council tax reminder",
    "problem": "Many residents pay late.",
    "change": "A one-page reminder with the amount due at the top.",
    "service_area": "revenues_benefits",
    "intervention_type": "letter_message",
    "design": "randomised_individual",
    "outcome": {"name": "Paid within 14 days", "unit": "percentage points", "kind": "binary",
                "better_direction": "higher", "worthwhile_effect": 2},
    "planned_sample": 3000,
    "start_date": "2026-01-05",
    "end_date": "2026-03-31",
}


def test_import_makes_drafts_for_the_council(tmp_path, home_council, officer):
    path = tmp_path / "pilots.json"
    path.write_text(json.dumps([CASE_STUDY, {"title": "Only an idea so far"}]))
    out, _ = run("import", str(path), "--council", "hom", "--user", officer.email)
    assert "Imported 2 pilot(s)" in out
    pilot = Pilot.objects.get(title="Shorter council tax reminder")
    assert pilot.status == "draft" and pilot.council == home_council and pilot.created_by == officer
    assert pilot.outcome_kind == "binary" and pilot.worthwhile_effect == 2 and pilot.planned_sample == 3000
    assert pilot.results_due_date is not None  # the default rule: 12 weeks after the end


def test_an_exported_file_imports_again(tmp_path, client, home_council, other_council, officer, moderator):
    published(home_council, officer, title="Clearer arrears letter")
    path = tmp_path / "export.json"
    path.write_bytes(client.get("/export/pilots.json").content)
    Pilot.objects.all().delete()
    out, _ = run("import", str(path), "--user", moderator.email)
    assert "1 published case study" in out and "registered_at" in out  # says what history was not imported
    copy = Pilot.objects.get()
    assert copy.council == home_council and copy.status == "published" and copy.lessons_aim
    assert copy.result.source == "reported" and copy.result.verdict == "worked" and copy.result.has_interval


def test_json_lines_work_too(tmp_path, home_council, officer):
    path = tmp_path / "pilots.jsonl"
    path.write_text(json.dumps(CASE_STUDY) + "\n\n" + json.dumps({"title": "Second"}) + "\n")
    run("import", str(path), "--council", "HOM", "--user", officer.email)
    assert Pilot.objects.count() == 2


def test_one_bad_record_means_nothing_is_imported(tmp_path, home_council, officer):
    bad = {**CASE_STUDY, "title": "Broken", "service_area": "bins", "start_date": "31/01/2026"}
    path = tmp_path / "pilots.json"
    path.write_text(json.dumps([CASE_STUDY, bad, {"problem": "no title"}]))
    message, err = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert "nothing was imported" in message
    lines = err.strip().splitlines()
    assert any(line.startswith("record 2 ('Broken'): service_area: 'bins' is not one of") for line in lines)
    assert any(line.startswith("record 2 ('Broken'): start_date:") for line in lines)
    assert "record 3: title: required" in lines
    assert Pilot.objects.count() == 0


def test_model_rules_are_checked_too_and_roll_back(tmp_path, home_council, officer):
    path = tmp_path / "pilots.json"
    path.write_text(json.dumps([CASE_STUDY, {"title": "Far too long a unit", "outcome": {
        "name": "x", "unit": "u" * 60, "kind": None, "better_direction": None, "worthwhile_effect": 1e20}}]))
    _, err = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert "record 2 ('Far too long a unit'): worthwhile_effect:" in err
    assert Pilot.objects.count() == 0


@pytest.mark.parametrize(("content", "expected"), [
    ("", "the file is empty"), ("[{]", "not valid JSON"), ("{\"title\": 1}\nnot json", "line 2: not valid JSON"),
    ("[]", "no records"), ("[\"a title\"]", "record 1: (record): 'a title' is not of type object"),
])
def test_bad_files_say_what_is_wrong(content, expected, tmp_path, home_council, officer):
    path = tmp_path / "pilots.json"
    path.write_text(content)
    message, err = fails("import", str(path), "--council", "HOM", "--user", officer.email)
    assert expected in message + err


def test_import_needs_a_member_of_a_real_council(tmp_path, home_council, officer, other_officer):
    path = tmp_path / "pilots.json"
    path.write_text(json.dumps([CASE_STUDY]))
    assert "No council" in fails("import", str(path), "--council", "ZZZ", "--user", officer.email)[0]
    assert "No person" in fails("import", str(path), "--council", "HOM", "--user", "nobody@x.example")[0]
    assert "record 1 ('Shorter council tax reminder'): no council" in fails("import", str(path))[1]
    assert "officer@other.example is not a member of Homeshire" in fails(
        "import", str(path), "--council", "HOM", "--user", other_officer.email)[1]
    assert "no such file" in fails("import", str(tmp_path / "missing.json"), "--council", "HOM",
                                   "--user", officer.email)[0]


def test_search_lists_public_published_pilots_only(home_council, officer, settings):
    settings.PILOTBOOK_SITE_URL = "https://pilotbook.example.org"
    kinds = every_kind(home_council, officer)
    out, _ = run("search", "arrears letter", "--json")
    data = json.loads(out)
    assert {r["id"] for r in data["results"]} == {kinds["public"].pk, kinds["anonymous"].pk}
    assert set(data["results"][0]) == {"external_id", "id", "url", "title", "council_code", "council", "verdict",
                                       "score"}
    withheld = next(r for r in data["results"] if r["id"] == kinds["anonymous"].pk)
    assert withheld["council"] is None and withheld["council_code"] is None and withheld["verdict"] == "worked"
    public = next(r for r in data["results"] if r["id"] == kinds["public"].pk)
    assert public["council_code"] == "HOM" and public["council"] == "Homeshire"
    assert public["url"] == f"https://pilotbook.example.org/pilots/{kinds['public'].pk}/"
    out, _ = run("search", "arrears letter", "--limit", "1")
    assert out.count("\n") == 1 and "score" in out
    assert "No published public pilots match" in run("search", "zebra crossings")[0]
    assert "Give some words" in fails("search", "  ")[0]


def test_search_as_a_person_shows_what_they_may_see(home_council, officer, other_officer):
    kinds = every_kind(home_council, officer)
    own = json.loads(run("search", "arrears letter", "--json", "--user", officer.email)[0])
    assert {r["id"] for r in own["results"]} == {kinds[k].pk for k in ("public", "anonymous", "councils")}
    assert {r["council"] for r in own["results"]} == {"Homeshire"}  # their own council's withheld name too
    other = json.loads(run("search", "arrears letter", "--json", "--user", other_officer.email.upper())[0])
    assert {r["id"] for r in other["results"]} == {kinds[k].pk for k in ("public", "anonymous", "councils")}
    withheld = next(r for r in other["results"] if r["id"] == kinds["anonymous"].pk)
    assert withheld["council"] is None  # another council does not learn a withheld name
    assert "No published pilots you may see match" in run("search", "zebra", "--user", officer.email)[0]
    assert "No active person with the email 'nobody@x.example'" in fails("search", "bin", "--user",
                                                                          "nobody@x.example")[0]


def test_similar_as_a_person_leaves_out_their_own_council(home_council, officer, other_council, other_officer):
    every_kind(home_council, officer)  # other published pilots, so bin words are rare enough to be telling
    idea = "text residents the night before bin collection day"
    plan = {"service_area": "waste", "problem": "Residents miss bin collection day and bins are not put out.",
            "change": "Send a text message reminder the evening before bin collection day.",
            "title": "Text reminders before bin collection day", "visibility": "councils"}
    mine = published(home_council, officer, **plan)
    theirs = published(other_council, other_officer, **plan)
    assert json.loads(run("similar", idea, "--json")[0])["results"] == []  # councils only: not public
    found = json.loads(run("similar", idea, "--json", "--user", officer.email)[0])["results"]
    assert [r["id"] for r in found] == [theirs.pk]
    found = json.loads(run("similar", idea, "--json", "--user", other_officer.email)[0])["results"]
    assert [r["id"] for r in found] == [mine.pk]
    officer.memberships.create(council=other_council)  # in two councils: neither is left out
    found = json.loads(run("similar", idea, "--json", "--user", officer.email)[0])["results"]
    assert {r["id"] for r in found} == {mine.pk, theirs.pk}


def test_similar_lists_the_closest_pilots_with_how_close_they_are(home_council, officer, other_council,
                                                                  other_officer, settings):
    settings.PILOTBOOK_SITE_URL = "https://pilotbook.example.org"
    every_kind(home_council, officer)
    pilot = published(other_council, other_officer, title="Text reminders before bin collection day",
                      service_area="waste", problem="Residents miss bin collection day and bins are not put out.",
                      change="Send a text message reminder the evening before bin collection day.")
    data = json.loads(run("similar", "text residents the night before bin collection day", "--json")[0])
    assert [r["id"] for r in data["results"]] == [pilot.pk]
    row = data["results"][0]
    assert row["closeness"] == "the same idea" and row["closeness_label"] == "same" and row["closeness_score"] > 0
    assert row["effect_interval"]["estimate"] == -20 and row["effect"].startswith("The change probably reduced")
    assert row["council_code"] == "OTH" and row["url"] == f"https://pilotbook.example.org/pilots/{pilot.pk}/"
    assert "Nothing published comes close to this idea" in run("similar", "zebra crossings near schools")[0]
    readable = run("similar", "text residents the night before bin collection day")[0]
    assert readable.startswith("1. the same idea (closeness ") and "Otherborough" in readable


def test_record_round_trip_keeps_the_plan(home_council, officer):
    pilot = published(home_council, officer)
    record = pilot_record(pilot, AnonymousUser())
    from pilotbook.api.importing import _plan_fields
    fields = _plan_fields(record)
    for name in ("title", "problem", "change", "service_area", "design", "outcome_kind", "better_direction",
                 "worthwhile_effect", "planned_sample", "start_date", "end_date", "visibility"):
        assert fields[name] == getattr(pilot, name), name
