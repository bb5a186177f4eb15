"""Case studies that fit real sources (docs/adr/0011): several councils or an organisation, "outcome not reported",
optional lessons, year, further sources and licence, a source's "stopped", and refreshing a collection by importing it
again; through import, pages, search facets, the API, exports and feeds."""

import csv
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from pilotbook.api.records import pilot_record
from pilotbook.api.schema import SCHEMA_VERSION, pilot_schema
from pilotbook.evidence.models import PooledGroup, PooledMembership, SearchIndexState, SearchTerm
from pilotbook.evidence.pooling import analyse_group, effect_of
from pilotbook.pilots.choices import MEASURED_VERDICTS, Verdict
from pilotbook.pilots.models import Pilot
from pilotbook.stats import verdicts as stats_verdicts
from tests.factories import CouncilFactory

from .helpers import published
from .test_import import fails, run, write_csv

ATOM = "{http://www.w3.org/2005/Atom}"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

# A record with exactly the keys of the curated starter collection (JSON Lines).
JOINT = {
    "external_id": "lga-2001", "title": "Shared debt advice line",
    "summary": "Three councils ran one debt advice line.",
    "council_codes": ["HOM", "OTH", "WLS"], "organisation": None, "country": "GB", "year": 2021,
    "service_area": "revenues_benefits", "intervention_type": "shared_service", "verdict": "worked", "stopped": False,
    "effect": "direct debit sign-ups up 61% on the standard letter", "design": "comparison_only",
    "sample": "705 care users", "source_url": "https://www.local.gov.uk/case-studies/debt-line",
    "further_sources": ["https://example.org/debt-line-evaluation", "https://example.org/debt-line-minutes"],
    "source_name": "Local Government Association", "licence": "Contains LGA text, Open Government Licence v3.0",
    "lessons": "Agree the shared script first.",
}
ABROAD = {
    "external_id": "mel-1", "title": "Kerbside glass bins", "summary": "A separate kerbside bin for glass.",
    "council_codes": [], "organisation": "City of Melbourne", "country": "AU", "year": 2019,
    "service_area": "waste", "intervention_type": "process_redesign", "verdict": "not_reported", "stopped": False,
    "effect": None, "design": None, "sample": None, "source_url": "https://example.org/melbourne-glass",
    "further_sources": [], "source_name": "City of Melbourne", "licence": None, "lessons": None,
}
CHARITY = {
    "external_id": "kbt-1", "title": "Litter bins that talk back", "summary": "Bins thanked people for using them.",
    "organisation": "Keep Britain Tidy", "country": "GB", "verdict": "no_worthwhile_effect", "stopped": True,
    "effect": "litter on the street unchanged", "source_url": "https://example.org/kbt-talking-bins",
}


@pytest.fixture
def welsh_council(db):
    return CouncilFactory(code="WLS", name="Walesby", nation="Wales", authority_type_name="Welsh unitary authority")


@pytest.fixture
def collection(tmp_path, home_council, other_council, welsh_council, moderator):
    path = tmp_path / "starter.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (JOINT, ABROAD, CHARITY)), encoding="utf-8")
    out, _ = run("import", str(path), "--user", moderator.email)
    return {"out": out, "path": path, "joint": Pilot.objects.get(external_id="lga-2001"),
            "abroad": Pilot.objects.get(external_id="mel-1"), "charity": Pilot.objects.get(external_id="kbt-1")}


