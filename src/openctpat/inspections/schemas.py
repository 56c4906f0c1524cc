"""The JSON shapes of inspections, the seal inventory and security incidents.

Class names carry the app's prefixes (Checklist…, Inspection…, Seal…, Incident…):
django-ninja names OpenAPI components by class name, across every app.
"""

import datetime
import re
from typing import Annotated, Literal

from django.db.models import Count
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StrictBool, StrictInt

from openctpat.core.models import ActionStatus
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, patch_of

from .models import (
    ConveyanceType,
    IncidentStatus,
    IncidentType,
    InspectionResult,
    InspectionStatus,
    NotificationMethod,
    NotifiedParty,
    PointResult,
    SealClass,
    Severity,
)
from .seal_states import SealState

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


class IncidentActionPatch(
    patch_of(IncidentActionIn, "IncidentActionPatch", exclude=("on_risk_plan",))
):
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
