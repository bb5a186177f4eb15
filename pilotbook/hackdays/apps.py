from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HackdaysConfig(AppConfig):
    name = "pilotbook.hackdays"
    verbose_name = _("Hack days")

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page, pilot_page_councils

        from .access import pilot_page_councils as councils
        from .presenters import pilot_origin

        # On the pilot page, under what to do next: the hack-day idea it came from (ADR 0017).
        pilot_page.add("after_actions", "hack-day origin", template="hackdays/includes/pilot_origin.html",
                       context=pilot_origin)
        pilot_page_councils.provide(councils)  # what the pilot page's cached body depends on (ADR 0020)
