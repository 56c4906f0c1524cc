from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "openctpat.profiles"
    verbose_name = "Security profiles"

    def ready(self):
        from . import reminders  # noqa: F401  (registers its reminder source)
