from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThrottleConfig(AppConfig):
    name = "pilotbook.throttle"
    verbose_name = _("Sign-in and password-reset throttling")
