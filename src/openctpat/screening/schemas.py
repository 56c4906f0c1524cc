"""API schemas of the screening app's declarations and operations."""

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat, StrictInt

from openctpat.core.schemas import Id, StrictInput

from .matcher import DEFAULT_THRESHOLD
from .models import AlertStatus, Outcome


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


class ListVersionOut(Schema):
    id: int
    source: str
    format: str
    file_sha256: str
    file_names: list[str]
    publish_date: datetime.date | None
    loaded_at: datetime.datetime
    entry_count: int
    counts: dict
    warnings: list[str]
    active: bool


class ListVersionFilters(Schema):
    active: bool | None = None


class MatchOut(Schema):
    list: str
    entry_id: str
    entry_type: str
    name: str
    score: float
    explanation: dict
    query: str = ""


class ScreeningOut(Schema):
    id: int
    partner_id: int | None
    query: str
    country: str
    reason: str
    threshold: float
    outcome: Outcome
    matches: list[MatchOut]
    version_ids: list[int]
    created_at: datetime.datetime

    @staticmethod
    def resolve_version_ids(obj):
        return [v.pk for v in obj.versions.all()]


class AlertOut(Schema):
    id: int
    partner_id: int
    screening_id: int
    list: str = Field(..., alias="list_name")
    entry_id: str
    entry_name: str
    matched_name: str
    score: float
    explanation: dict
    status: AlertStatus
    reason: str
    decided_by: str | None = Field(None, alias="decided_by.email")
    decided_at: datetime.datetime | None
    confirmed_by: str | None = Field(None, alias="confirmed_by.email")
    confirmed_at: datetime.datetime | None


class AlertFilters(Schema):
    status: AlertStatus | None = None
    partner_id: Id | None = None


class RunOut(Schema):
    id: int
    version_id: int
    scope: Literal["organisation", "all"] = Field(
        ..., description="organisation: the caller's partners only; all: every organisation's."
    )
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    total: int = Field(..., alias="share_total")
    done: int = Field(..., alias="share_done")
    alerts_raised: int = Field(..., alias="share_alerts_raised")
    error: str = Field(..., alias="share_error")
