from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilotbook.pilots"
    verbose_name = _("Pilots")
