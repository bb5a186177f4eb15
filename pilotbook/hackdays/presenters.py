"""What the hack-days app shows on other apps' pages: on a pilot's page, the hack-day idea it came from (a section of
the pilot page, pilotbook.pilots.extensions, added in HackdaysConfig.ready())."""

from pilotbook.hackdays.models import HackDay, Idea


def pilot_origin(pilot, request) -> dict:
    """The idea a pilot came from, and its hack day if this person may see it (else the name only). Nothing for
    someone from whom the pilot's council withheld its name: the hack day would name the council."""
    user = request.user
    if not pilot.council_shown_to(user):
        return {"idea": None}
    idea = Idea.objects.filter(pilot=pilot).select_related("hack_day__council").first()
    if idea is None:
        return {"idea": None}
    visible = HackDay.objects.visible_to(user).filter(pk=idea.hack_day_id).exists()
    return {"idea": idea, "hack_day": idea.hack_day, "link": visible}
