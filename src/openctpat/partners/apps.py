from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "openctpat.partners"
    verbose_name = "Business partners"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
