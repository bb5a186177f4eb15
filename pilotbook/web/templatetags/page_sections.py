"""`{% page_sections "pilot" "after_result" pilot %}`: the sections apps above a page's owner put in one of its
places (pilotbook.web.sections, ADR 0017)."""

from django import template
from django.utils.safestring import mark_safe

from pilotbook.web import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page: str, place: str, obj) -> str:
    return mark_safe(sections.page(page).render(place, obj, context))  # noqa: S308 - rendered by the templates
