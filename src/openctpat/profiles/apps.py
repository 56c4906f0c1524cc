from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "openctpat.profiles"
    label = "profiles"
    verbose_name = "Security profiles"
    default_auto_field = "django.db.models.BigAutoField"
