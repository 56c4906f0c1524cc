"""High-security seals: batches, each seal's movements and verification, seal audits."""

import datetime

from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import check_member, clean_text, create_audited, refuse_unknown
from openctpat.core.errors import Conflict, NotFound, PermissionDenied, invalid
from openctpat.core.filters import narrowed
from openctpat.core.permissions import Role
from openctpat.profiles.models import Site

from .. import reconciliation
from ..models import (
    Incident,
    IncidentType,
    Inspection,
    Seal,
    SealAudit,
    SealBatch,
    SealClass,
    SealMovement,
    SealVerification,
    Severity,
)
from ..seal_states import IllegalTransition, SealEvent, SealState, next_state
from .incidents import create_incident
from .org_settings import _require_owner, _same_org, settings_for

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
MAX_BATCH = 10_000
MAX_SEAL_NUMBER = 10**18 - 1  # fits the 64-bit integer columns


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


def search_seals(org, *, state=None, number=None, batch_id=None):
    """The organisation's seals in batch order, narrowed by the list's filters: one search
    for the page and the API."""
    number = (number or "").strip()
    seals = Seal.objects.for_org(org)
    return narrowed(seals, state=state, number__icontains=number, batch_id=batch_id)


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
