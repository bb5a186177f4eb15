"""Template helpers that apply a pilot's publication choices for the person viewing it."""

from django import template
from django.utils.translation import gettext as _

from pilotbook.pilots.countries import country_name as _country_name

register = template.Library()


@register.simple_tag(takes_context=True)
def council_name(context, pilot) -> str:
    """Who ran the pilot: its council's name (every council's, and the organisation's, for a case study several
    ran or an organisation ran), or a note that it is withheld (pilots published with the name withheld)."""
    user = context.get("user") or context["request"].user
    return pilot.ran_by() if pilot.council_shown_to(user) else _("A UK council (name withheld)")


@register.simple_tag(takes_context=True)
def shows_council(context, pilot) -> bool:
    user = context.get("user") or context["request"].user
    return pilot.council_shown_to(user)


@register.simple_tag(takes_context=True)
def shows_result(context, pilot) -> bool:
    user = context.get("user") or context["request"].user
    return pilot.result_shown_to(user)


@register.simple_tag(name="country_name")
def country_name_tag(code: str) -> str:
    """A country's name from its ISO 3166-1 alpha-2 code."""
    return _country_name(code)
