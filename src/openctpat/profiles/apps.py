from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "openctpat.profiles"
    label = "profiles"
    verbose_name = "Security profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
