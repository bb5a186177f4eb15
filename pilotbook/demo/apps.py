from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pilotbook.demo"
    verbose_name = "Demo data"
