from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    default = True
    name = "pilotbook.web"
    verbose_name = _("Web interface")

    def ready(self):
        from . import versions

        versions.connect()


class PilotbookAdminConfig(admin_apps.AdminConfig):
    """The Django admin, open to platform moderators (see pilotbook.web.admin_site)."""

    default = False
    default_site = "pilotbook.web.admin_site.ModeratorAdminSite"
