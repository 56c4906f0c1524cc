"""The JSON API of inspections, the seal inventory and security incidents.

Schema class names carry the app's prefixes (Checklist…, Inspection…, Seal…, Incident…):
django-ninja names OpenAPI components by class name, across every app.
"""

import datetime
import re
from typing import Annotated, Literal

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StrictBool, StrictInt

from openctpat.core.errors import NotFound, invalid
from openctpat.core.models import ActionStatus
from openctpat.core.orgsettings import SettingsPages
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, member_by_id, require
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, patch_of, responses
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.models import EvidenceDocument, Site

from . import services
from .models import (
    ChecklistPoint,
    ChecklistTemplate,
    ConveyanceType,
    CorrectiveAction,
    Incident,
    IncidentStatus,
    IncidentType,
    Inspection,
    InspectionPoint,
    InspectionResult,
    InspectionStatus,
    NotificationMethod,
    NotifiedParty,
    PointResult,
    Seal,
    SealAudit,
    SealBatch,
    SealClass,
    SealMovement,
    SealVerification,
    Severity,
)
from .seal_states import SealState

router = Router(tags=["inspections, seals and incidents"])

_EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_LATEST = datetime.datetime(2999, 12, 31, tzinfo=datetime.UTC)
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})"
)


def _iso_datetime(value):
    if isinstance(value, datetime.datetime) or (
        isinstance(value, str) and _ISO_DATETIME.fullmatch(value)
    ):
        return value
    raise ValueError("Use an ISO date and time with its offset: YYYY-MM-DDTHH:MM:SS+00:00.")


def _sane_datetime(value: datetime.datetime) -> datetime.datetime:
    if not _EARLIEST <= value <= _LATEST:
        raise ValueError("A date and time between 1970 and 2999.")
    return value


# A date and time with its UTC offset, given as an ISO string (not a Unix number).
IsoDateTime = Annotated[
    AwareDatetime, BeforeValidator(_iso_datetime), AfterValidator(_sane_datetime)
]
SealNumber = Annotated[str, Field(max_length=40)]


# -- schemas: settings -----------------------------------------------------------------------
class InspectionSettingsOut(Schema):
    issued_unapplied_days: int
    seal_audit_interval_days: int
    cbp_report_hours: int


class InspectionSettingsPatch(StrictInput):
    issued_unapplied_days: StrictInt | None = Field(None, ge=1, le=365)
    seal_audit_interval_days: StrictInt | None = Field(None, ge=7, le=366)
    cbp_report_hours: StrictInt | None = Field(None, ge=1, le=168)


# -- schemas: checklists ---------------------------------------------------------------------
class ChecklistPointOut(Schema):
    id: int
    checklist_id: int = Field(..., alias="template_id")
    position: int
    section: str
    title: str
    guidance: str
    agricultural: bool


class ChecklistPointIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    section: str = Field("", max_length=60)
    guidance: str = Field("", max_length=2000)
    agricultural: StrictBool = False
    position: StrictInt | None = Field(None, ge=1, le=10000, description="Default: last.")


ChecklistPointPatch = patch_of(ChecklistPointIn, "ChecklistPointPatch")


class ChecklistOut(Schema):
    id: int
    name: str
    conveyance_type: ConveyanceType
    description: str
    source: str
    standard_key: str
    version: int
    used: bool
    active: bool
    point_count: int

    @staticmethod
    def resolve_point_count(obj):
        count = getattr(obj, "point_count", None)
        return obj.points.count() if count is None else count


class ChecklistDetailOut(ChecklistOut):
    points: list[ChecklistPointOut]

    @staticmethod
    def resolve_points(obj):
        return list(obj.points.all())


class ChecklistIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=120)
    conveyance_type: ConveyanceType
    description: str = Field("", max_length=5000)
    source: str = Field("", max_length=300)
    active: StrictBool = True
    copy_from_id: StrictId | None = Field(None, description="A checklist whose points to copy.")


ChecklistPatch = patch_of(ChecklistIn, "ChecklistPatch", exclude=("copy_from_id",))


# -- schemas: inspections --------------------------------------------------------------------
class InspectionPointOut(Schema):
    id: int
    inspection_id: int
    position: int
    section: str
    title: str
    guidance: str
    agricultural: bool
    result: str
    note: str
    photo_id: int | None


class InspectionPointPatch(StrictInput):
    result: PointResult | None = Field(None, description="Default: the point's current result.")
    note: str | None = Field(None, max_length=2000)


