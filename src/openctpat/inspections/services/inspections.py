"""Inspections of a conveyance against a checklist, point by point, then signed."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import check_member, clean_text, refuse_unknown
from openctpat.core.errors import Conflict, invalid
from openctpat.core.filters import narrowed
from openctpat.profiles import services as profile_services
from openctpat.profiles.models import EvidenceDocument

from .. import iso6346
from ..models import (
    ChecklistTemplate,
    ConveyanceType,
    Inspection,
    InspectionPoint,
    InspectionResult,
    InspectionStatus,
    PointResult,
)
from .checklists import copy_points
from .org_settings import _lock_open, _same_org
from .seals import apply_seal, find_seal

INSPECTION_FIELDS = (
    "site",
    "inspected_at",
    "inspector",
    "container_number",
    "trailer_number",
    "truck_plate",
    "trailer_plate",
    "driver_name",
    "driver_id",
    "shipment_reference",
    "partner",
    "notes",
    "supervisor_name",
)
INSPECTION_AUDITED = (*INSPECTION_FIELDS, "status", "result", "signature_name", "signed_at")
CONTAINER_TYPES = (ConveyanceType.CONTAINER, ConveyanceType.REEFER)


def _clean_inspection(org, fields: dict, conveyance_type: str) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, INSPECTION_FIELDS)
    for name, limit in (
        ("trailer_number", 40),
        ("truck_plate", 20),
        ("trailer_plate", 20),
        ("driver_name", 120),
        ("driver_id", 60),
        ("shipment_reference", 60),
        ("notes", 5000),
        ("supervisor_name", 120),
        ("container_number", 20),
    ):
        clean_text(fields, name, limit)
    if fields.get("container_number"):
        try:
            fields["container_number"] = iso6346.validate(fields["container_number"])
        except iso6346.ContainerNumberError as exc:
            raise invalid("container_number", str(exc)) from exc
    _same_org(org, fields.get("site"), "site_id", "site")
    _same_org(org, fields.get("partner"), "partner_id", "business partner")
    check_member(org, fields.get("inspector"), "inspector", "The inspector must be a member.")
    when = fields.get("inspected_at")
    if when is not None and when > timezone.now() + datetime.timedelta(hours=1):
        raise invalid("inspected_at", "An inspection cannot be in the future.")
    return fields


def _identify(inspection: Inspection, changes: dict | None = None) -> None:
    """MSC 5.5: the record names the IIT: a container number, or a trailer or plate."""
    ids = ("container_number", "trailer_number", "truck_plate", "trailer_plate")
    value = {f: (changes or {}).get(f, getattr(inspection, f)) for f in ids}
    if inspection.conveyance_type in CONTAINER_TYPES and not value["container_number"]:
        raise invalid("container_number", "A container inspection needs the container number.")
    if not any(value.values()):
        raise invalid(
            "trailer_number", "Give the container number, trailer number or a licence plate."
        )


@transaction.atomic
def start_inspection(org, actor, template: ChecklistTemplate, **fields) -> Inspection:
    """An inspection against the template's current points (copied, so later edits keep it)."""
    _same_org(org, template, "template_id", "checklist")
    if not template.active:
        raise invalid("template_id", "This checklist is retired; pick an active one.")
    if fields.get("site") is None:
        raise invalid("site_id", "Which site is the inspection at?")
    fields.setdefault("inspector", actor)
    fields.setdefault("inspected_at", timezone.now())
    fields = _clean_inspection(org, fields, template.conveyance_type)
    inspection = Inspection(
        organisation=org,
        template=template,
        template_name=template.name,
        template_version=template.version,
        conveyance_type=template.conveyance_type,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    _identify(inspection)
    inspection.save()
    points = list(template.points.all())
    if not points:
        raise Conflict("This checklist has no points yet.")
    copy_points(InspectionPoint, org, actor, points, inspection=inspection)
    if not template.used:
        ChecklistTemplate.objects.filter(pk=template.pk).update(used=True)
        template.used = True
    audit.record_created(org, actor, inspection, INSPECTION_AUDITED)
    return inspection


def _ensure_open(inspection: Inspection) -> None:
    message = "This inspection is signed and completed; it can no longer change."
    _lock_open(inspection, inspection.is_completed, message)


@transaction.atomic
def update_inspection(org, actor, inspection: Inspection, **fields) -> Inspection:
    _ensure_open(inspection)
    fields = _clean_inspection(org, fields, inspection.conveyance_type)
    _identify(inspection, fields)
    return audit.update_audited(org, actor, inspection, fields, INSPECTION_AUDITED)


@transaction.atomic
def delete_inspection(org, actor, inspection: Inspection) -> None:
    _ensure_open(inspection)
    audit.delete_audited(org, actor, inspection, INSPECTION_AUDITED)


@transaction.atomic
def record_point(
    org, actor, point: InspectionPoint, *, result: str, note: str = "", photo=None
) -> InspectionPoint:
    """One tap per point; a failed point must say what was found (and may carry a photo)."""
    _ensure_open(point.inspection)
    if result not in PointResult.values:
        raise invalid("result", "Choose pass, fail or N/A.")
    values = {"result": result, "note": note}
    clean_text(values, "note", 2000)
    if result == PointResult.FAIL and not values["note"]:
        raise invalid("note", f"Point {point.position} failed: say what was found.")
    if photo is not None:
        values["photo"] = _store_photo(org, actor, photo, point)
    return audit.update_audited(org, actor, point, values, ("result", "note", "photo"))


def _store_photo(org, actor, uploaded, point: InspectionPoint) -> EvidenceDocument:
    title = f"Inspection {point.inspection_id}, point {point.position}: {point.title}"[:200]
    # The same photo again (a retry from a phone on a poor connection) links the first one.
    return profile_services.upload_or_link_evidence(org, actor, uploaded, title=title)


@transaction.atomic
def pass_remaining(org, actor, inspection: Inspection) -> int:
    """A clean container in seconds: every point not yet answered passes."""
    _ensure_open(inspection)
    open_points = concurrency.lock_all(inspection.points.filter(result=""))
    for point in open_points:
        point.result = PointResult.PASS
        point.updated_by = actor
    InspectionPoint.objects.bulk_update(open_points, ["result", "updated_by"])
    if open_points:
        changes = {"points_passed": [None, [p.position for p in open_points]]}
        audit.record_changes(AuditAction.UPDATE, org, actor, inspection, changes)
    return len(open_points)


@transaction.atomic
def complete_inspection(
    org,
    actor,
    inspection: Inspection,
    *,
    signature_name: str,
    seal_numbers: list[str] = (),
    supervisor_name: str = "",
) -> Inspection:
    """Sign the inspection and apply its seals; a failed conveyance is not sealed."""
    _ensure_open(inspection)
    values = {"signature_name": signature_name, "supervisor_name": supervisor_name}
    clean_text(values, "signature_name", 120, required=True)
    clean_text(values, "supervisor_name", 120)
    points = list(inspection.points.all())
    unanswered = [p.position for p in points if not p.result]
    if unanswered:
        raise invalid(
            "points", f"Answer every point first: {', '.join(map(str, unanswered))} still open."
        )
    silent = [p.position for p in points if p.result == PointResult.FAIL and not p.note.strip()]
    if silent:
        raise invalid("points", f"Failed points need a note: {', '.join(map(str, silent))}.")
    failed = any(p.result == PointResult.FAIL for p in points)
    numbers = [n.strip() for n in seal_numbers if n and n.strip()]
    if len(set(numbers)) != len(numbers):
        raise invalid("seal_numbers", "The same seal number is given twice.")
    if failed and numbers:
        raise invalid(
            "seal_numbers",
            "The conveyance failed inspection: it must not be loaded or sealed. "
            "Complete it without seals and open an incident.",
        )
    for number in numbers:
        apply_seal(org, actor, find_seal(org, number), inspection)
    now = timezone.now()
    values.update(
        status=InspectionStatus.COMPLETED,
        result=InspectionResult.FAIL if failed else InspectionResult.PASS,
        signed_at=now,
    )
    return audit.update_audited(org, actor, inspection, values, INSPECTION_AUDITED)


def search_inspections(
    org, *, date_from=None, date_to=None, site_id=None, result=None, status=None, q=None
):
    """The organisation's inspections, newest first, narrowed by the list's filters."""
    inspections = narrowed(
        Inspection.objects.for_org(org),
        inspected_at__date__gte=date_from,
        inspected_at__date__lte=date_to,
        site_id=site_id,
        result=result,
        status=status,
    )
    if q and q.strip():
        q = q.strip()
        inspections = inspections.filter(
            Q(container_number__icontains=q)
            | Q(trailer_number__icontains=q)
            | Q(truck_plate__icontains=q)
            | Q(trailer_plate__icontains=q)
            | Q(shipment_reference__icontains=q)
        )
    return inspections
