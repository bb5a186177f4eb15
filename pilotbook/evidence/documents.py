"""What of a pilot is searchable, as plain text per field (the ranking core turns it into features)."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language

from pilotbook.pilots.choices import InterventionType, ServiceArea, Visibility


@lru_cache(maxsize=1024)
def _cached_label(choices, value: str, language: str | None) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def search_fields(*, title: str, problem: str = "", change: str = "", lessons: str = "", partners: str = "",
                  council: str = "", service_area: str = "", intervention_type: str = "") -> dict[str, str]:
    """The searchable text of one pilot, shared by the app's index and the relevance bench."""
    language = get_language()  # once for both labels (a context-local's lookup; an import indexes 100,000 pilots)
    facets = " ".join(filter(None, (_cached_label(ServiceArea, service_area, language),
                                    _cached_label(InterventionType, intervention_type, language))))
    return {"title": title, "problem": problem, "change": change, "lessons": lessons, "partners": partners,
            "council": council, "facets": facets}


LESSON_FIELDS = ("lessons_aim", "lessons_happened", "lessons_why", "lessons_differently", "failure_detail")


def pilot_search_fields(pilot) -> dict[str, str]:
    """A pilot's searchable text: the only place that says what of a pilot is searched.

    Lessons are the published lessons learned (when the pilot has those fields), the failure detail and the
    result's "what happened". Who ran it is every council that did, and an organisation with its country. A council
    that published with its name withheld is not searchable by name.
    """
    result = getattr(pilot, "result", None)  # a missing one-to-one raises an AttributeError subclass
    lessons = [getattr(pilot, name, "") for name in LESSON_FIELDS] + [getattr(result, "summary", "")]
    withheld = pilot.visibility == getattr(Visibility, "PUBLIC_ANONYMOUS", object())
    if withheld:
        who = ""
    elif hasattr(pilot, "ran_by"):
        who = pilot.ran_by()
    else:  # a historical model in a migration: one council, as pilots had then
        who = pilot.council.name
    return search_fields(
        title=pilot.title, problem=pilot.problem, change=pilot.change,
        lessons="\n".join(text for text in lessons if isinstance(text, str) and text),
        partners=pilot.partners, council=who, service_area=pilot.service_area,
        intervention_type=pilot.intervention_type,
    )