def jsonl(tmp_path, *records, name="more.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


# Import --------------------------------------------------------------------------------------------------------

def test_every_key_of_the_starter_collection_is_stored(collection, home_council, other_council, welsh_council):
    assert "Imported 3 pilot(s): 0 draft(s), 3 published case studies" in collection["out"]
    joint = collection["joint"]
    assert joint.council == home_council and set(joint.joint_councils.all()) == {other_council, welsh_council}
    assert [c.code for c in joint.all_councils()] == ["HOM", "OTH", "WLS"]
    assert (joint.year, joint.country, joint.organisation, joint.design) == (2021, "GB", "", "comparison_only")
    assert joint.source_name == "Local Government Association"
    assert joint.further_sources == JOINT["further_sources"]
    assert joint.source_licence == "Contains LGA text, Open Government Licence v3.0"
    assert joint.visibility == "public" and joint.status == "published"  # a published source is a public record
    result = joint.result
    assert (result.verdict, result.source, result.sample, result.stopped_early) == ("worked", "reported",
                                                                                 "705 care users", False)
    assert result.summary == "direct debit sign-ups up 61% on the standard letter" and result.estimate is None
    abroad = collection["abroad"]
    assert abroad.council is None and abroad.organisation == "City of Melbourne" and abroad.country == "AU"
    assert abroad.result.verdict == "not_reported" and abroad.lessons == []
    assert collection["charity"].result.stopped_early is True


def test_importing_more_case_studies_asks_the_database_no_more_questions(tmp_path, home_council, other_council,
                                                                        welsh_council):
    """Naming who ran each case study to index it must not query per record (100,000 records in bench/search.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilotbook.api.importing import import_records, read_records

    def queries(n: int, start: int) -> int:
        records = [{**JOINT, "external_id": f"q-{start + i}", "council_codes": [["HOM"], ["OTH", "WLS"]][i % 2]}
                   for i in range(n)] + [{**ABROAD, "external_id": f"q-{start + i}-abroad"} for i in range(n)]
        path = jsonl(tmp_path, *records, name=f"q{start}.jsonl")
        with CaptureQueriesContext(connection) as captured:
            import_records(read_records(Path(path)))
        return len(captured)

    queries(1, 0)  # the first import also makes the search index's totals
    # 40 more records (20 of them with a council): only SQLite's insert batches may add a few queries.
    assert queries(25, 200) - queries(5, 100) < 10


def test_the_csv_columns_match_the_json_lines_keys(tmp_path, home_council, other_council, welsh_council, moderator):
    header = ["external_id", "title", "summary", "council_codes", "organisation", "country", "year", "verdict",
              "stopped", "effect", "sample", "source_url", "further_sources", "source_name", "licence", "design"]
    rows = [["csv-1", "Joint line", "Ran a line.", "hom; oth;WLS", "", "GB", "2020", "inconclusive", "yes",
             "Too few calls", "210 callers", "https://example.org/a", "https://example.org/b;https://example.org/c",
             "LGA", "OGL v3.0", "before_after_only"],
            ["csv-2", "Glass bins", "A bin for glass.", "", "City of Melbourne", "au", "", "not_reported", "",
             "", "", "", "", "", "", ""]]
    out, _ = run("import", str(write_csv(tmp_path / "c.csv", rows, header=header)), "--user", moderator.email)
    assert "2 published case studies" in out
    joint = Pilot.objects.get(external_id="csv-1")
    assert [c.code for c in joint.all_councils()] == ["HOM", "OTH", "WLS"] and joint.year == 2020
    assert joint.further_sources == ["https://example.org/b", "https://example.org/c"]
    assert (joint.result.stopped_early, joint.result.sample, joint.source_licence) == (True, "210 callers", "OGL v3.0")
    glass = Pilot.objects.get(external_id="csv-2")
    assert glass.council is None and glass.country == "AU" and glass.lessons == []


def test_the_examples_in_the_docs_import(db, moderator):
    call_command("load_councils", verbosity=0)
    out, _ = run("import", str(EXAMPLES / "case-studies.jsonl"), "--user", moderator.email)
    assert "Imported 3 pilot(s): 0 draft(s), 3 published case studies" in out
    out, _ = run("import", str(EXAMPLES / "case-studies.csv"), "--user", moderator.email)
    assert "Imported 5 pilot(s): 1 draft(s), 4 published case studies" in out
    assert Pilot.objects.get(external_id="example-3").joint_councils.count() == 2
    assert all(".invalid/" in p.source_url for p in Pilot.objects.exclude(source_url=""))


@pytest.mark.parametrize(("record", "problem"), [
    ({"title": "Nobody ran it", "summary": "x", "verdict": "worked"},
     "no council: add council_code, council_codes or the organisation that ran it"),
    ({"title": "Both", "summary": "x", "verdict": "worked", "council_code": "HOM", "council_codes": ["OTH"]},
     "give council_code or council_codes, not both"),
    ({"title": "Unknown", "summary": "x", "verdict": "worked", "council_codes": ["HOM", "ZZZ"]},
     "council_codes: no council with the code 'ZZZ'"),
    ({"title": "No summary", "verdict": "worked", "organisation": "Keep Britain Tidy"},
     "summary: a case study needs a summary of what was done"),
    ({"title": "Withheld", "summary": "x", "verdict": "worked", "organisation": "KBT",
      "visibility": "public_anonymous"},
     "visibility: public_anonymous withholds one council's name, and this case study has no council"),
    ({"title": "Withheld", "summary": "x", "verdict": "worked", "council_codes": ["HOM", "OTH"],
      "visibility": "public_anonymous"}, "visibility: public_anonymous withholds one council's name, and this case "
                                         "study has several"),
    ({"title": "Draft", "council_codes": ["HOM", "OTH"]}, "council_codes: a record without a verdict becomes a draft "
                                                          "pilot of one council"),
    ({"title": "Draft", "organisation": "KBT"}, "organisation: a record without a verdict becomes a draft pilot"),
    ({"title": "Draft", "council_code": "HOM", "stopped": True}, "stopped: only a record with a verdict has a result"),
    ({"title": "Bad country", "summary": "x", "verdict": "worked", "organisation": "X", "country": "UK"},
     "country: 'UK' is not an ISO 3166-1 alpha-2 country code"),
    ({"title": "Council abroad", "summary": "x", "verdict": "worked", "council_code": "HOM", "country": "FR"},
     "country: the councils named are in the UK (GB), not FR"),
    ({"title": "Numbers", "summary": "x", "verdict": "not_reported", "organisation": "X",
      "effect": {"estimate": 2, "ci_low": 1, "ci_high": 3}}, "effect: the verdict not_reported means the source "
                                                             "reports no measured outcome"),
    ({"title": "Reason", "summary": "x", "verdict": "not_reported", "organisation": "X",
      "failure_reason": "too_small"}, "failure_reason: the source reports no outcome"),
    ({"title": "Future", "summary": "x", "verdict": "worked", "organisation": "X", "year": 2999},
     "year: 2999 is not a year a case study can come from"),
    ({"title": "Bad link", "summary": "x", "verdict": "worked", "organisation": "X",
      "further_sources": ["https://example.org/ok", "javascript:alert(1)"]},
     "further_sources: source 2, 'javascript:alert(1)', is not a web address"),
    ({"title": "Not a list", "summary": "x", "verdict": "worked", "organisation": "X", "council_codes": "HOM"},
     "council_codes: 'HOM' is not of type array or null"),
    ({"title": "Too many", "summary": "x", "verdict": "worked", "organisation": "X",
      "further_sources": [f"https://example.org/{n}" for n in range(21)]}, "further_sources: more than 20 items"),
    ({"title": "Not an address", "summary": "x", "verdict": "worked", "organisation": "X", "further_sources": [3]},
     "further_sources[0]: 3 is not of type string"),
])
def test_a_case_study_that_does_not_fit_is_named_with_what_to_do(record, problem, tmp_path, home_council,
                                                                 other_council, moderator):
    message, lines = fails("import", jsonl(tmp_path, record), "--user", moderator.email)
    assert "nothing was imported" in message
    assert any(problem in line for line in lines), lines
    assert not Pilot.objects.exists()


def test_only_a_moderator_imports_a_case_study_no_council_ran(tmp_path, home_council, officer):
    _, lines = fails("import", jsonl(tmp_path, CHARITY), "--user", officer.email)
    assert lines == ["line 1 ('Litter bins that talk back'): officer@home.example may not import a case study that "
                     "no council ran; only a moderator imports those"]


def test_a_member_imports_a_joint_case_study_only_as_a_member_of_each_council(tmp_path, home_council, other_council,
                                                                              officer):
    record = {**JOINT, "council_codes": ["HOM", "OTH"]}
    _, lines = fails("import", jsonl(tmp_path, record), "--user", officer.email)
    assert lines == ["line 1 ('Shared debt advice line'): officer@home.example is not a member of Otherborough; only "
                     "a moderator imports for other councils"]


# Importing again -----------------------------------------------------------------------------------------------

def test_importing_a_collection_again_updates_each_case_study_in_place(tmp_path, collection, client, moderator):
    joint = collection["joint"]
    before_url = joint.get_absolute_url()
    changed = {**JOINT, "title": "Shared debt advice phone line", "verdict": "inconclusive", "stopped": True,
               "summary": "Three councils ran one debt advice line staffed by volunteers.",
               "council_codes": ["OTH", "HOM"], "lessons": None}
    out, _ = run("import", jsonl(tmp_path, changed, ABROAD, CHARITY), "--user", moderator.email)
    assert "Imported 0 pilot(s)" in out
    assert "Updated 1 case study imported before (the same external_id); 2 unchanged." in out
    assert f"Updated ids: {joint.pk}." in out
    joint.refresh_from_db()
    assert joint.get_absolute_url() == before_url and Pilot.objects.count() == 3
    assert joint.title == "Shared debt advice phone line" and joint.lessons == []
    assert [c.code for c in joint.all_councils()] == ["OTH", "HOM"]  # Otherborough is now its council
    assert (joint.result.verdict, joint.result.stopped_early) == ("inconclusive", True)
    # The search index follows, exactly as a rebuild from scratch would have it.
    hits = json.loads(run("search", "volunteers", "--json")[0])["results"]
    assert [hit["id"] for hit in hits] == [joint.pk]
    counts = dict(SearchTerm.objects.values_list("term", "doc_count"))
    state = SearchIndexState.objects.get()
    totals = (state.doc_count, state.len_title, state.len_change, state.len_council)
    call_command("evidence_reindex", stdout=io.StringIO())
    rebuilt = SearchIndexState.objects.get()
    assert (rebuilt.doc_count, rebuilt.len_title, rebuilt.len_change, rebuilt.len_council) == totals
    assert {t: n for t, n in SearchTerm.objects.values_list("term", "doc_count") if n} == {
        t: n for t, n in counts.items() if n}
    # Walesby no longer ran it: its page no longer lists it.
    assert "Shared debt advice" not in client.get(reverse("council-detail", args=["WLS"])).content.decode()
    # A third run with the same file changes nothing.
    out, _ = run("import", jsonl(tmp_path, changed, ABROAD, CHARITY), "--user", moderator.email)
    assert "Updated 0 case studies imported before (the same external_id); 3 unchanged." in out


def test_an_update_is_all_or_nothing_with_the_rest_of_the_file(tmp_path, collection, moderator):
    changed = {**JOINT, "title": "Renamed"}
    bad = {"title": "No one ran it", "summary": "x", "verdict": "worked"}
    fails("import", jsonl(tmp_path, changed, bad), "--user", moderator.email)
    assert Pilot.objects.get(external_id="lga-2001").title == "Shared debt advice line"


def test_only_the_councils_members_or_a_moderator_update_a_case_study(tmp_path, collection, officer, other_officer):
    two = {**JOINT, "council_codes": ["HOM"], "title": "Taken over"}
    _, lines = fails("import", jsonl(tmp_path, two), "--user", officer.email)
    assert "line 1 ('Taken over'): officer@home.example is not a member of Otherborough; only a moderator imports " \
           "for other councils" in lines
    # Naming their own council does not let a member take over an organisation's case study.
    _, lines = fails("import", jsonl(tmp_path, {**CHARITY, "council_code": "OTH"}), "--user", other_officer.email)
    assert lines == [f"line 1 ('Litter bins that talk back'): officer@other.example may not update pilot "
                     f"{collection['charity'].pk}, a case study that no council ran; only a moderator imports those"]


def test_a_pilot_that_is_not_an_imported_case_study_is_never_updated_by_import(tmp_path, home_council, officer,
                                                                               moderator):
    own = published(home_council, officer, external_id="own-1")
    _, lines = fails("import", jsonl(tmp_path, {**CHARITY, "external_id": "own-1"}), "--user", moderator.email)
    assert lines == [f"line 1 ('Litter bins that talk back'): external_id 'own-1' is already imported (pilot {own.pk}) "
                     "and is not a published case study, so importing it again cannot update it: only case studies "
                     "published with the verdict their source reported are updated that way"]


def test_a_record_without_a_verdict_cannot_replace_a_case_study(tmp_path, collection, moderator):
    _, lines = fails("import", jsonl(tmp_path, {"external_id": "lga-2001", "title": "Draft", "council_code": "HOM"}),
                     "--user", moderator.email)
    assert lines == [f"line 1 ('Draft'): external_id 'lga-2001' is a published case study (pilot "
                     f"{collection['joint'].pk}); a record without a verdict cannot update it: add the verdict its "
                     "source reported"]


# Pages ---------------------------------------------------------------------------------------------------------

def test_a_joint_case_study_page_names_every_council_and_its_source(client, collection):
    page = client.get(collection["joint"].get_absolute_url()).content.decode()
    assert "Homeshire, Otherborough and Walesby" in page
    assert 'href="/councils/WLS/"' in page and "About this case study" in page
    assert "2021" in page and "Local Government Association" in page and "705 care users" in page
    assert 'href="https://example.org/debt-line-minutes"' in page
    assert "Contains LGA text, Open Government Licence v3.0" in page
    report = client.get(reverse("pilot-report", args=[collection["joint"].pk])).content.decode()
    assert "Homeshire, Otherborough and Walesby" in report and "Contains LGA text" in report


def test_an_organisations_case_study_without_an_outcome_says_so(client, collection):
    page = client.get(collection["abroad"].get_absolute_url()).content.decode()
    assert "City of Melbourne (Australia)" in page
    assert "Outcome not reported by the source" in page and "Verdict reported by its source" not in page
    assert "Lessons not recorded by the source." in page
    assert page.count("Not recorded by the source") == 1  # the licence; its year, country and source are known
    charity = client.get(collection["charity"].get_absolute_url()).content.decode()
    assert "Keep Britain Tidy (United Kingdom)" in charity and "Stopped early" in charity
    assert charity.count("Not recorded by the source") == 2  # the year and the licence


def test_a_joint_case_study_is_on_each_councils_page_and_list_count(client, collection, welsh_council):
    for code in ("HOM", "OTH", "WLS"):
        page = client.get(reverse("council-detail", args=[code])).content.decode()
        assert "Shared debt advice line" in page and "(with " in page
    councils = client.get(reverse("council-list"), {"q": "Walesby"}).content.decode()
    assert re.search(r'<td [^>]*class="govuk-table__cell govuk-table__cell--numeric">1</td>', councils)


def test_browse_finds_a_joint_case_study_under_each_council_and_nation(client, collection):
    for params in ({"council": "WLS"}, {"council": "OTH"}, {"nation": "Wales"}):
        page = client.get(reverse("pilot-list"), params).content.decode()
        assert "Shared debt advice line" in page, params
    page = client.get(reverse("pilot-list")).content.decode()
    assert "City of Melbourne (Australia)" in page and "Keep Britain Tidy (United Kingdom)" in page


def test_the_evidence_facets_count_joint_case_studies_under_each_council_and_no_outcome_apart(client, collection):
    response = client.get(reverse("evidence-search"))
    page = response.content.decode()
    assert "Shared debt advice line" in page and "City of Melbourne (Australia)" in page
    facets = {f["name"] + ":" + str(f["label"]): {o["label"]: o["count"] for o in f["options"]}
              for f in response.context["facets"]}
    assert facets["nation:Nation"] == {"England": 1, "Wales": 1}  # two English councils count once under England
    assert facets["council_type:Council type"]["Welsh unitary authority"] == 1
    assert facets["verdict:Verdict"] == {"No worthwhile effect": 1, "Worked": 1}
    assert facets["verdict:Outcome not reported"] == {"Not reported by the source": 1}
    assert facets["organisation:Organisation"] == {"City of Melbourne": 1, "Keep Britain Tidy": 1}
    assert facets["country:Country"] == {"Australia": 1, "United Kingdom": 2}
    for params, title in (({"nation": "Wales"}, "Shared debt advice line"),
                          ({"council_type": "Welsh unitary authority"}, "Shared debt advice line"),
                          ({"verdict": "not_reported"}, "Kerbside glass bins"),
                          ({"organisation": "Keep Britain Tidy"}, "Litter bins that talk back"),
                          ({"country": "AU"}, "Kerbside glass bins")):
        response = client.get(reverse("evidence-search"), params)
        assert [row["pilot"].title for row in response.context["page"]] == [title], params
    assert client.get(reverse("evidence-search"), {"country": "ZZ"}).context["form"].errors


def test_search_finds_a_case_study_by_its_organisation_or_country(collection):
    hits = json.loads(run("search", "Melbourne", "--json")[0])["results"]
    assert [(hit["title"], hit["council"]) for hit in hits] == [("Kerbside glass bins",
                                                                 "City of Melbourne (Australia)")]
    assert json.loads(run("search", "Australia", "--json")[0])["results"][0]["external_id"] == "mel-1"


def test_what_didnt_work_lists_a_case_study_its_source_says_was_stopped(client, collection):
    page = client.get(reverse("failure-register")).content.decode()
    assert "Litter bins that talk back" in page and "Stopped early, as its source reported" in page
    assert "Kerbside glass bins" not in page and "Shared debt advice line" not in page


def test_the_home_page_names_the_organisation_and_counts_councils_not_organisations(client, collection):
    page = client.get(reverse("home")).content.decode()
    assert "Keep Britain Tidy (United Kingdom)" in page and "Outcome not reported by the source" in page
    assert "3 pilots you can see, from 3 councils." in page


def test_case_studies_are_never_overdue_nor_counted_in_reporting_rates(client, collection, moderator):
    client.force_login(moderator)
    overdue = client.get("/api/overdue/").json()
    assert overdue["results"] == [] and overdue["reporting_rates"] == []


# Open data -----------------------------------------------------------------------------------------------------

def test_records_carry_every_new_field_and_match_schema_1_3(client, collection):
    assert SCHEMA_VERSION == "1.3" and "schema version 1.3" in client.get("/schema/pilot.json").json()["description"]
    validator = jsonschema.Draft202012Validator(pilot_schema(), format_checker=jsonschema.FormatChecker())
    records = {r["external_id"]: r for r in client.get("/api/pilots/").json()["results"]}
    for record in records.values():
        assert not [e.message for e in validator.iter_errors(record)]
    joint, abroad, charity = records["lga-2001"], records["mel-1"], records["kbt-1"]
    assert [c["code"] for c in joint["councils"]] == ["HOM", "OTH", "WLS"] and joint["council"]["code"] == "HOM"
    assert (joint["year"], joint["source_name"], joint["licence"]) == (2021, "Local Government Association",
                                                                       JOINT["licence"])
    assert joint["further_sources"] == JOINT["further_sources"] and joint["result"]["sample"] == "705 care users"
    assert abroad["council"] is None and abroad["councils"] == [] and not abroad["council_withheld"]
    assert (abroad["organisation"], abroad["country"]) == ("City of Melbourne", "AU")
    assert abroad["result"]["verdict"] == "not_reported" and abroad["lessons"] == dict.fromkeys(
        ("aim", "happened", "why", "differently"), "")
    assert charity["result"]["stopped"] is True
    assert client.get(f"/api/pilots/{collection['abroad'].pk}/").json() == abroad
    openapi = client.get("/api/openapi.json").json()
    assert "organisation" in openapi["components"]["schemas"]["Pilot"]["properties"]


def test_the_api_filters_and_counts_find_a_joint_case_study_under_each_council(client, collection):
    titles = {r["title"] for r in client.get("/api/pilots/", {"council": "WLS"}).json()["results"]}
    assert titles == {"Shared debt advice line"}
    assert client.get("/api/councils/WLS/").json()["pilots"] == 1
    assert client.get("/api/councils/HOM/").json()["pilots"] == 1


def test_an_exported_file_of_case_studies_imports_again_as_the_same_case_studies(tmp_path, client, collection,
                                                                                  moderator):
    exported = tmp_path / "export.json"
    exported.write_bytes(client.get("/export/pilots.json").content)
    out, _ = run("import", str(exported), "--user", moderator.email)
    assert "Updated 0 case studies imported before (the same external_id); 3 unchanged." in out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_exports_show_the_organisation_where_no_council_ran_it(fmt, client, collection):
    response = client.get(f"/export/evidence.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]  # the licence is beside the file (ADR 0015)
    elif fmt == "xlsx":
        sheet = list(openpyxl.load_workbook(io.BytesIO(response.content))["Pilots"].iter_rows(values_only=True))
        header, body = list(sheet[0]), [["" if v is None else str(v) for v in row] for row in sheet[1:]]
    else:
        import zipfile

        content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
        for value in ("City of Melbourne", "AU", "HOM; OTH; WLS", "not_reported", "705 care users",
                      "https://example.org/debt-line-evaluation; https://example.org/debt-line-minutes"):
            assert value in content, value
        return
    rows = {row[header.index("external_id")]: dict(zip(header, row, strict=True)) for row in body}
    assert rows["mel-1"]["council_name"] == "" and rows["mel-1"]["organisation"] == "City of Melbourne"
    assert (rows["mel-1"]["country"], rows["mel-1"]["verdict"]) == ("AU", "not_reported")
    assert rows["lga-2001"]["council_codes"] == "HOM; OTH; WLS" and rows["lga-2001"]["year"] == "2021"
    assert rows["lga-2001"]["licence"] == JOINT["licence"] and rows["kbt-1"]["stopped"] == "True"


def test_feeds_name_the_organisation_and_a_council_feed_lists_its_joint_case_studies(client, collection):
    def entries(url):
        feed = ElementTree.fromstring(client.get(url).content)  # noqa: S314 - our own output
        return {e.findtext(f"{ATOM}title"): (e.findtext(f"{ATOM}author/{ATOM}name"), e.findtext(f"{ATOM}summary"))
                for e in feed.iter(f"{ATOM}entry")}

    everything = entries("/feeds/results/")
    author, summary = everything["Kerbside glass bins: Outcome not reported by the source"]
    assert author == "City of Melbourne (Australia)" and "Outcome not reported by the source." in summary
    assert "Lessons not recorded by the source." in summary
    author, summary = everything["Shared debt advice line: Worked"]
    assert author == "Homeshire, Otherborough and Walesby" and "Licence or attribution: Contains LGA text" in summary
    assert "Homeshire, Otherborough and Walesby. 2021." in summary
    assert "Source: Local Government Association https://www.local.gov.uk/case-studies/debt-line " \
           "https://example.org/debt-line-evaluation https://example.org/debt-line-minutes." in summary
    assert "Stopped early, as its source reported." in everything["Litter bins that talk back: No worthwhile effect"][1]
    assert list(entries("/feeds/results/council/WLS/")) == ["Shared debt advice line: Worked"]


def test_a_case_study_withheld_by_its_council_withholds_where_it_came_from(tmp_path, client, home_council, officer):
    record = {**JOINT, "council_codes": ["HOM"], "visibility": "public_anonymous", "external_id": "hidden-1"}
    run("import", jsonl(tmp_path, record), "--user", officer.email)
    pilot = Pilot.objects.get(external_id="hidden-1")
    public = pilot_record(pilot, AnonymousUser())
    assert public["councils"] == [] and public["further_sources"] == []
    assert public["source_name"] is None and public["licence"] is None and public["source_url"] is None
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "Local Government Association" not in page and "debt-line-minutes" not in page
    assert "Withheld with the council's name" in page


# Verdicts, ratings and pooling -------------------------------------------------------------------------------

def test_pilotbooks_own_analyses_can_never_give_outcome_not_reported():
    assert {v.value for v in stats_verdicts.Verdict} == {v.value for v in MEASURED_VERDICTS}
    assert Verdict.NOT_REPORTED not in MEASURED_VERDICTS


def test_the_result_forms_never_offer_outcome_not_reported(client, home_council, officer):
    from pilotbook.pilots.forms import ResultForm  # the verdict is judged from the interval, never chosen
    from tests.factories import make_pilot

    running = make_pilot(home_council, officer, status="running")
    recorded = make_pilot(home_council, officer, status="results_recorded", title="Recorded")
    assert "verdict" not in ResultForm(pilot=running).fields
    client.force_login(officer)
    for name, pilot in (("measure", running), ("measure-summary", running), ("pilot-result", running),
                        ("pilot-publish", recorded)):
        page = client.get(reverse(name, args=[pilot.pk]))
        assert page.status_code == 200, name
        assert "not_reported" not in page.content.decode() and "Outcome not reported" not in page.content.decode()


def test_an_outcome_not_reported_is_never_pooled_or_rated(collection, moderator):
    abroad = collection["abroad"]
    assert effect_of(abroad, "GENERIC") == "Its source reported no measured outcome, so it has no effect to pool."
    group = PooledGroup.objects.create(title="Glass", slug="glass", outcome="Glass collected")
    PooledMembership.objects.create(group=group, pilot=abroad)
    analysis = analyse_group(group, moderator)
    assert analysis.members[0].rating is None and analysis.members[0].reason and analysis.councils == 0
    from pilotbook.evidence.forms import AddPilotForm

    offered = dict(AddPilotForm(group=PooledGroup.objects.create(title="Any", slug="any", outcome="x"))
                   .fields["pilot"].choices)
    assert collection["charity"].pk in offered and abroad.pk not in offered
    assert offered[collection["joint"].pk] == "Shared debt advice line (Homeshire, Otherborough and Walesby)"


# The admin ----------------------------------------------------------------------------------------------------

def test_moderators_correct_case_studies_in_the_admin_but_cannot_withhold_several_councils_names(rf, client,
                                                                                               collection, moderator):
    from django.contrib import admin
    from django.forms.models import model_to_dict

    client.force_login(moderator)
    for key, shown in (("joint", "Local Government Association"), ("abroad", "City of Melbourne")):
        page = client.get(reverse("admin:pilots_pilot_change", args=[collection[key].pk]))
        assert page.status_code == 200 and shown in page.content.decode()
    model_admin = admin.site._registry[Pilot]
    request = rf.get("/")
    request.user = moderator
    joint = collection["joint"]
    form_class = model_admin.get_form(request, joint)
    data = {name: value for name, value in model_to_dict(joint).items() if name in form_class.base_fields}
    data["joint_councils"] = [council.pk for council in data["joint_councils"]]
    data["further_sources"] = json.dumps(data["further_sources"])
    data = {name: "" if value is None else value for name, value in data.items()}
    assert form_class(data, instance=joint).is_valid()
    form = form_class({**data, "visibility": "public_anonymous"}, instance=joint)
    assert not form.is_valid() and "Only one council's name can be withheld" in form.errors["visibility"][0]
    form = form_class({**data, "joint_councils": ["HOM", "OTH"]}, instance=joint)
    assert not form.is_valid() and "Homeshire is this pilot's council already" in form.errors["joint_councils"][0]
    abroad = collection["abroad"]
    data = {name: value for name, value in model_to_dict(abroad).items() if name in form_class.base_fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(joint_councils=[], further_sources="[]", visibility="public_anonymous")
    form = model_admin.get_form(request, abroad)(data, instance=abroad)
    assert not form.is_valid() and "Only a council's name can be withheld" in form.errors["__all__"][0]


def test_every_page_that_shows_pilots_copes_with_no_council_and_several(persona_client, collection):
    """Pages that read a pilot's council: none for an organisation's case study, three for the joint one."""
    group = PooledGroup.objects.create(title="Mixed", slug="mixed", outcome="Anything", measure="GENERIC")
    for pilot in (collection["joint"], collection["abroad"], collection["charity"]):
        PooledMembership.objects.create(group=group, pilot=pilot)
    each_pilot = [reverse(name, args=[collection[key].pk]) for key in ("joint", "abroad", "charity")
                  for name in ("pilot-detail", "pilot-plan-json", "pilot-report", "api-pilot", "overdue-entry")]
    pages = [*each_pilot, "/", "/pilots/", "/pilots/?council=WLS", "/councils/", "/councils/WLS/", "/evidence/",
             "/evidence/?q=bins", "/evidence/before-you-start/?idea=glass+bins+at+the+kerbside",
             "/evidence/what-didnt-work/", "/feeds/results/", "/feeds/results/council/OTH/",
             "/feeds/results/service-area/waste/", "/export/pilots.json", "/export/evidence.csv", "/api/pilots/",
             "/api/councils/", "/api/overdue/", "/api/pooled-groups/mixed/", "/evidence/pooled/mixed/",
             "/overdue/", "/materials/", "/hack-days/impact/",
             reverse("partner-unlikely", args=["HOM"]) + "?goal=spot+isolated+older+people"]
    for persona in ("anonymous", "officer", "other_officer", "moderator"):
        client = persona_client(persona)
        for url in pages + (["/evidence/pooled/mixed/pilots/"] if persona == "moderator" else []):
            response = client.get(url)
            assert response.status_code in (200, 302), (persona, url, response.status_code)
