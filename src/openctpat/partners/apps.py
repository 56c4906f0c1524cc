from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "openctpat.partners"
    label = "partners"
    verbose_name = "Business partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
