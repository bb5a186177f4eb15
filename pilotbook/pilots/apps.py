from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilotbook.pilots"
    verbose_name = _("Pilots")

    def ready(self):
        from pilotbook.web import versions

        from .models import next_release

        # A result under embargo is released by time alone: cached pages change the moment the next embargo ends.
        versions.register_clock(next_release)
