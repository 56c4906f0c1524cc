from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "openctpat.inspections"
    label = "inspections"
    verbose_name = "Inspections, seals and incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
