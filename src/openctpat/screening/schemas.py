"""API schemas shared by the screening app's declarations and operations."""

from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat, StrictInt

from openctpat.core.schemas import StrictInput

from .matcher import DEFAULT_THRESHOLD


class SettingsOut(Schema):
    threshold: float
    effective_threshold: float
    four_eyes: bool

    @staticmethod
    def resolve_effective_threshold(obj) -> float:
        return obj.threshold or DEFAULT_THRESHOLD


class SettingsPatch(StrictInput):
    threshold: StrictFloat | StrictInt | None = Field(None, ge=0, lt=1)
    four_eyes: StrictBool | None = None