class InspectionOut(Schema):
    id: int
    checklist_id: int = Field(..., alias="template_id")
    checklist_name: str = Field(..., alias="template_name")
    checklist_version: int = Field(..., alias="template_version")
    conveyance_type: ConveyanceType
    site_id: int
    inspected_at: datetime.datetime
    inspector_id: int
    inspector: str = Field(..., alias="inspector.email")
    container_number: str
    trailer_number: str
    truck_plate: str
    trailer_plate: str
    driver_name: str
    driver_id: str
    shipment_reference: str
    partner_id: int | None
    notes: str
    status: InspectionStatus
    result: str
    signature_name: str
    signed_at: datetime.datetime | None
    supervisor_name: str
    seal_numbers: list[str]

    @staticmethod
    def resolve_seal_numbers(obj):
        return [s.number for s in obj.seals.all()]


class InspectionDetailOut(InspectionOut):
    points: list[InspectionPointOut]

    @staticmethod
    def resolve_points(obj):
        return list(obj.points.all())


class InspectionIn(StrictInput):
    checklist_id: StrictId
    site_id: StrictId
    inspected_at: IsoDateTime | None = Field(None, description="Default: now.")
    inspector_id: StrictId | None = Field(None, description="Default: you.")
    container_number: str = Field("", max_length=20)
    trailer_number: str = Field("", max_length=40)
    truck_plate: str = Field("", max_length=20)
    trailer_plate: str = Field("", max_length=20)
    driver_name: str = Field("", max_length=120)
    driver_id: str = Field("", max_length=60)
    shipment_reference: str = Field("", max_length=60)
    partner_id: StrictId | None = None
    notes: str = Field("", max_length=5000)
    supervisor_name: str = Field("", max_length=120)


InspectionPatch = patch_of(InspectionIn, "InspectionPatch", exclude=("checklist_id",))


class InspectionCompleteIn(StrictInput):
    signature_name: str = Field(..., min_length=1, max_length=120)
    seal_numbers: list[SealNumber] = Field(default_factory=list, max_length=20)
    supervisor_name: str = Field("", max_length=120)


class InspectionFilters(Schema):
    date_from: IsoDate | None = Field(None, description="Inspected on or after (YYYY-MM-DD).")
    date_to: IsoDate | None = Field(None, description="Inspected on or before (YYYY-MM-DD).")
    site_id: Id | None = None
    result: InspectionResult | None = None
    status: InspectionStatus | None = None
    q: str | None = Field(None, max_length=60, description="Container, trailer or shipment.")


class InspectionPassedOut(Schema):
    passed: int
    inspection: InspectionDetailOut


# -- schemas: seals --------------------------------------------------------------------------
class SealBatchOut(Schema):
    id: int
    manufacturer: str
    seal_type: str
    iso_class: SealClass
    certificate_reference: str
    certificate_id: int | None
    prefix: str
    first_number: int
    last_number: int
    digits: int
    first_seal: str
    last_seal: str
    size: int
    received_on: datetime.date
    storage_location: str
    site_id: int | None
    issuer_ids: list[int]
    notes: str

    @staticmethod
    def resolve_first_seal(obj):
        return obj.number(obj.first_number)

    @staticmethod
    def resolve_last_seal(obj):
        return obj.number(obj.last_number)

    @staticmethod
    def resolve_issuer_ids(obj):
        return sorted(u.pk for u in obj.issuers.all())


class SealBatchDetailOut(SealBatchOut):
    state_counts: dict[str, int]

    @staticmethod
    def resolve_state_counts(obj):
        rows = obj.seals.values("state").annotate(n=Count("pk")).order_by("state")
        return {r["state"]: r["n"] for r in rows}


class SealBatchIn(StrictInput):
    manufacturer: str = Field(..., min_length=1, max_length=120)
    seal_type: str = Field("", max_length=60)
    iso_class: SealClass = SealClass.HIGH
    certificate_reference: str = Field("", max_length=120)
    certificate_id: StrictId | None = Field(None, description="An evidence document.")
    prefix: str = Field("", max_length=10)
    first_number: StrictInt = Field(..., ge=0, le=10**18)
    last_number: StrictInt = Field(..., ge=0, le=10**18)
    digits: StrictInt = Field(0, ge=0, le=20, description="Zero-padded width.")
    received_on: IsoDate
    storage_location: str = Field(..., min_length=1, max_length=200)
    site_id: StrictId | None = None
    issuer_ids: list[StrictId] = Field(default_factory=list, max_length=100)
    notes: str = Field("", max_length=5000)


