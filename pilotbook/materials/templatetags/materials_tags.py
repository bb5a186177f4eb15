"""For the pilot page: `{% load materials_tags %}{% pilot_materials pilot %}` lists what the pilot attached and
the other councils' materials it used or adapted, with an "Add a material" button for its own council."""

from django import template

from pilotbook.materials.models import Material

register = template.Library()


@register.inclusion_tag("materials/includes/pilot_materials.html", takes_context=True)
def pilot_materials(context, pilot):
    user = context["request"].user
    visible = Material.objects.visible_to(user).defer("file_content")
    return {
        "pilot": pilot,
        "materials": visible.filter(pilot=pilot),
        "adapted": pilot.material_uses.exclude(material__pilot=pilot).filter(material__in=visible)
        .select_related("material"),
        "can_add": pilot.can_change(user),
    }
