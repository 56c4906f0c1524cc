from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "openctpat.inspections"
    verbose_name = "Inspections, seals and incidents"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
