from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HackdaysConfig(AppConfig):
    name = "pilotbook.hackdays"
    verbose_name = _("Hack days")
