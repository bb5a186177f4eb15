"""What the evidence base shows on other apps' pages: on a pilot's page, "Similar pilots elsewhere" (a section of
the pilot page, pilotbook.pilots.extensions, added in EvidenceConfig.ready())."""

from .selectors import similar_elsewhere


def pilot_similar(pilot, request) -> dict:
    return {"similar": similar_elsewhere(pilot, request.user)}