SealBatchPatch = patch_of(
    SealBatchIn,
    "SealBatchPatch",
    exclude=("iso_class", "prefix", "first_number", "last_number", "digits", "received_on"),
)


class SealOut(Schema):
    id: int
    batch_id: int
    number: str
    sequence: int
    state: SealState
    issued_to_id: int | None
    issued_to: str | None = Field(None, alias="issued_to.email")
    issued_at: datetime.datetime | None
    inspection_id: int | None
    applied_at: datetime.datetime | None
    container_number: str
    shipment_reference: str
    verified_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    reason: str


class SealMovementOut(Schema):
    id: int
    event: str
    from_state: str
    to_state: str
    at: datetime.datetime
    by: str | None = Field(None, alias="by.email")
    site_id: int | None
    note: str


class SealVerificationOut(Schema):
    id: int
    seal_id: int
    site_id: int
    verified_at: datetime.datetime
    verified_by: str = Field(..., alias="verified_by.email")
    document_seal_number: str
    found_seal_number: str
    view_ok: bool
    tug_ok: bool
    twist_ok: bool
    number_matches: bool
    passed: bool
    note: str


class SealDetailOut(SealOut):
    movements: list[SealMovementOut]
    verifications: list[SealVerificationOut]

    @staticmethod
    def resolve_movements(obj):
        return list(obj.movements.all())

    @staticmethod
    def resolve_verifications(obj):
        return list(obj.verifications.all())


class SealFilters(Schema):
    state: SealState | None = None
    number: str | None = Field(None, max_length=40, description="All or part of the number.")
    batch_id: Id | None = None


class SealEventIn(StrictInput):
    event: Literal["issue", "return", "remove", "lose", "damage", "void"]
    issued_to_id: StrictId | None = Field(None, description="For issue; default: you.")
    site_id: StrictId | None = Field(None, description="For remove: where it was removed.")
    reason: str = Field("", max_length=2000, description="Why lost, damaged or voided.")
    note: str = Field("", max_length=2000)


class SealVerificationIn(StrictInput):
    site_id: StrictId
    document_seal_number: str = Field(..., min_length=1, max_length=40)
    found_seal_number: str = Field(..., min_length=1, max_length=40)
    view_ok: StrictBool
    tug_ok: StrictBool
    twist_ok: StrictBool
    note: str = Field("", max_length=2000)


class SealVerificationResultOut(Schema):
    verification: SealVerificationOut
    incident_id: int | None


class SealGapOut(Schema):
    batch: int
    first: str
    last: str
    count: int
    before: str


class SealUnaccountedOut(Schema):
    number: str
    why: str


class SealIssuedUnappliedOut(Schema):
    number: str
    issued_to: str
    days: int


class SealReconciliationOut(Schema):
    as_of: datetime.datetime
    issued_unapplied_days: int
    clean: bool
    counts: dict[str, int]
    unaccounted: list[SealUnaccountedOut]
    gaps: list[SealGapOut]
    issued_unapplied: list[SealIssuedUnappliedOut]


class SealAuditOut(Schema):
    id: int
    audited_on: datetime.date
    counted: int
    expected_in_stock: int
    missing: list[str]
    unexpected: list[str]
    notes: str
    signed_off_by: str | None = Field(None, alias="signed_off_by.email")
    signed_off_at: datetime.datetime | None

    @staticmethod
    def resolve_counted(obj):
        return len(obj.counted_numbers)


class SealAuditDetailOut(SealAuditOut):
    counted_numbers: list[str]
    report: dict


class SealAuditIn(StrictInput):
    audited_on: IsoDate
    counted_numbers: list[SealNumber] = Field(..., max_length=50_000)
    notes: str = Field("", max_length=5000)


class SealAuditSignOffIn(StrictInput):
    note: str = Field("", max_length=2000)


# -- schemas: incidents ----------------------------------------------------------------------
class IncidentNotificationOut(Schema):
    id: int
    incident_id: int
    party: NotifiedParty
    contact: str
    notified_at: datetime.datetime
    method: NotificationMethod
    reference: str
    note: str


class IncidentNotificationIn(StrictInput):
    party: NotifiedParty
    contact: str = Field(..., min_length=1, max_length=200)
    method: NotificationMethod
    notified_at: IsoDateTime | None = Field(None, description="Default: now.")
    reference: str = Field("", max_length=120)
    note: str = Field("", max_length=2000)


