"""Inspections, seals and incidents: the domain rules every page, API call and import obeys."""

import datetime
import functools
from pathlib import Path

import yaml
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import check_member, clean_text, create_audited, refuse_unknown
from openctpat.core.errors import Conflict, NotFound, PermissionDenied, invalid
from openctpat.core.models import ActionStatus
from openctpat.core.orgsettings import OrgSettings
from openctpat.core.permissions import Role
from openctpat.core.reminders import owner_emails
from openctpat.profiles import services as profile_services
from openctpat.profiles.models import EvidenceDocument, Site

from . import iso6346, reconciliation
from .models import (
    CBP_REPORTABLE,
    ChecklistPoint,
    ChecklistTemplate,
    ConveyanceType,
    CorrectiveAction,
    Incident,
    IncidentNotification,
    IncidentStatus,
    IncidentType,
    Inspection,
    InspectionPoint,
    InspectionResult,
    InspectionSettings,
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
from .seal_states import IllegalTransition, SealEvent, SealState, next_state

DATA = Path(__file__).parent / "data"
TEMPLATE_FIELDS = ("name", "conveyance_type", "description", "source", "active", "version")
POINT_FIELDS = ("position", "section", "title", "guidance", "agricultural")
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
BATCH_FIELDS = (
    "manufacturer",
    "seal_type",
    "iso_class",
    "certificate_reference",
    "certificate",
    "prefix",
    "first_number",
    "last_number",
    "digits",
    "received_on",
    "storage_location",
    "site",
    "notes",
)
BATCH_EDITABLE = (
    "manufacturer",
    "seal_type",
    "certificate_reference",
    "certificate",
    "storage_location",
    "site",
    "notes",
)
INCIDENT_FIELDS = (
    "title",
    "incident_type",
    "occurred_at",
    "site",
    "inspection",
    "seal",
    "shipment_reference",
    "partner",
    "description",
    "severity",
    "investigation_notes",
    "root_cause",
)
INCIDENT_AUDITED = (
    *INCIDENT_FIELDS,
    "status",
    "cbp_reportable",
    "cbp_report_due_at",
    "cbp_reported_at",
    "cbp_report_reference",
    "closed_at",
    "closure_note",
)
NOTIFICATION_FIELDS = ("party", "contact", "notified_at", "method", "reference", "note")
CORRECTIVE_FIELDS = ("title", "description", "owner", "due_date", "status", "completion_note")
SETTINGS_FIELDS = ("issued_unapplied_days", "seal_audit_interval_days", "cbp_report_hours")
MAX_BATCH = 10_000
MAX_SEAL_NUMBER = 10**18 - 1  # fits the 64-bit integer columns
CONTAINER_TYPES = (ConveyanceType.CONTAINER, ConveyanceType.REEFER)


def _same_org(org, obj, field: str, what: str) -> None:
    if obj is not None and obj.organisation_id != org.pk:
        raise invalid(field, f"No such {what} in this organisation.")


def _require_owner(role: str, what: str) -> None:
    if role != Role.OWNER:
        raise PermissionDenied(f"Only an owner (the PCSO or a security manager) can {what}.")


# -- settings --------------------------------------------------------------------------------
def _check_settings(values: dict) -> None:
    limits = {
        "issued_unapplied_days": (1, 365),
        "seal_audit_interval_days": (7, 366),
        "cbp_report_hours": (1, 168),
    }
    for name, (low, high) in limits.items():
        value = values[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise invalid(name, f"A whole number from {low} to {high}.")


SETTINGS = OrgSettings(InspectionSettings, SETTINGS_FIELDS, check=_check_settings)
settings_for = SETTINGS.for_org
update_settings = SETTINGS.update


# -- checklist templates ---------------------------------------------------------------------
@functools.cache
def standard_templates() -> tuple[dict, ...]:
    """The packaged templates, points flattened (shared point lists are YAML anchors)."""
    data = yaml.safe_load((DATA / "checklists.yaml").read_text(encoding="utf-8"))
    out = []
    for template in data["templates"]:
        points = []
        for item in template["points"]:
            points.extend(item if isinstance(item, list) else [item])
        out.append({**template, "points": tuple(points)})
    return tuple(out)


def install_standard_templates(org, actor=None) -> int:
    """Give the organisation its own copy of every packaged template it does not have yet."""
    have = set(ChecklistTemplate.objects.for_org(org).values_list("standard_key", flat=True)) | set(
        ChecklistTemplate.objects.for_org(org).values_list("name", flat=True)
    )
    made = 0
    for spec in standard_templates():
        if spec["key"] in have or spec["name"] in have:
            continue
        template = ChecklistTemplate.objects.create(
            organisation=org,
            name=spec["name"],
            conveyance_type=spec["conveyance_type"],
            description=spec.get("description", ""),
            source=spec.get("source", ""),
            standard_key=spec["key"],
            created_by=actor,
            updated_by=actor,
        )
        ChecklistPoint.objects.bulk_create(
            ChecklistPoint(
                organisation=org,
                template=template,
                position=i,
                section=p.get("section", ""),
                title=p["title"],
                guidance=p.get("guidance", ""),
                agricultural=bool(p.get("agricultural")),
                created_by=actor,
                updated_by=actor,
            )
            for i, p in enumerate(spec["points"], start=1)
        )
        made += 1
    return made


def templates_for(org):
    """The organisation's checklist templates, installing the packaged ones on first use."""
    qs = ChecklistTemplate.objects.for_org(org)
    if not qs.exists():
        with transaction.atomic():
            install_standard_templates(org)
    return qs.annotate(point_count=Count("points")).order_by("-active", "name", "id")


def _clean_template(fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, ("name", "conveyance_type", "description", "source", "active"))
    clean_text(fields, "name", 120, required=True)
    clean_text(fields, "description", 5000)
    clean_text(fields, "source", 300)
    if "conveyance_type" in fields and fields["conveyance_type"] not in ConveyanceType.values:
        raise invalid("conveyance_type", "Choose one of the conveyance types.")
    return fields


def _name_clash(org, name: str, exclude=None) -> None:
    if ChecklistTemplate.objects.for_org(org).filter(name=name).exclude(pk=exclude).exists():
        raise Conflict(
            f"A checklist named {name!r} already exists.",
            field_errors={"name": ["This name is taken."]},
        )


@transaction.atomic
def create_template(org, actor, *, copy_from: ChecklistTemplate | None = None, **fields):
    """A new checklist, empty or copied from another (say, for rail cars or air ULDs)."""
    for required in ("name", "conveyance_type"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields = _clean_template(fields)
    _name_clash(org, fields["name"])
    _same_org(org, copy_from, "copy_from", "checklist")
    template = create_audited(org, actor, ChecklistTemplate, TEMPLATE_FIELDS, **fields)
    if copy_from is not None:
        ChecklistPoint.objects.bulk_create(
            ChecklistPoint(
                organisation=org,
                template=template,
                created_by=actor,
                updated_by=actor,
                **{f: getattr(p, f) for f in POINT_FIELDS},
            )
            for p in copy_from.points.all()
        )
    return template


@transaction.atomic
def update_template(org, actor, template: ChecklistTemplate, **fields) -> ChecklistTemplate:
    concurrency.lock(template)
    fields = _clean_template(fields)
    if "name" in fields:
        _name_clash(org, fields["name"], exclude=template.pk)
    return audit.update_audited(org, actor, template, fields, TEMPLATE_FIELDS)


def _points_changed(org, actor, template: ChecklistTemplate) -> None:
    """Inspections keep their copy of the points; a used template starts a new version."""
    if template.used:
        audit.update_audited(
            org, actor, template, {"version": template.version + 1, "used": False}, TEMPLATE_FIELDS
        )


def _clean_point(fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, POINT_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "section", 60)
    clean_text(fields, "guidance", 2000)
    if "position" in fields and (not isinstance(fields["position"], int) or fields["position"] < 1):
        raise invalid("position", "Positions start at 1.")
    return fields


@transaction.atomic
def add_point(org, actor, template: ChecklistTemplate, **fields) -> ChecklistPoint:
    concurrency.lock(template)
    if not fields.get("title"):
        raise invalid("title", "A point needs a title.")
    fields = _clean_point(fields)
    last = template.points.aggregate(m=Max("position"))["m"] or 0
    position = min(fields.pop("position", last + 1), last + 1)
    template.points.filter(position__gte=position).update(position=F("position") + 1)
    point = create_audited(
        org, actor, ChecklistPoint, POINT_FIELDS, template=template, position=position, **fields
    )
    _points_changed(org, actor, template)
    return point


@transaction.atomic
def update_point(org, actor, point: ChecklistPoint, **fields) -> ChecklistPoint:
    concurrency.lock(point.template)  # the checklist before its point: one lock order
    concurrency.lock(point)
    fields = _clean_point(fields)
    audit.update_audited(org, actor, point, fields, POINT_FIELDS)
    _points_changed(org, actor, point.template)
    return point


@transaction.atomic
def delete_point(org, actor, point: ChecklistPoint) -> None:
    concurrency.lock(point.template)
    template = point.template
    if template.points.count() <= 1:
        raise Conflict("A checklist needs at least one point; add another before removing this.")
    audit.delete_audited(org, actor, point, POINT_FIELDS)
    _points_changed(org, actor, template)


# -- inspections -----------------------------------------------------------------------------
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
    InspectionPoint.objects.bulk_create(
        InspectionPoint(
            organisation=org,
            inspection=inspection,
            created_by=actor,
            updated_by=actor,
            **{f: getattr(p, f) for f in POINT_FIELDS},
        )
        for p in points
    )
    if not template.used:
        ChecklistTemplate.objects.filter(pk=template.pk).update(used=True)
        template.used = True
    audit.record_created(org, actor, inspection, INSPECTION_AUDITED)
    return inspection


def _ensure_open(inspection: Inspection) -> None:
    """Lock the inspection (its points change under it), then refuse once it is signed."""
    concurrency.lock(inspection)
    if inspection.is_completed:
        raise Conflict("This inspection is signed and completed; it can no longer change.")


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
        audit.record(
            AuditAction.UPDATE,
            organisation=org,
            actor=actor,
            target=inspection,
            changes={"points_passed": [None, [p.position for p in open_points]]},
        )
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


# -- seals -----------------------------------------------------------------------------------
def _clean_batch(org, fields: dict, allowed=BATCH_FIELDS) -> dict:
    fields = dict(fields)
    issuers = fields.pop("issuers", None)
    refuse_unknown(fields, allowed)
    for name, limit in (
        ("manufacturer", 120),
        ("seal_type", 60),
        ("certificate_reference", 120),
        ("prefix", 10),
        ("storage_location", 200),
        ("notes", 5000),
    ):
        clean_text(fields, name, limit, required=name in ("manufacturer", "storage_location"))
    if "iso_class" in fields and fields["iso_class"] not in SealClass.values:
        raise invalid("iso_class", "ISO 17712 classes are H, S and I.")
    _same_org(org, fields.get("site"), "site_id", "site")
    _same_org(org, fields.get("certificate"), "certificate_id", "evidence document")
    if issuers is not None:
        for user in issuers:
            check_member(org, user, "issuer_ids", "Every issuer must be a member.")
        fields["issuers"] = list(issuers)
    return fields


def _number_range(fields: dict) -> None:
    first, last = fields.get("first_number"), fields.get("last_number")
    for name, value in (("first_number", first), ("last_number", last)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise invalid(name, "A seal number is a whole number of 0 or more.")
        if value > MAX_SEAL_NUMBER:
            raise invalid(name, "A seal number has at most 18 digits (the prefix aside).")
    if last < first:
        raise invalid("last_number", "The last number comes after the first.")
    if last - first + 1 > MAX_BATCH:
        raise invalid("last_number", f"At most {MAX_BATCH:,} seals per batch; split the range.")
    digits = fields.get("digits", 0)
    if not isinstance(digits, int) or not 0 <= digits <= 20:
        raise invalid("digits", "Zero-padding is 0 to 20 digits.")


@transaction.atomic
def create_batch(org, actor, **fields) -> SealBatch:
    """Receive a purchase of seals: every number in the range enters the stock (logged)."""
    for required in ("manufacturer", "first_number", "last_number", "received_on"):
        if fields.get(required) in (None, ""):
            raise invalid(required, "This field is required.")
    fields = _clean_batch(org, fields)
    _number_range(fields)
    issuers = fields.pop("issuers", [])
    batch = SealBatch(organisation=org, created_by=actor, updated_by=actor, **fields)
    numbers = [batch.number(n) for n in range(batch.first_number, batch.last_number + 1)]
    if max(len(n) for n in numbers) > 40:
        raise invalid("digits", "Seal numbers are at most 40 characters.")
    taken = list(
        Seal.objects.for_org(org).filter(number__in=numbers).values_list("number", flat=True)[:5]
    )
    if taken:
        raise Conflict(
            f"Seal numbers already in the inventory: {', '.join(taken)}. Seal numbers are "
            "unique; check the range.",
            field_errors={"first_number": ["The range overlaps seals already recorded."]},
        )
    batch.save()
    batch.issuers.set(issuers)
    Seal.objects.bulk_create(
        Seal(
            organisation=org,
            batch=batch,
            number=number,
            sequence=batch.first_number + i,
            created_by=actor,
            updated_by=actor,
        )
        for i, number in enumerate(numbers)
    )
    changes = audit.diff({}, audit.snapshot(batch, BATCH_FIELDS))
    changes["issuers"] = [None, sorted(u.pk for u in issuers)]
    changes["seals"] = [None, len(numbers)]
    audit.record(AuditAction.CREATE, organisation=org, actor=actor, target=batch, changes=changes)
    return batch


@transaction.atomic
def update_batch(org, actor, batch: SealBatch, **fields) -> SealBatch:
    concurrency.lock(batch)
    fields = _clean_batch(org, fields, BATCH_EDITABLE)
    issuers = fields.pop("issuers", None)
    audit.update_audited(org, actor, batch, fields, BATCH_EDITABLE)
    if issuers is not None:
        before = sorted(batch.issuers.values_list("pk", flat=True))
        batch.issuers.set(issuers)
        after = sorted(u.pk for u in issuers)
        audit.record_changes(
            AuditAction.UPDATE,
            org,
            actor,
            batch,
            audit.diff({"issuers": before}, {"issuers": after}),
        )
    return batch


def find_seal(org, number: str) -> Seal:
    seal = (
        Seal.objects.for_org(org)
        .select_related("batch")
        .filter(number=(number or "").strip())
        .first()
    )
    if seal is None:
        raise NotFound(f"No seal numbered {number!r} in the inventory.")
    return seal


def may_issue(org, user, batch: SealBatch, role: str | None = None) -> bool:
    """MSC 6.1: only authorised staff issue seals: the batch's issuers, and owners."""
    if role is None:
        from openctpat.accounts.models import Membership

        role = (
            Membership.objects.for_org(org).filter(user=user).values_list("role", flat=True).first()
        )
    return role == Role.OWNER or batch.issuers.filter(pk=user.pk).exists()


def _move(org, actor, seal: Seal, event: SealEvent, *, note: str = "", site=None, **updates):
    """One step of a seal's life: the state machine decides, the log and audit record it."""
    before = seal.state
    try:
        after = next_state(before, event, reason=note)
    except IllegalTransition as exc:
        raise Conflict(f"Seal {seal.number}: {exc}") from exc
    except ValueError as exc:
        raise invalid("reason", str(exc)) from exc
    now = updates.pop("at", None) or timezone.now()
    seal.state = after
    for name, value in updates.items():
        setattr(seal, name, value)
    seal.updated_by = actor
    seal.save()
    SealMovement.objects.create(
        organisation=org,
        seal=seal,
        event=event,
        from_state=before,
        to_state=after,
        at=now,
        by=actor,
        site=site,
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    audit.record(
        AuditAction.UPDATE,
        organisation=org,
        actor=actor,
        target=seal,
        changes={"state": [before, after], **({"note": [None, note]} if note else {})},
    )
    return seal


@transaction.atomic
def issue_seal(org, actor, seal: Seal, to, *, role: str | None = None) -> Seal:
    concurrency.lock(seal)
    if not may_issue(org, actor, seal.batch, role):
        raise PermissionDenied(
            "Only the batch's authorised issuers or an owner may issue seals (MSC 6.1)."
        )
    check_member(org, to, "issued_to_id", "Seals are issued to members only.")
    now = timezone.now()
    return _move(
        org,
        actor,
        seal,
        SealEvent.ISSUE,
        issued_to=to,
        issued_at=now,
        at=now,
        note=f"to {to.email}",
    )


@transaction.atomic
def return_seal(org, actor, seal: Seal, note: str = "") -> Seal:
    concurrency.lock(seal)
    return _move(org, actor, seal, SealEvent.RETURN, note=note, issued_to=None, issued_at=None)


@transaction.atomic
def apply_seal(org, actor, seal: Seal, inspection: Inspection) -> Seal:
    """Seal a loaded conveyance. A seal straight from stock is issued first, by someone allowed."""
    concurrency.lock(seal)
    if seal.state == SealState.IN_STOCK:
        if not may_issue(org, actor, seal.batch):
            raise PermissionDenied(
                f"Seal {seal.number} is still in stock and you may not issue seals; "
                "ask an authorised issuer to issue it to you first."
            )
        issue_seal(org, actor, seal, inspection.inspector)
    elif seal.state in (SealState.APPLIED, SealState.VERIFIED, SealState.REMOVED):
        where = seal.container_number or seal.shipment_reference or "another shipment"
        raise Conflict(f"Seal {seal.number} is already used (on {where}); take another seal.")
    elif seal.state != SealState.ISSUED:
        raise Conflict(
            f"Seal {seal.number} is {seal.get_state_display().lower()} and cannot be applied: "
            f"{seal.reason or 'it was written off'}."
        )
    return _move(
        org,
        actor,
        seal,
        SealEvent.APPLY,
        site=inspection.site,
        inspection=inspection,
        applied_at=timezone.now(),
        container_number=inspection.container_number
        or inspection.trailer_number
        or inspection.trailer_plate,
        shipment_reference=inspection.shipment_reference,
    )


@transaction.atomic
def remove_seal(org, actor, seal: Seal, note: str = "", site=None) -> Seal:
    concurrency.lock(seal)
    return _move(org, actor, seal, SealEvent.REMOVE, note=note, site=site, closed_at=timezone.now())


@transaction.atomic
def write_off_seal(org, actor, seal: Seal, event: str, reason: str) -> Seal:
    concurrency.lock(seal)
    if event not in (SealEvent.LOSE, SealEvent.DAMAGE, SealEvent.VOID):
        raise invalid("event", "Write a seal off as lost, damaged or voided.")
    reason = (reason or "").strip()[:2000]
    return _move(
        org, actor, seal, SealEvent(event), note=reason, reason=reason, closed_at=timezone.now()
    )


@transaction.atomic
def verify_seal(
    org,
    actor,
    *,
    site: Site,
    document_seal_number: str,
    found_seal_number: str,
    view_ok: bool,
    tug_ok: bool,
    twist_ok: bool,
    note: str = "",
) -> tuple[SealVerification, Incident | None]:
    """VVTT at the receiving site. Any failed step or a number mismatch opens an incident."""
    _same_org(org, site, "site_id", "site")
    if site is None:
        raise invalid("site_id", "Which site received the shipment?")
    values = {"document": document_seal_number, "found": found_seal_number, "note": note}
    clean_text(values, "document", 40, required=True)
    clean_text(values, "found", 40, required=True)
    clean_text(values, "note", 2000)
    try:
        seal = concurrency.lock(find_seal(org, values["document"]))
    except NotFound as exc:
        raise invalid("document_seal_number", exc.message) from exc
    matches = values["found"].upper() == seal.number.upper()
    passed = matches and view_ok and tug_ok and twist_ok
    if seal.state != SealState.APPLIED:
        raise Conflict(
            f"Seal {seal.number} is {seal.get_state_display().lower()}, not applied to a "
            "shipment; only an applied seal is verified at receipt."
        )
    now = timezone.now()
    check = create_audited(
        org,
        actor,
        SealVerification,
        ("seal", "site", "document_seal_number", "found_seal_number", "passed", "note"),
        seal=seal,
        site=site,
        verified_at=now,
        verified_by=actor,
        document_seal_number=values["document"],
        found_seal_number=values["found"],
        view_ok=view_ok,
        tug_ok=tug_ok,
        twist_ok=twist_ok,
        number_matches=matches,
        passed=passed,
        note=values["note"],
    )
    outcome = "VVTT passed" if passed else "VVTT discrepancy"
    _move(org, actor, seal, SealEvent.VERIFY, note=outcome, site=site, verified_at=now)
    incident = None
    if not passed:
        failed = [
            step for step, ok in (("view", view_ok), ("tug", tug_ok), ("twist", twist_ok)) if not ok
        ]
        if not matches:
            failed.insert(
                0, f"number on the seal is {values['found']}, documents say {seal.number}"
            )
        incident = create_incident(
            org,
            actor,
            title=f"Seal discrepancy on {seal.container_number or seal.number}",
            incident_type=IncidentType.SEAL_DISCREPANCY,
            occurred_at=now,
            site=site,
            inspection=seal.inspection,
            seal=seal,
            shipment_reference=seal.shipment_reference,
            partner=seal.inspection.partner if seal.inspection_id else None,
            description=f"VVTT at receipt failed: {'; '.join(failed)}. {values['note']}".strip(),
            severity=Severity.HIGH,
        )
    return check, incident


def seal_facts(org):
    rows = (
        Seal.objects.for_org(org)
        .values_list("number", "batch_id", "sequence", "state", "issued_at", "issued_to__email")
        .order_by("batch_id", "sequence")
    )
    for number, batch, sequence, state, issued_at, email in rows.iterator(chunk_size=5000):
        yield reconciliation.SealFact(number, batch, sequence, state, issued_at, email or "")


def reconciliation_report(org, *, days: int | None = None, now=None) -> reconciliation.Report:
    last_audit = SealAudit.objects.for_org(org).order_by("-audited_on", "-id").first()
    return reconciliation.reconcile(
        seal_facts(org),
        now=now or timezone.now(),
        issued_unapplied_days=days or settings_for(org).issued_unapplied_days,
        missing_at_count=last_audit.missing if last_audit else (),
    )


@transaction.atomic
def record_seal_audit(
    org, actor, *, audited_on: datetime.date, counted_numbers: list[str], notes: str = ""
) -> SealAudit:
    """A physical count of the seals in store, compared with what the log says is in stock."""
    counted = sorted({n.strip() for n in counted_numbers if n and n.strip()})
    if len(counted) > 50_000:
        raise invalid("counted_numbers", "At most 50,000 seal numbers per count.")
    values = {"notes": notes}
    clean_text(values, "notes", 5000)
    if audited_on > timezone.localdate():
        raise invalid("audited_on", "A count cannot be dated in the future.")
    in_stock = set(
        Seal.objects.for_org(org).filter(state=SealState.IN_STOCK).values_list("number", flat=True)
    )
    counted_set = set(counted)
    missing = sorted(in_stock - counted_set)
    unexpected = sorted(counted_set - in_stock)
    report = reconciliation.reconcile(
        seal_facts(org),
        now=timezone.now(),
        issued_unapplied_days=settings_for(org).issued_unapplied_days,
        missing_at_count=missing,
    )
    return create_audited(
        org,
        actor,
        SealAudit,
        ("audited_on", "expected_in_stock", "missing", "unexpected", "notes"),
        audited_on=audited_on,
        counted_numbers=counted,
        expected_in_stock=len(in_stock),
        missing=missing,
        unexpected=unexpected,
        report=report.as_dict(),
        notes=values["notes"],
    )


@transaction.atomic
def sign_off_seal_audit(org, actor, seal_audit: SealAudit, role: str, note: str = "") -> SealAudit:
    """MSC 6.6: management signs the count off; the record then no longer changes."""
    concurrency.lock(seal_audit)
    _require_owner(role, "sign off a seal audit")
    if seal_audit.is_signed_off:
        raise Conflict("This seal audit is already signed off.")
    notes = seal_audit.notes
    if note.strip():
        notes = f"{notes}\n\nSign-off: {note.strip()}".strip()[:5000]
    return audit.update_audited(
        org,
        actor,
        seal_audit,
        {"signed_off_by": actor, "signed_off_at": timezone.now(), "notes": notes},
        ("signed_off_by", "signed_off_at", "notes"),
    )


def seal_audit_due(org, today: datetime.date | None = None) -> datetime.date | None:
    """When the next periodic count is due (None: no seals, nothing to count)."""
    if not Seal.objects.for_org(org).exists():
        return None
    today = today or timezone.localdate()
    last = (
        SealAudit.objects.for_org(org)
        .filter(signed_off_at__isnull=False)
        .order_by("-audited_on")
        .values_list("audited_on", flat=True)
        .first()
    )
    if last is None:
        return today
    return last + datetime.timedelta(days=settings_for(org).seal_audit_interval_days)


# -- incidents -------------------------------------------------------------------------------
def _clean_incident(org, fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, INCIDENT_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "description", 20000, required=True)
    clean_text(fields, "shipment_reference", 60)
    clean_text(fields, "investigation_notes", 20000)
    clean_text(fields, "root_cause", 5000)
    if "incident_type" in fields and fields["incident_type"] not in IncidentType.values:
        raise invalid("incident_type", "Choose one of the incident types.")
    if "severity" in fields and fields["severity"] not in Severity.values:
        raise invalid("severity", "Choose low, medium, high or critical.")
    if fields.get("occurred_at") and fields["occurred_at"] > timezone.now() + datetime.timedelta(
        hours=1
    ):
        raise invalid("occurred_at", "An incident cannot be in the future.")
    for name, what in (
        ("site", "site"),
        ("inspection", "inspection"),
        ("seal", "seal"),
        ("partner", "business partner"),
    ):
        _same_org(org, fields.get(name), f"{name}_id", what)
    return fields


def _deadline(org, incident: Incident) -> None:
    """MSC 7.23: reportable incidents go to CBP as soon as possible; policy sets the hours."""
    incident.cbp_reportable = incident.incident_type in CBP_REPORTABLE
    if incident.cbp_reportable:
        hours = settings_for(org).cbp_report_hours
        incident.cbp_report_due_at = incident.occurred_at + datetime.timedelta(hours=hours)
    else:
        incident.cbp_report_due_at = None


@transaction.atomic
def create_incident(org, actor, **fields) -> Incident:
    for required in ("title", "incident_type", "description"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields.setdefault("occurred_at", timezone.now())
    fields = _clean_incident(org, fields)
    incident = Incident(organisation=org, created_by=actor, updated_by=actor, **fields)
    _deadline(org, incident)
    incident.save()
    audit.record_created(org, actor, incident, INCIDENT_AUDITED)
    _escalate(org, incident)
    return incident


def _escalate(org, incident: Incident) -> None:
    """Internal escalation (MSC 7.23): every owner hears of a new incident at once."""
    recipients = owner_emails(org)
    if not recipients:
        return
    lines = [
        f"A security incident was recorded: {incident}.",
        f"Severity: {incident.get_severity_display()}.",
        f"Occurred: {incident.occurred_at:%Y-%m-%d %H:%M}.",
    ]
    if incident.cbp_reportable:
        lines.append(
            f"This type must be reported to CBP by {incident.cbp_report_due_at:%Y-%m-%d %H:%M} "
            "(MSC 7.23: as soon as possible and before the border crossing)."
        )
    transaction.on_commit(
        lambda: send_mail(
            f"[OpenCTPAT] Security incident: {incident.title}",
            "\n".join(lines),
            None,
            recipients,
            fail_silently=True,
        )
    )


def _ensure_incident_open(incident: Incident) -> None:
    """Lock the incident (its actions and notifications change under it), refuse once closed."""
    concurrency.lock(incident)
    if incident.is_closed:
        raise Conflict("This incident is closed; it can no longer change.")


@transaction.atomic
def update_incident(org, actor, incident: Incident, **fields) -> Incident:
    _ensure_incident_open(incident)
    fields = _clean_incident(org, fields)
    if fields.get("investigation_notes") and incident.status == IncidentStatus.OPEN:
        fields["status"] = IncidentStatus.INVESTIGATING
    if "incident_type" in fields or "occurred_at" in fields:
        probe = Incident(
            incident_type=fields.get("incident_type", incident.incident_type),
            occurred_at=fields.get("occurred_at", incident.occurred_at),
        )
        _deadline(org, probe)
        fields["cbp_reportable"] = probe.cbp_reportable
        fields["cbp_report_due_at"] = probe.cbp_report_due_at
    return audit.update_audited(org, actor, incident, fields, INCIDENT_AUDITED)


@transaction.atomic
def add_notification(org, actor, incident: Incident, **fields) -> IncidentNotification:
    """Record who was told; telling CBP is what meets the reporting deadline."""
    _ensure_incident_open(incident)
    refuse_unknown(fields, NOTIFICATION_FIELDS)
    for required in ("party", "contact", "method"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields.setdefault("notified_at", timezone.now())
    if fields["party"] not in NotifiedParty.values:
        raise invalid("party", "Choose who was notified.")
    if fields["method"] not in NotificationMethod.values:
        raise invalid("method", "Choose how they were notified.")
    clean_text(fields, "contact", 200, required=True)
    clean_text(fields, "reference", 120)
    clean_text(fields, "note", 2000)
    if fields["notified_at"] > timezone.now() + datetime.timedelta(hours=1):
        raise invalid("notified_at", "A notification cannot be in the future.")
    notification = create_audited(
        org, actor, IncidentNotification, NOTIFICATION_FIELDS, incident=incident, **fields
    )
    if fields["party"] == NotifiedParty.CBP and incident.cbp_reported_at is None:
        audit.update_audited(
            org,
            actor,
            incident,
            {
                "cbp_reported_at": fields["notified_at"],
                "cbp_report_reference": fields.get("reference", ""),
            },
            INCIDENT_AUDITED,
        )
    return notification


def attach_files(org, actor, incident: Incident, uploads) -> list[EvidenceDocument]:
    documents = []
    with transaction.atomic():
        _ensure_incident_open(incident)
        for uploaded in uploads:
            title = f"Incident {incident.pk}: {uploaded.name}"[:200]
            documents.append(profile_services.upload_evidence(org, actor, uploaded, title=title))
        incident.files.add(*documents)
        audit.record(
            AuditAction.UPDATE,
            organisation=org,
            actor=actor,
            target=incident,
            changes={"files": [None, [d.pk for d in documents]]},
        )
    return documents


def _clean_corrective(org, fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, CORRECTIVE_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "description", 5000)
    clean_text(fields, "completion_note", 5000)
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise invalid("status", "Choose open, in progress, done or cancelled.")
    check_member(org, fields.get("owner"))
    return fields


def _risk_plan(org):
    from openctpat.risk.models import Assessment

    return Assessment.objects.for_org(org).order_by("-assessment_date", "-id").first()


@transaction.atomic
def add_corrective_action(
    org, actor, incident: Incident, *, on_risk_plan: bool = False, **fields
) -> CorrectiveAction:
    """A corrective action; ``on_risk_plan`` also puts it on the latest risk assessment's plan."""
    _ensure_incident_open(incident)
    if not fields.get("title"):
        raise invalid("title", "An action needs a title.")
    fields = _clean_corrective(org, fields)
    risk_action = None
    if on_risk_plan:
        from openctpat.risk import services as risk_services

        assessment = _risk_plan(org)
        if assessment is None:
            raise invalid(
                "on_risk_plan", "There is no risk assessment yet whose action plan could take it."
            )
        risk_action = risk_services.create_action(
            org,
            actor,
            assessment,
            title=fields["title"],
            description=f"From incident {incident.pk}: {incident.title}. "
            + fields.get("description", ""),
            owner=fields.get("owner"),
            due_date=fields.get("due_date"),
        )
    action = create_audited(
        org,
        actor,
        CorrectiveAction,
        (*CORRECTIVE_FIELDS, "risk_action"),
        incident=incident,
        risk_action=risk_action,
        **fields,
    )
    if incident.status == IncidentStatus.OPEN:
        audit.update_audited(
            org, actor, incident, {"status": IncidentStatus.INVESTIGATING}, INCIDENT_AUDITED
        )
    return action


@transaction.atomic
def update_corrective_action(org, actor, action: CorrectiveAction, **fields) -> CorrectiveAction:
    _ensure_incident_open(action.incident)  # closing settled every action; they stay settled
    fields = _clean_corrective(org, fields)
    if fields.get("status") == ActionStatus.DONE and action.status != ActionStatus.DONE:
        fields["completed_at"] = timezone.now()
    elif fields.get("status") not in (None, ActionStatus.DONE):
        fields["completed_at"] = None
    audit.update_audited(org, actor, action, fields, (*CORRECTIVE_FIELDS, "completed_at"))
    if action.risk_action_id and "status" in fields:
        from openctpat.risk import services as risk_services

        risk_services.update_action(
            org,
            actor,
            action.risk_action,
            status=fields["status"],
            completion_note=fields.get("completion_note", action.completion_note),
        )
    return action


@transaction.atomic
def close_incident(
    org, actor, incident: Incident, role: str, *, root_cause: str, closure_note: str
) -> Incident:
    """Sign-off: a cause is found, CBP told where required, every corrective action settled."""
    _require_owner(role, "close an incident")
    _ensure_incident_open(incident)
    values = {"root_cause": root_cause, "closure_note": closure_note}
    clean_text(values, "root_cause", 5000, required=True)
    clean_text(values, "closure_note", 5000, required=True)
    if incident.cbp_reportable and incident.cbp_reported_at is None:
        raise Conflict(
            "This incident must be reported to CBP before it is closed: record the "
            "notification to CBP first."
        )
    open_actions = incident.actions.filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    ).count()
    if open_actions:
        raise Conflict(f"{open_actions} corrective action(s) are still open.")
    values.update(status=IncidentStatus.CLOSED, closed_at=timezone.now(), closed_by=actor)
    return audit.update_audited(org, actor, incident, values, (*INCIDENT_AUDITED, "closed_by"))


def _cbp_overdue(now=None) -> Q:
    """Reportable to CBP, not reported, and past the deadline."""
    return Q(
        cbp_reportable=True,
        cbp_reported_at__isnull=True,
        cbp_report_due_at__lt=now or timezone.now(),
    )


def overdue_cbp_reports(org, now=None):
    return Incident.objects.for_org(org).filter(_cbp_overdue(now))


def incident_counts(org) -> dict:
    return Incident.objects.for_org(org).aggregate(
        open=Count("pk", filter=~Q(status=IncidentStatus.CLOSED)),
        cbp_due=Count("pk", filter=Q(cbp_reportable=True, cbp_reported_at__isnull=True)),
    )


# -- searching: one function a list's page, API and export share ---------------------------
def search_inspections(
    org, *, date_from=None, date_to=None, site_id=None, result=None, status=None, q=None
):
    """The organisation's inspections, newest first, narrowed by the list's filters."""
    inspections = Inspection.objects.for_org(org)
    if date_from:
        inspections = inspections.filter(inspected_at__date__gte=date_from)
    if date_to:
        inspections = inspections.filter(inspected_at__date__lte=date_to)
    if site_id is not None:
        inspections = inspections.filter(site_id=site_id)
    if result:
        inspections = inspections.filter(result=result)
    if status:
        inspections = inspections.filter(status=status)
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


def search_incidents(
    org, *, status=None, incident_type=None, cbp_overdue=None, cbp_reportable=None, now=None
):
    """The organisation's incidents; ``status="not_closed"`` keeps every open one, and
    ``cbp_overdue`` those reportable to CBP, not reported and past their deadline."""
    incidents = Incident.objects.for_org(org)
    if status == "not_closed":
        incidents = incidents.exclude(status=IncidentStatus.CLOSED)
    elif status:
        incidents = incidents.filter(status=status)
    if incident_type:
        incidents = incidents.filter(incident_type=incident_type)
    if cbp_reportable:
        incidents = incidents.filter(cbp_reportable=True)
    if cbp_overdue is not None:
        overdue = _cbp_overdue(now)
        incidents = incidents.filter(overdue if cbp_overdue else ~overdue)
    return incidents
