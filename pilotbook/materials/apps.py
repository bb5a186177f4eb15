from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "pilotbook.materials"
    verbose_name = _("Reusable materials")

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page, pilot_page_councils

        from . import extensions  # noqa: F401 (declares the material page's places, filled by pilotbook.site)
        from .access import pilot_page_councils as councils
        from .presenters import pilot_materials

        # On the pilot page, under the result: what the pilot attached and used (ADR 0017).
        pilot_page.add("after_result", "materials", template="materials/includes/pilot_materials.html",
                       context=pilot_materials)
        pilot_page_councils.provide(councils)  # what the pilot page's cached body depends on (ADR 0020)
