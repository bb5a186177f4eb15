from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilotbook.pilots"
    verbose_name = _("Pilots")

    def ready(self):
        from pilotbook.web import versions

        from . import extensions  # noqa: F401 (declares the pilot page's places, filled by the apps above)
        from .choices import Status
        from .models import Pilot, next_release

        # A result under embargo is released by time alone: cached pages change the moment the next embargo ends.
        versions.register_clock(next_release)
        # Only its council's members (and moderators) ever see a draft, and a pilot never goes back to draft.
        versions.register_private(Pilot, lambda pilot: pilot.status == Status.DRAFT)
