from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverdueConfig(AppConfig):
    name = "pilotbook.overdue"
    verbose_name = _("Overdue results")
