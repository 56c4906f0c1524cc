import datetime
from typing import Literal

from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictBool

from openctpat.core.errors import PermissionDenied
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, StrictInput, responses
from openctpat.partners.models import BusinessPartner

from . import resources, services
from .models import Alert, AlertStatus, ListVersion, Outcome

router = Router(tags=["screening"])


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


class ScreenIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=500)
    country: str = Field("", max_length=2)


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


class DecisionIn(StrictInput):
    reason: str = Field(..., min_length=1, max_length=5000)


class ConfirmIn(StrictInput):
    confirm: StrictBool = True
    reason: str = Field("", max_length=5000)


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


def _alert(request, pk) -> Alert:
    return get_for_org(request, Alert, pk, "partner", "record", "decided_by", "confirmed_by")


@router.get("/screening/lists", response=responses({200: list[ListVersionOut]}))
@paginate(Pagination)
def list_versions(request, active: bool | None = None):
    require(request, Perm.VIEW)
    versions = ListVersion.objects.all()
    return versions.filter(active=active) if active is not None else versions


@router.post("/screening/lists", response=responses({201: ListVersionOut}))
def load_lists(request, files: File[list[UploadedFile]]):
    """Load list files (shared by all organisations): staff, with a role that changes data."""
    require(request, Perm.VIEW)
    if not services.can_load_lists(request.user, request.role):
        raise PermissionDenied(
            "Only staff load restricted-party lists (they are shared by every organisation), "
            "and only with a role that changes data."
        )
    return Status(201, services.load_uploaded(files, request.user))


@router.get("/screening/runs", response=responses({200: list[RunOut]}))
@paginate(Pagination)
def list_runs(request):
    """Rescreens after list loads: your organisation's partners and alerts (staff: all)."""
    require(request, Perm.VIEW)
    return services.rescreen_runs(request.org, request.user)


@router.post("/screening/screen", response=responses({201: ScreeningOut}))
def screen(request, payload: ScreenIn):
    require(request, Perm.CHANGE)
    found = services.screen_name(request.org, request.user, payload.name, payload.country)
    return Status(201, found)


resources.settings.add_to(router, __name__)


@router.get("/screening/alerts", response=responses({200: list[AlertOut]}))
@paginate(Pagination)
def list_alerts(request, filters: Query[AlertFilters]):
    require(request, Perm.VIEW)
    alerts = Alert.objects.for_org(request.org).select_related("decided_by", "confirmed_by")
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    if filters.partner_id:
        alerts = alerts.filter(partner_id=filters.partner_id)
    return alerts


@router.get("/screening/alerts/{alert_id}", response=responses({200: AlertOut}))
def get_alert(request, alert_id: Id):
    require(request, Perm.VIEW)
    return _alert(request, alert_id)


@router.post("/screening/alerts/{alert_id}/false-positive", response=responses({200: AlertOut}))
def false_positive(request, alert_id: Id, payload: DecisionIn):
    require(request, Perm.CHANGE)
    alert = _alert(request, alert_id)
    return services.mark_false_positive(request.org, request.user, alert, payload.reason)


@router.post("/screening/alerts/{alert_id}/true-match", response=responses({200: AlertOut}))
def true_match(request, alert_id: Id, payload: DecisionIn):
    require(request, Perm.CHANGE)
    alert = _alert(request, alert_id)
    return services.mark_true_match(request.org, request.user, alert, payload.reason)


@router.post("/screening/alerts/{alert_id}/confirm", response=responses({200: AlertOut}))
def confirm(request, alert_id: Id, payload: ConfirmIn):
    require(request, Perm.CHANGE)
    alert = _alert(request, alert_id)
    return services.confirm_true_match(
        request.org, request.user, alert, confirm=payload.confirm, reason=payload.reason
    )


@router.get("/partners/{partner_id}/screenings", response=responses({200: list[ScreeningOut]}))
@paginate(Pagination)
def partner_screenings(request, partner_id: Id):
    require(request, Perm.VIEW)
    partner = get_for_org(request, BusinessPartner, partner_id)
    return partner.screenings.prefetch_related("versions")


@router.post("/partners/{partner_id}/screen", response=responses({201: ScreeningOut}))
def screen_partner(request, partner_id: Id):
    require(request, Perm.CHANGE)
    partner = get_for_org(request, BusinessPartner, partner_id)
    found = services.screen_partner(request.org, partner, reason="manual", actor=request.user)
    if found is None:
        from openctpat.core.errors import Conflict

        raise Conflict("No restricted-party list is loaded yet.")
    return Status(201, found)
