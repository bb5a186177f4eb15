from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "pilotbook.site"
    verbose_name = _("Pages across the site")

    def ready(self) -> None:
        from . import discussion_targets

        discussion_targets.register_targets()
