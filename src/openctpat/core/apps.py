from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openctpat.core"
    verbose_name = "Core: tenancy and audit trail"
