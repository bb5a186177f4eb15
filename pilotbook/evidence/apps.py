from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "pilotbook.evidence"
    verbose_name = _("Evidence base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page

        from . import (
            extensions,  # noqa: F401 (declares the pooled group page's places, filled by pilotbook.site)
            signals,  # noqa: F401 (connects the receivers that keep the search index in step)
        )
        from .presenters import pilot_similar

        # The pilot page's "Similar pilots elsewhere" (ADR 0017).
        pilot_page.add("end", "similar pilots", template="evidence/includes/pilot_similar.html", context=pilot_similar)
