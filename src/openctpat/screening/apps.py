from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "openctpat.screening"
    label = "screening"
    verbose_name = "Restricted-party screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import partner_facts

        partner_facts.connect()
