"""The pilot registry: a pilot's plan, its lifecycle, amendments to the frozen plan, and its headline result.

`pilot` holds Pilot and PilotQuerySet (who may read and change which pilot), `results` what a pilot produced
(amendments, its result, analyses and pending uploads), and `rules` who belongs to which council and the limits
and checks of a pilot's fields. Everything is importable from here, as before.
"""

from .pilot import Pilot, PilotQuerySet, joint_pilot_ids, next_release, released_q, visible_q, withheld_from
from .results import Amendment, Analysis, PendingUpload, Result
from .rules import (
    EARLIEST_YEAR,
    LESSON_MAX_LENGTH,
    MAX_FURTHER_SOURCES,
    REGISTRATION_TIME_ZONE,
    SHORT_TEXT,
    SOURCE_URL_MAX_LENGTH,
    CouncilCount,
    member_council_ids,
    own_council_id,
    validate_further_sources,
    validate_year,
)

__all__ = [
    "EARLIEST_YEAR", "LESSON_MAX_LENGTH", "MAX_FURTHER_SOURCES", "REGISTRATION_TIME_ZONE", "SHORT_TEXT",
    "SOURCE_URL_MAX_LENGTH", "Amendment", "Analysis", "CouncilCount", "PendingUpload", "Pilot", "PilotQuerySet",
    "Result", "joint_pilot_ids", "member_council_ids", "next_release", "own_council_id", "released_q",
    "validate_further_sources", "validate_year", "visible_q", "withheld_from",
]
