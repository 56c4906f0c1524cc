from django.apps import AppConfig


class HomeConfig(AppConfig):
    """What reads every app: the Overview page and the demo loader (above the apps)."""

    name = "openctpat.home"
