"""The starter evidence base (pilotbook/evidence/data/starter/): every record's shape, the README's figures, and
`pilotbook load_evidence` loading it once and then changing nothing."""

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from pilotbook.api.management.commands.load_evidence import STARTER
from pilotbook.pilots.choices import InterventionType, ServiceArea, Status, Verdict
from pilotbook.pilots.models import Pilot

ROOT = Path(__file__).resolve().parents[2]
COUNCILS = ROOT / "pilotbook" / "councils" / "data"
README = (STARTER.parent / "README.md").read_text(encoding="utf-8")
RECORDS = [json.loads(line) for line in STARTER.read_text(encoding="utf-8").splitlines() if line.strip()]
VERDICTS = {*Verdict.values, "not_reported"}


@pytest.fixture
def load_councils(db):
    call_command("load_councils", stdout=io.StringIO())


def council_codes() -> set[str]:
    path = COUNCILS / "uk_local_authorities.csv"
    return {row["local-authority-code"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))}


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


@pytest.mark.parametrize("record", RECORDS, ids=[r["external_id"] for r in RECORDS])
def test_every_record_has_a_source_an_owner_a_service_area_and_a_summary_of_40_words(record):
    address = urlsplit(record["source_url"])
    assert address.scheme in {"http", "https"} and address.netloc, record["source_url"]
    assert all(urlsplit(url).scheme in {"http", "https"} for url in record["further_sources"])
    assert record["council_codes"] or (record["organisation"] or "").strip()
    assert record["service_area"] in ServiceArea.values
    assert record["intervention_type"] in InterventionType.values
    assert record["verdict"] in VERDICTS
    assert words(record["summary"]) >= 40


def test_no_two_records_share_a_title_or_an_external_id():
    titles = Counter(r["title"].strip().casefold() for r in RECORDS)
    assert [t for t, n in titles.items() if n > 1] == []
    assert len({r["external_id"] for r in RECORDS}) == len(RECORDS)


def test_every_council_code_is_a_real_council():
    known = council_codes()
    assert {code for r in RECORDS for code in r["council_codes"]} <= known


def test_the_collection_is_as_big_and_as_honest_about_failure_as_promised():
    assert len(RECORDS) >= 400
    not_worked = [r for r in RECORDS if r["verdict"] in ("no_worthwhile_effect", "made_worse") or r["stopped"]]
    assert len(not_worked) >= 80
    assert {r["service_area"] for r in RECORDS} == set(ServiceArea.values)
    by_councils = [r for r in RECORDS if r["council_codes"] and r["country"] in (None, "GB")]
    assert len(by_councils) > len(RECORDS) / 2  # most are UK councils' own


def test_the_readme_figures_are_the_collections():
    verdicts = Counter(r["verdict"] for r in RECORDS)
    councils = sum(1 for r in RECORDS if r["council_codes"] and r["country"] in (None, "GB"))
    stopped = sum(1 for r in RECORDS if r["stopped"])
    figures = " ".join(README.split())
    assert f"{len(RECORDS)} records; {councils} by UK councils" in figures
    assert (f"{verdicts['worked']} worked, {verdicts['no_worthwhile_effect']} no worthwhile effect, "
            f"{verdicts['made_worse']} made things worse, {verdicts['inconclusive']} inconclusive, "
            f"{verdicts['not_reported']} not reported; {stopped} stopped or abandoned") in figures
    assert f"holds {len(RECORDS)} real, published trials" in figures


def test_no_migration_loads_case_studies():
    migrations = (ROOT / "pilotbook").glob("*/migrations/*.py")
    assert not [p for p in migrations if re.search(r"load_evidence|case-studies\.jsonl|starter", p.read_text())]


@pytest.mark.django_db
def test_load_evidence_loads_every_case_study_once_and_a_second_run_changes_nothing(load_councils):
    out = io.StringIO()
    call_command("load_evidence", stdout=out)
    assert f"{len(RECORDS)} case studies added, 0 updated, 0 unchanged" in out.getvalue()
    loaded = Pilot.objects.filter(external_id__in=[r["external_id"] for r in RECORDS])
    assert loaded.count() == len(RECORDS)
    assert set(loaded.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert not loaded.filter(is_demo=True).exists()  # real, not the fictional demo
    before = sorted(loaded.values_list("pk", "updated_at"))

    out = io.StringIO()
    call_command("load_evidence", stdout=out)
    assert f"0 case studies added, 0 updated, {len(RECORDS)} unchanged" in out.getvalue()
    assert sorted(loaded.values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_a_loaded_case_study_keeps_its_source_verdict_and_who_ran_it(load_councils):
    call_command("load_evidence", stdout=io.StringIO())
    record = next(r for r in RECORDS if r["organisation"] and not r["council_codes"] and r["verdict"] == "worked")
    pilot = Pilot.objects.get(external_id=record["external_id"])
    assert pilot.council is None and pilot.organisation == record["organisation"]
    assert pilot.result.verdict == record["verdict"] and pilot.result.source == "reported"
    assert pilot.source_url == record["source_url"]
    joint = next(r for r in RECORDS if len(r["council_codes"]) > 1)
    pilot = Pilot.objects.get(external_id=joint["external_id"])
    assert [c.code for c in pilot.all_councils()] == joint["council_codes"]


@pytest.mark.django_db
def test_a_record_without_a_verdict_is_refused_and_nothing_is_loaded(load_councils, tmp_path):
    path = tmp_path / "collection.jsonl"
    good, bad = dict(RECORDS[0]), {**RECORDS[1], "verdict": None}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(Exception, match="nothing was loaded"):
        call_command("load_evidence", str(path), stdout=io.StringIO(), stderr=err)
    assert "no verdict" in err.getvalue() and not Pilot.objects.exists()
