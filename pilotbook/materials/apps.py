from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "pilotbook.materials"
    verbose_name = _("Reusable materials")

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page

        from . import extensions  # noqa: F401 (declares the material page's places, filled by pilotbook.site)
        from .presenters import pilot_materials

        # On the pilot page, under the result: what the pilot attached and used (ADR 0017).
        pilot_page.add("after_result", "materials", template="materials/includes/pilot_materials.html",
                       context=pilot_materials)
