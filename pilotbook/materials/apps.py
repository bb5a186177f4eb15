from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "pilotbook.materials"
    verbose_name = _("Reusable materials")

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page_councils

        from .access import pilot_page_councils as councils

        pilot_page_councils.provide(councils)  # what the pilot page's cached body depends on (ADR 0020)
