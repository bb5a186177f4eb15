"""What the materials app shows on other apps' pages: on a pilot's page, what the pilot attached and the other
councils' materials it used or adapted, with an "Add a material" button for its own council (a section of the pilot
page, pilotbook.pilots.extensions, added in MaterialsConfig.ready())."""

from pilotbook.materials.models import Material


def pilot_materials(pilot, request) -> dict:
    user = request.user
    visible = Material.objects.visible_to(user).defer("file_content")
    return {
        "pilot": pilot,
        "materials": visible.filter(pilot=pilot),
        "adapted": pilot.material_uses.exclude(material__pilot=pilot).filter(material__in=visible)
        .select_related("material"),
        "can_add": pilot.can_change(user),
    }
