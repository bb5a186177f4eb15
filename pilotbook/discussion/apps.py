from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "pilotbook.discussion"
    verbose_name = _("Discussion and notifications")

    def ready(self) -> None:
        from pilotbook.pilots.extensions import pilot_page

        from .presenters import thread_section

        # Under the pilot page's record, for the person reading (ADR 0017).
        pilot_page.add("below", "discussion", template="discussion/section.html", context=thread_section)
