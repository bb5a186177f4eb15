"""For the pilot page: `{% load hackdays_tags %}{% pilot_origin pilot %}` shows the hack-day idea it came from."""

from django import template

from pilotbook.hackdays.models import HackDay, Idea

register = template.Library()


def pilot_origin_context(pilot, user) -> dict:
    """The idea a pilot came from, and its hack day if this person may see it (else the name only). Nothing for
    someone from whom the pilot's council withheld its name: the hack day would name the council."""
    if not pilot.council_shown_to(user):
        return {"idea": None}
    idea = Idea.objects.filter(pilot=pilot).select_related("hack_day__council").first()
    if idea is None:
        return {"idea": None}
    visible = HackDay.objects.visible_to(user).filter(pk=idea.hack_day_id).exists()
    return {"idea": idea, "hack_day": idea.hack_day, "link": visible}


@register.inclusion_tag("hackdays/includes/pilot_origin.html", takes_context=True)
def pilot_origin(context, pilot):
    return pilot_origin_context(pilot, context["request"].user)
