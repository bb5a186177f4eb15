from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "pilotbook.evidence"
    verbose_name = _("Evidence base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pilotbook.pilots.extensions import similar_pilots

        from . import signals  # noqa: F401 (connects the receivers that keep the search index in step)
        from .suggestions import suggestions_for_idea

        similar_pilots.provide(suggestions_for_idea)  # the pilot page's "similar pilots elsewhere" (ADR 0017)