class IncidentActionOut(Schema):
    id: int
    incident_id: int
    title: str
    description: str
    owner_id: int | None
    due_date: datetime.date | None
    status: ActionStatus
    completion_note: str
    completed_at: datetime.datetime | None
    risk_action_id: int | None


class IncidentActionIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    owner_id: StrictId | None = None
    due_date: IsoDate | None = None
    status: ActionStatus = ActionStatus.OPEN
    on_risk_plan: StrictBool = Field(
        False, description="Also put it on the latest risk assessment's action plan."
    )


class IncidentActionPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_id: StrictId | None = None
    due_date: IsoDate | None = None
    status: ActionStatus | None = None
    completion_note: str | None = Field(None, max_length=5000)


class IncidentOut(Schema):
    id: int
    title: str
    incident_type: IncidentType
    occurred_at: datetime.datetime
    site_id: int | None
    inspection_id: int | None
    seal_id: int | None
    shipment_reference: str
    partner_id: int | None
    description: str
    severity: Severity
    status: IncidentStatus
    cbp_reportable: bool
    cbp_report_due_at: datetime.datetime | None
    cbp_reported_at: datetime.datetime | None
    cbp_report_reference: str
    cbp_overdue: bool
    investigation_notes: str
    root_cause: str
    closed_at: datetime.datetime | None
    closed_by: str | None = Field(None, alias="closed_by.email")
    closure_note: str
    file_ids: list[int]

    @staticmethod
    def resolve_cbp_overdue(obj):
        return bool(
            obj.cbp_reportable
            and obj.cbp_reported_at is None
            and obj.cbp_report_due_at is not None
            and obj.cbp_report_due_at < timezone.now()
        )

    @staticmethod
    def resolve_file_ids(obj):
        return sorted(d.pk for d in obj.files.all())


class IncidentDetailOut(IncidentOut):
    notifications: list[IncidentNotificationOut]
    actions: list[IncidentActionOut]

    @staticmethod
    def resolve_notifications(obj):
        return list(obj.notifications.all())

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())


class IncidentIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    incident_type: IncidentType
    description: str = Field(..., min_length=1, max_length=20000)
    occurred_at: IsoDateTime | None = Field(None, description="Default: now.")
    severity: Severity = Severity.MEDIUM
    site_id: StrictId | None = None
    inspection_id: StrictId | None = None
    seal_id: StrictId | None = None
    partner_id: StrictId | None = None
    shipment_reference: str = Field("", max_length=60)


class IncidentPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    incident_type: IncidentType | None = None
    description: str | None = Field(None, min_length=1, max_length=20000)
    occurred_at: IsoDateTime | None = None
    severity: Severity | None = None
    site_id: StrictId | None = Field(None, description="null clears it.")
    inspection_id: StrictId | None = Field(None, description="null clears it.")
    seal_id: StrictId | None = Field(None, description="null clears it.")
    partner_id: StrictId | None = Field(None, description="null clears it.")
    shipment_reference: str | None = Field(None, max_length=60)
    investigation_notes: str | None = Field(None, max_length=20000)
    root_cause: str | None = Field(None, max_length=5000)


class IncidentCloseIn(StrictInput):
    root_cause: str = Field(..., min_length=1, max_length=5000)
    closure_note: str = Field(..., min_length=1, max_length=5000)


class IncidentFilters(Schema):
    status: IncidentStatus | None = None
    incident_type: IncidentType | None = None
    cbp_overdue: bool | None = Field(None, description="Reportable, not reported, past due.")


# -- lookups ---------------------------------------------------------------------------------


def _optional(request, model, pk):
    return get_for_org(request, model, pk) if pk is not None else None


REFS = {
    "site_id": ("site", Site),
    "partner_id": ("partner", BusinessPartner),
    "inspection_id": ("inspection", Inspection),
    "seal_id": ("seal", Seal),
    "certificate_id": ("certificate", EvidenceDocument),
}


def _refs(request, data: dict) -> dict:
    """Ids in a body become the organisation's objects (another organisation's: 404)."""
    for key, (name, model) in REFS.items():
        if key in data:
            data[name] = _optional(request, model, data.pop(key))
    if "inspector_id" in data:
        data["inspector"] = member_by_id(request, data.pop("inspector_id"), "inspector_id")
    if "owner_id" in data:
        data["owner"] = member_by_id(request, data.pop("owner_id"))
    if "issuer_ids" in data:
        ids = data.pop("issuer_ids")
        data["issuers"] = [member_by_id(request, pk, "issuer_ids") for pk in dict.fromkeys(ids)]
    return data


