from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_reference_indicators(sender, using="default", **kwargs):
    from django.db import connections

    from .services import load_packaged_indicators

    if "risk_referenceindicator" in connections[using].introspection.table_names():
        load_packaged_indicators(using=using)


class RiskConfig(AppConfig):
    name = "openctpat.risk"
    verbose_name = "Risk assessment"

    def ready(self):
        post_migrate.connect(_load_reference_indicators, sender=self, dispatch_uid="risk-ref")
        from . import partner_facts, reminders  # noqa: F401  (reminders registers its source)

        partner_facts.connect()
