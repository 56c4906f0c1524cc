"""The partner app's declared pages and operations (its workflows are in views and api)."""

from openctpat.core.orgsettings import SettingsPages
from openctpat.core.resources import Page

from . import services
from .forms import TierSettingsForm
from .schemas import TierSettingsOut, TierSettingsPatch

tier_settings = SettingsPages(
    settings=services.TIER_SETTINGS,
    out=TierSettingsOut,
    patch_in=TierSettingsPatch,
    api_path="/partner-tier-settings",
    page=Page("tiers/", "partners:tier_settings", "partners/tier_settings.html"),
    form=TierSettingsForm,
    saved_message="Weights saved; every partner's tier was recomputed.",
    names={"get": "get_tier_settings", "update": "update_tier_settings"},
    example={"weight_country": 30, "weight_role": 15},
)