def _checklists(request):
    return ChecklistTemplate.objects.for_org(request.org).annotate(point_count=Count("points"))


def _inspections(request):
    return (
        Inspection.objects.for_org(request.org)
        .select_related("inspector")
        .prefetch_related(Prefetch("seals", queryset=Seal.objects.order_by("number")))
    )


def _inspection(request, pk) -> Inspection:
    return get_for_org(request, _inspections(request), pk)


def _batches(request):
    return SealBatch.objects.for_org(request.org).prefetch_related("issuers")


def _seal_detail(request, pk) -> Seal:
    seals = (
        Seal.objects.for_org(request.org)
        .select_related("issued_to", "batch")
        .prefetch_related(
            Prefetch("movements", queryset=SealMovement.objects.select_related("by")),
            Prefetch(
                "verifications", queryset=SealVerification.objects.select_related("verified_by")
            ),
        )
    )
    return get_object_or_404(seals, pk=pk)


def _audits(request):
    return SealAudit.objects.for_org(request.org).select_related("signed_off_by")


def _incidents(request):
    return (
        Incident.objects.for_org(request.org).select_related("closed_by").prefetch_related("files")
    )


def _incident(request, pk) -> Incident:
    return get_for_org(request, _incidents(request), pk)


# -- settings --------------------------------------------------------------------------------
SettingsPages(
    settings=services.SETTINGS,
    out=InspectionSettingsOut,
    patch_in=InspectionSettingsPatch,
    api_path="/inspection-settings",
    names={"get": "get_inspection_settings", "update": "update_inspection_settings"},
    example={"cbp_report_hours": 12},
).add_to(router, __name__)


# -- checklists ------------------------------------------------------------------------------
@router.get("/checklists", response=responses({200: list[ChecklistOut]}))
@paginate(Pagination)
def list_checklists(request):
    require(request, Perm.VIEW)
    return services.templates_for(request.org)


@router.post("/checklists", response=responses({201: ChecklistDetailOut}))
def create_checklist(request, payload: ChecklistIn):
    require(request, Perm.CHANGE)
    data = payload.dict()
    copy_from = _optional(request, ChecklistTemplate, data.pop("copy_from_id"))
    template = services.create_template(request.org, request.user, copy_from=copy_from, **data)
    return Status(201, _checklists(request).get(pk=template.pk))


@router.get("/checklists/{checklist_id}", response=responses({200: ChecklistDetailOut}))
def get_checklist(request, checklist_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, _checklists(request), checklist_id)


@router.patch("/checklists/{checklist_id}", response=responses({200: ChecklistDetailOut}))
def update_checklist(request, checklist_id: Id, payload: ChecklistPatch):
    require(request, Perm.CHANGE)
    template = get_for_org(request, _checklists(request), checklist_id)
    return services.update_template(request.org, request.user, template, **payload.given())


@router.post("/checklists/{checklist_id}/points", response=responses({201: ChecklistPointOut}))
def add_checklist_point(request, checklist_id: Id, payload: ChecklistPointIn):
    require(request, Perm.CHANGE)
    template = get_for_org(request, ChecklistTemplate, checklist_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, services.add_point(request.org, request.user, template, **data))


@router.patch(
    "/checklist-points/{checklist_point_id}", response=responses({200: ChecklistPointOut})
)
def update_checklist_point(request, checklist_point_id: Id, payload: ChecklistPointPatch):
    require(request, Perm.CHANGE)
    point = get_for_org(request, ChecklistPoint, checklist_point_id, "template")
    return services.update_point(request.org, request.user, point, **payload.given())


@router.delete("/checklist-points/{checklist_point_id}", response=responses({204: None}))
def delete_checklist_point(request, checklist_point_id: Id):
    require(request, Perm.CHANGE)
    point = get_for_org(request, ChecklistPoint, checklist_point_id, "template")
    services.delete_point(request.org, request.user, point)
    return Status(204, None)


