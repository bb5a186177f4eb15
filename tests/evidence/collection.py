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
