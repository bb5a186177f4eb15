"""The relevance bench (bench/relevance/) as a module, and a loader that publishes its pilots in the database."""

import importlib.util
from pathlib import Path

from pilotbook.councils.models import Role
from pilotbook.evidence.documents import LESSON_FIELDS
from pilotbook.pilots.choices import Status
from tests.factories import CouncilFactory, make_pilot, member

RUN = Path(__file__).resolve().parents[2] / "bench" / "relevance" / "run.py"


def bench_module():
    spec = importlib.util.spec_from_file_location("relevance_bench", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def set_lessons(pilot, text: str) -> None:
    """Replace the factory's sample lessons with `text` (or nothing), so only the test's own words are indexed."""
    for name in LESSON_FIELDS:
        if hasattr(pilot, name):
            setattr(pilot, name, "")
    if hasattr(pilot, "lessons_happened"):
        pilot.lessons_happened = text
        text = ""
    pilot.save()
    pilot.result.summary = text
    pilot.result.save()


def load_collection(bench) -> dict[str, int]:
    """Publish every bench pilot through the real lifecycle services; returns bench id -> pilot id."""
    councils, people, pilot_ids = {}, {}, {}
    for record in bench.load_pilots():
        name = record["council"]
        if name not in councils:
            councils[name] = CouncilFactory(code=f"R{len(councils):03d}", name=name)
            people[name] = member(councils[name], Role.OFFICER)
        pilot = make_pilot(councils[name], people[name], Status.PUBLISHED, title=record["title"],
                           problem=record["problem"], change=record["change"], partners=record["partners"],
                           service_area=record["service_area"], intervention_type=record["intervention_type"])
        set_lessons(pilot, record["lessons"])
        pilot_ids[record["id"]] = pilot.pk
    return pilot_ids


def load_starter(bench, keys, *, visibility: str = "public") -> dict[str, int]:
    """Publish these starter case studies (pilotbook/evidence/data/starter/) with their real text, as `pilotbook
    import` stores one: the title, the summary as the change tried, the reported effect as what happened, at its
    council (or a council named after the organisation that ran it). Returns external_id -> pilot id.

    The verdict and interval are the factory's, not the record's: only the text matters to "before you start".
    """
    names = bench.council_names()
    records = {r["external_id"]: r for r in bench.load_records()}
    councils, people, pilot_ids = {}, {}, {}
    for key in keys:
        record = records[key]
        codes = record.get("council_codes") or []
        name = ", ".join(names.get(code, code) for code in codes) or record.get("organisation") or "Elsewhere"
        if name not in councils:
            councils[name] = CouncilFactory(code=f"S{len(councils):03d}", name=name)
            people[name] = member(councils[name], Role.OFFICER)
        pilot = make_pilot(councils[name], people[name], Status.PUBLISHED, visibility=visibility,
                           title=record["title"], problem=record["title"], change=record["summary"], partners="",
                           service_area=record.get("service_area") or "",
                           intervention_type=record.get("intervention_type") or "")
        pilot.problem = ""  # an imported case study has none; registering needed one (saved and indexed below)
        set_lessons(pilot, record.get("effect") or "")
        pilot_ids[key] = pilot.pk
    return pilot_ids