# -- inspections -----------------------------------------------------------------------------
@router.get("/inspections", response=responses({200: list[InspectionOut]}))
@paginate(Pagination)
def list_inspections(request, filters: Query[InspectionFilters]):
    require(request, Perm.VIEW)
    inspections = _inspections(request)
    if filters.date_from:
        inspections = inspections.filter(inspected_at__date__gte=filters.date_from)
    if filters.date_to:
        inspections = inspections.filter(inspected_at__date__lte=filters.date_to)
    if filters.site_id is not None:
        inspections = inspections.filter(site_id=filters.site_id)
    if filters.result:
        inspections = inspections.filter(result=filters.result)
    if filters.status:
        inspections = inspections.filter(status=filters.status)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        inspections = inspections.filter(
            Q(container_number__icontains=q)
            | Q(trailer_number__icontains=q)
            | Q(truck_plate__icontains=q)
            | Q(trailer_plate__icontains=q)
            | Q(shipment_reference__icontains=q)
        )
    return inspections


@router.post("/inspections", response=responses({201: InspectionDetailOut}))
def start_inspection(request, payload: InspectionIn):
    require(request, Perm.CHANGE)
    data = payload.dict()
    template = get_for_org(request, ChecklistTemplate, data.pop("checklist_id"))
    if data["inspected_at"] is None:
        del data["inspected_at"]
    if data["inspector_id"] is None:
        del data["inspector_id"]
    inspection = services.start_inspection(
        request.org, request.user, template, **_refs(request, data)
    )
    return Status(201, _inspection(request, inspection.pk))


@router.get("/inspections/{inspection_id}", response=responses({200: InspectionDetailOut}))
def get_inspection(request, inspection_id: Id):
    require(request, Perm.VIEW)
    return _inspection(request, inspection_id)


@router.patch("/inspections/{inspection_id}", response=responses({200: InspectionDetailOut}))
def update_inspection(request, inspection_id: Id, payload: InspectionPatch):
    require(request, Perm.CHANGE)
    inspection = _inspection(request, inspection_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k == "partner_id"}
    services.update_inspection(request.org, request.user, inspection, **_refs(request, data))
    return inspection


@router.delete("/inspections/{inspection_id}", response=responses({204: None}))
def delete_inspection(request, inspection_id: Id):
    require(request, Perm.CHANGE)
    services.delete_inspection(
        request.org, request.user, get_for_org(request, Inspection, inspection_id)
    )
    return Status(204, None)


@router.patch(
    "/inspection-points/{inspection_point_id}", response=responses({200: InspectionPointOut})
)
def record_inspection_point(request, inspection_point_id: Id, payload: InspectionPointPatch):
    require(request, Perm.CHANGE)
    point = get_for_org(request, InspectionPoint, inspection_point_id, "inspection")
    result = payload.result if payload.result is not None else point.result
    note = payload.note if payload.note is not None else point.note
    return services.record_point(request.org, request.user, point, result=result, note=note)


@router.post(
    "/inspection-points/{inspection_point_id}/photo",
    response=responses({200: InspectionPointOut}),
)
def upload_point_photo(
    request,
    inspection_point_id: Id,
    file: File[UploadedFile],
    result: Form[str] = "",
    note: Form[str] = "",
):
    """Attach a photo to a point (result and note default to the point's own)."""
    require(request, Perm.CHANGE)
    point = get_for_org(request, InspectionPoint, inspection_point_id, "inspection")
    return services.record_point(
        request.org,
        request.user,
        point,
        result=result or point.result,
        note=note or point.note,
        photo=file,
    )


@router.post(
    "/inspections/{inspection_id}/pass-remaining", response=responses({200: InspectionPassedOut})
)
def pass_remaining(request, inspection_id: Id):
    require(request, Perm.CHANGE)
    inspection = _inspection(request, inspection_id)
    passed = services.pass_remaining(request.org, request.user, inspection)
    return {"passed": passed, "inspection": _inspection(request, inspection_id)}


@router.post(
    "/inspections/{inspection_id}/complete", response=responses({200: InspectionDetailOut})
)
def complete_inspection(request, inspection_id: Id, payload: InspectionCompleteIn):
    require(request, Perm.CHANGE)
    inspection = _inspection(request, inspection_id)
    try:
        services.complete_inspection(request.org, request.user, inspection, **payload.dict())
    except NotFound as exc:  # a seal number not in the inventory: the body is wrong
        raise invalid("seal_numbers", exc.message) from exc
    return _inspection(request, inspection_id)


# -- seal batches ----------------------------------------------------------------------------
@router.get("/seal-batches", response=responses({200: list[SealBatchOut]}))
@paginate(Pagination)
def list_seal_batches(request):
    require(request, Perm.VIEW)
    return _batches(request)


