"""Template helpers that apply a pilot's publication choices for the person viewing it."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def council_name(context, pilot) -> str:
    """The council's name, or a note that it is withheld (pilots published with the name withheld)."""
    user = context.get("user") or context["request"].user
    return pilot.council.name if pilot.council_shown_to(user) else _("A UK council (name withheld)")


@register.simple_tag(takes_context=True)
def shows_council(context, pilot) -> bool:
    user = context.get("user") or context["request"].user
    return pilot.council_shown_to(user)


@register.simple_tag(takes_context=True)
def shows_result(context, pilot) -> bool:
    user = context.get("user") or context["request"].user
    return pilot.result_shown_to(user)
