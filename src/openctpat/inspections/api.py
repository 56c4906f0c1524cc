"""The JSON API of inspections, the seal inventory and security incidents: the declared
resources (resources.py) and the workflows: point results, sign-off, seal moves, VVTT,
seal-audit sign-off, incident notifications, closure and files."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from openctpat.core.errors import NotFound, invalid
from openctpat.core.orgsettings import SettingsPages
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, member_by_id, require
from openctpat.core.schemas import Id, responses
from openctpat.profiles.models import Site

from . import resources, schemas, services
from .models import (
    Incident,
    InspectionPoint,
    Seal,
    SealMovement,
    SealVerification,
)
from .schemas import (
    IncidentCloseIn,
    IncidentDetailOut,
    IncidentNotificationIn,
    IncidentNotificationOut,
    InspectionCompleteIn,
    InspectionDetailOut,
    InspectionPassedOut,
    InspectionPointOut,
    InspectionPointPatch,
    SealAuditDetailOut,
    SealAuditSignOffIn,
    SealDetailOut,
    SealEventIn,
    SealFilters,
    SealOut,
    SealReconciliationOut,
    SealVerificationIn,
    SealVerificationResultOut,
)

router = Router(tags=["inspections, seals and incidents"])


# -- lookups ---------------------------------------------------------------------------------


def _optional(request, model, pk):
    return get_for_org(request, model, pk) if pk is not None else None


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


# -- settings --------------------------------------------------------------------------------
SettingsPages(
    services.SETTINGS,
    schemas,
    "InspectionSettings",
    "/inspection-settings",
    example={"cbp_report_hours": 12},
).add_to(router, __name__)


# -- declared resources: checklists, inspections, seal batches and audits, incidents --------
for resource in (
    resources.checklists,
    resources.checklist_points,
    resources.inspections,
    resources.seal_batches,
    resources.seal_audits,
    resources.incidents,
    resources.corrective_actions,
):
    resource.add_to(router, __name__)


# -- inspections -----------------------------------------------------------------------------


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
    inspection = resources.inspections.get(request, inspection_id)
    passed = services.pass_remaining(request.org, request.user, inspection)
    return {"passed": passed, "inspection": resources.inspections.get(request, inspection_id)}


@router.post(
    "/inspections/{inspection_id}/complete", response=responses({200: InspectionDetailOut})
)
def complete_inspection(request, inspection_id: Id, payload: InspectionCompleteIn):
    require(request, Perm.CHANGE)
    inspection = resources.inspections.get(request, inspection_id)
    try:
        services.complete_inspection(request.org, request.user, inspection, **payload.dict())
    except NotFound as exc:  # a seal number not in the inventory: the body is wrong
        raise invalid("seal_numbers", exc.message) from exc
    return resources.inspections.get(request, inspection_id)


# -- seals -----------------------------------------------------------------------------------
@router.get("/seals", response=responses({200: list[SealOut]}))
@paginate(Pagination)
def list_seals(request, filters: Query[SealFilters]):
    require(request, Perm.VIEW)
    return services.search_seals(request.org, **filters.dict()).select_related("issued_to")


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


@router.post("/seal-audits/{seal_audit_id}/sign-off", response=responses({200: SealAuditDetailOut}))
def sign_off_seal_audit(request, seal_audit_id: Id, payload: SealAuditSignOffIn):
    """Management signs the count off (owners only)."""
    require(request, Perm.CHANGE)
    seal_audit = resources.seal_audits.get(request, seal_audit_id)
    return services.sign_off_seal_audit(
        request.org, request.user, seal_audit, request.role, note=payload.note
    )


# -- incidents -------------------------------------------------------------------------------


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


@router.post("/incidents/{incident_id}/close", response=responses({200: IncidentDetailOut}))
def close_incident(request, incident_id: Id, payload: IncidentCloseIn):
    """Sign-off (owners only): cause found, CBP told where required, every action settled."""
    require(request, Perm.CHANGE)
    incident = resources.incidents.get(request, incident_id)
    services.close_incident(request.org, request.user, incident, request.role, **payload.dict())
    return resources.incidents.get(request, incident_id)


@router.post("/incidents/{incident_id}/files", response=responses({201: IncidentDetailOut}))
def attach_incident_file(request, incident_id: Id, file: File[UploadedFile]):
    """Attach a photo or document; it also enters the evidence library."""
    require(request, Perm.CHANGE)
    incident = get_for_org(request, Incident, incident_id)
    services.attach_files(request.org, request.user, incident, [file])
    return Status(201, resources.incidents.get(request, incident_id))