@router.post("/seal-batches", response=responses({201: SealBatchDetailOut}))
def create_seal_batch(request, payload: SealBatchIn):
    require(request, Perm.CHANGE)
    batch = services.create_batch(request.org, request.user, **_refs(request, payload.dict()))
    return Status(201, get_for_org(request, _batches(request), batch.pk))


@router.get("/seal-batches/{batch_id}", response=responses({200: SealBatchDetailOut}))
def get_seal_batch(request, batch_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, _batches(request), batch_id)


@router.patch("/seal-batches/{batch_id}", response=responses({200: SealBatchDetailOut}))
def update_seal_batch(request, batch_id: Id, payload: SealBatchPatch):
    require(request, Perm.CHANGE)
    batch = get_for_org(request, SealBatch, batch_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k in ("site_id", "certificate_id")}
    services.update_batch(request.org, request.user, batch, **_refs(request, data))
    return get_for_org(request, _batches(request), batch_id)


# -- seals -----------------------------------------------------------------------------------
@router.get("/seals", response=responses({200: list[SealOut]}))
@paginate(Pagination)
def list_seals(request, filters: Query[SealFilters]):
    require(request, Perm.VIEW)
    seals = Seal.objects.for_org(request.org).select_related("issued_to")
    if filters.state:
        seals = seals.filter(state=filters.state)
    if filters.number and filters.number.strip():
        seals = seals.filter(number__icontains=filters.number.strip())
    if filters.batch_id is not None:
        seals = seals.filter(batch_id=filters.batch_id)
    return seals


@router.get("/seals/reconciliation", response=responses({200: SealReconciliationOut}))
def seal_reconciliation(request, days: int | None = Query(None, ge=1, le=3650)):
    """What the seal log cannot account for: lost or missing seals, gaps, issued unapplied."""
    require(request, Perm.VIEW)
    report = services.reconciliation_report(request.org, days=days)
    return {**report.as_dict(), "as_of": report.as_of, "clean": report.clean}


@router.get("/seals/{seal_id}", response=responses({200: SealDetailOut}))
def get_seal(request, seal_id: Id):
    require(request, Perm.VIEW)
    return _seal_detail(request, seal_id)


@router.post("/seals/{seal_id}/events", response=responses({200: SealDetailOut}))
def seal_event(request, seal_id: Id, payload: SealEventIn):
    """One step of the seal's life; applying happens when an inspection is completed."""
    require(request, Perm.CHANGE)
    seal = get_for_org(request, Seal, seal_id, "batch")
    org, actor = request.org, request.user
    if payload.event == "issue":
        to = member_by_id(request, payload.issued_to_id or actor.pk, "issued_to_id")
        services.issue_seal(org, actor, seal, to, role=request.role)
    elif payload.event == "return":
        services.return_seal(org, actor, seal, note=payload.note.strip())
    elif payload.event == "remove":
        site = _optional(request, Site, payload.site_id)
        services.remove_seal(org, actor, seal, note=payload.note.strip(), site=site)
    else:
        reason = payload.reason.strip() or payload.note.strip()
        services.write_off_seal(org, actor, seal, payload.event, reason)
    return _seal_detail(request, seal_id)


@router.post("/seal-verifications", response=responses({201: SealVerificationResultOut}))
def verify_seal(request, payload: SealVerificationIn):
    """VVTT at receipt; a failed step or a number mismatch opens a seal-discrepancy incident."""
    require(request, Perm.CHANGE)
    data = payload.dict()
    site = get_for_org(request, Site, data.pop("site_id"))
    check, incident = services.verify_seal(request.org, request.user, site=site, **data)
    return Status(201, {"verification": check, "incident_id": incident.pk if incident else None})


# -- seal audits -----------------------------------------------------------------------------
@router.get("/seal-audits", response=responses({200: list[SealAuditOut]}))
@paginate(Pagination)
def list_seal_audits(request):
    require(request, Perm.VIEW)
    return _audits(request)


@router.post("/seal-audits", response=responses({201: SealAuditDetailOut}))
def record_seal_audit(request, payload: SealAuditIn):
    require(request, Perm.CHANGE)
    seal_audit = services.record_seal_audit(request.org, request.user, **payload.dict())
    return Status(201, seal_audit)


