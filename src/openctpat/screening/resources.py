"""The screening app's declared pages and operations (its workflows are in views and api)."""

from openctpat.core.orgsettings import SettingsPages
from openctpat.core.resources import Page

from . import schemas, services
from .forms import SettingsForm

settings = SettingsPages(
    services.SETTINGS,
    schemas,
    "Settings",
    "/screening/settings",
    page=Page("settings/", "screening:settings", "screening/settings.html"),
    form=SettingsForm,
    saved_message="Screening settings saved.",
    extra_context=lambda request, current: {"effective": services.threshold_for(request.org)},
    example={"four_eyes": True},
)
