"""What of a pilot is searchable, as plain text per field (the ranking core turns it into features)."""

from __future__ import annotations

from pilotbook.pilots.choices import InterventionType, ServiceArea


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def search_fields(*, title: str, problem: str = "", change: str = "", lessons: str = "", partners: str = "",
                  council: str = "", service_area: str = "", intervention_type: str = "") -> dict[str, str]:
    """The searchable text of one pilot, shared by the app's index and the relevance bench."""
    facets = " ".join(filter(None, (_label(ServiceArea, service_area), _label(InterventionType, intervention_type))))
    return {"title": title, "problem": problem, "change": change, "lessons": lessons, "partners": partners,
            "council": council, "facets": facets}


def pilot_search_fields(pilot) -> dict[str, str]:
    """A pilot's searchable text. Lessons are the result's "what happened" plus any lessons text on the pilot.

    When publishing gains its structured lessons (issue 4, "Keep every failure"), add them here: this is the
    only place that says what of a pilot is searched.
    """
    result = getattr(pilot, "result", None)  # a missing one-to-one raises an AttributeError subclass
    lessons = [getattr(pilot, "lessons", "") or "", getattr(result, "summary", "") or ""]
    return search_fields(
        title=pilot.title, problem=pilot.problem, change=pilot.change, lessons="\n".join(filter(None, lessons)),
        partners=pilot.partners, council=pilot.council.name, service_area=pilot.service_area,
        intervention_type=pilot.intervention_type,
    )