@router.get("/seal-audits/{seal_audit_id}", response=responses({200: SealAuditDetailOut}))
def get_seal_audit(request, seal_audit_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, _audits(request), seal_audit_id)


@router.post("/seal-audits/{seal_audit_id}/sign-off", response=responses({200: SealAuditDetailOut}))
def sign_off_seal_audit(request, seal_audit_id: Id, payload: SealAuditSignOffIn):
    """Management signs the count off (owners only)."""
    require(request, Perm.CHANGE)
    seal_audit = get_for_org(request, _audits(request), seal_audit_id)
    return services.sign_off_seal_audit(
        request.org, request.user, seal_audit, request.role, note=payload.note
    )


# -- incidents -------------------------------------------------------------------------------
@router.get("/incidents", response=responses({200: list[IncidentOut]}))
@paginate(Pagination)
def list_incidents(request, filters: Query[IncidentFilters]):
    require(request, Perm.VIEW)
    incidents = _incidents(request)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.incident_type:
        incidents = incidents.filter(incident_type=filters.incident_type)
    if filters.cbp_overdue is not None:
        overdue = Q(
            cbp_reportable=True, cbp_reported_at__isnull=True, cbp_report_due_at__lt=timezone.now()
        )
        incidents = incidents.filter(overdue if filters.cbp_overdue else ~overdue)
    return incidents


@router.post("/incidents", response=responses({201: IncidentDetailOut}))
def create_incident(request, payload: IncidentIn):
    require(request, Perm.CHANGE)
    data = payload.dict()
    if data["occurred_at"] is None:
        del data["occurred_at"]
    incident = services.create_incident(request.org, request.user, **_refs(request, data))
    return Status(201, _incident(request, incident.pk))


@router.get("/incidents/{incident_id}", response=responses({200: IncidentDetailOut}))
def get_incident(request, incident_id: Id):
    require(request, Perm.VIEW)
    return _incident(request, incident_id)


@router.patch("/incidents/{incident_id}", response=responses({200: IncidentDetailOut}))
def update_incident(request, incident_id: Id, payload: IncidentPatch):
    require(request, Perm.CHANGE)
    incident = _incident(request, incident_id)
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k in REFS}
    services.update_incident(request.org, request.user, incident, **_refs(request, data))
    return incident


@router.post(
    "/incidents/{incident_id}/notifications", response=responses({201: IncidentNotificationOut})
)
def add_incident_notification(request, incident_id: Id, payload: IncidentNotificationIn):
    """Who was told, when and how; telling CBP meets the reporting deadline."""
    require(request, Perm.CHANGE)
    incident = get_for_org(request, Incident, incident_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    notification = services.add_notification(request.org, request.user, incident, **data)
    return Status(201, notification)


@router.post("/incidents/{incident_id}/actions", response=responses({201: IncidentActionOut}))
def add_incident_action(request, incident_id: Id, payload: IncidentActionIn):
    require(request, Perm.CHANGE)
    incident = get_for_org(request, Incident, incident_id)
    data = _refs(request, payload.dict())
    action = services.add_corrective_action(request.org, request.user, incident, **data)
    return Status(201, action)


@router.patch(
    "/corrective-actions/{corrective_action_id}", response=responses({200: IncidentActionOut})
)
def update_incident_action(request, corrective_action_id: Id, payload: IncidentActionPatch):
    require(request, Perm.CHANGE)
    action = get_for_org(request, CorrectiveAction, corrective_action_id, "incident", "risk_action")
    data = payload.dict(exclude_unset=True)
    data = {k: v for k, v in data.items() if v is not None or k in ("owner_id", "due_date")}
    return services.update_corrective_action(
        request.org, request.user, action, **_refs(request, data)
    )


@router.post("/incidents/{incident_id}/close", response=responses({200: IncidentDetailOut}))
def close_incident(request, incident_id: Id, payload: IncidentCloseIn):
    """Sign-off (owners only): cause found, CBP told where required, every action settled."""
    require(request, Perm.CHANGE)
    incident = _incident(request, incident_id)
    services.close_incident(request.org, request.user, incident, request.role, **payload.dict())
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/files", response=responses({201: IncidentDetailOut}))
def attach_incident_file(request, incident_id: Id, file: File[UploadedFile]):
    """Attach a photo or document; it also enters the evidence library."""
    require(request, Perm.CHANGE)
    incident = get_for_org(request, Incident, incident_id)
    services.attach_files(request.org, request.user, incident, [file])
    return Status(201, _incident(request, incident_id))
