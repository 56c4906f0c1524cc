from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_packaged_catalog(sender, using="default", **kwargs):
    from django.db import connections

    from .services import load_catalog

    # A partial migrate (``migrate accounts 0001``) may not have made the tables yet.
    if "catalog_criterion" in connections[using].introspection.table_names():
        load_catalog(using=using)


class CatalogConfig(AppConfig):
    name = "openctpat.catalog"
    verbose_name = "MSC catalog"

    def ready(self):
        # The shipped criteria are data: every migrate (and test-database flush) loads them.
        post_migrate.connect(_load_packaged_catalog, sender=self, dispatch_uid="catalog-load")
