"""API schemas shared by the partner app's declarations and operations."""

from ninja import Field, Schema
from pydantic import StrictInt

from openctpat.core.schemas import StrictInput


class TierSettingsOut(Schema):
    weight_country: int
    weight_role: int
    weight_certification: int
    weight_questionnaire: int
    weight_weaknesses: int
    weight_screening: int
    high_from: int
    medium_from: int
    months_high: int
    months_medium: int
    months_low: int


class TierSettingsPatch(StrictInput):
    weight_country: StrictInt | None = Field(None, ge=0, le=100)
    weight_role: StrictInt | None = Field(None, ge=0, le=100)
    weight_certification: StrictInt | None = Field(None, ge=0, le=100)
    weight_questionnaire: StrictInt | None = Field(None, ge=0, le=100)
    weight_weaknesses: StrictInt | None = Field(None, ge=0, le=100)
    weight_screening: StrictInt | None = Field(None, ge=0, le=100)
    high_from: StrictInt | None = Field(None, ge=1, le=100)
    medium_from: StrictInt | None = Field(None, ge=1, le=100)
    months_high: StrictInt | None = Field(None, ge=1, le=120)
    months_medium: StrictInt | None = Field(None, ge=1, le=120)
    months_low: StrictInt | None = Field(None, ge=1, le=120)
