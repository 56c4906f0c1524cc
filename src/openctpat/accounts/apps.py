from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openctpat.accounts"
    verbose_name = "Accounts and organisations"

    def ready(self):
        from . import signals  # noqa: F401
