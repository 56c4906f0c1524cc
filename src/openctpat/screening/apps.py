from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "openctpat.screening"
    verbose_name = "Restricted-party screening"

    def ready(self):
        from . import partner_facts

        partner_facts.connect()
