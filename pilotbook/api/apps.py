from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Open data: the pilot record and its JSON Schema, Atom feeds, exports, the read API and its CLI."""

    name = "pilotbook.api"
    label = "api"
    verbose_name = "Open data and API"
