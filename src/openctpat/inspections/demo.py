"""Demo content: two months of conveyance inspections, the seal inventory and its log, VVTT at
receipt with one discrepancy that became a CBP-reported incident, and a signed-off seal audit.

Everything goes through the services (so the rules and the audit trail hold); the times the
services stamp as "now" are then moved back to when the demo says things happened.
"""

import datetime
import random

from django.utils import timezone

from openctpat.core.permissions import Role
from openctpat.partners.models import BusinessPartner
from openctpat.profiles import services as profile_services
from openctpat.profiles.models import Site
from openctpat.risk.models import Assessment

from . import iso6346, services
from .models import (
    ChecklistTemplate,
    Incident,
    Inspection,
    Seal,
    SealAudit,
    SealMovement,
    SealVerification,
)

SEED = 6346
INSPECTIONS = 40
DAYS = 60
OWNER_CODES = ("MSCU", "MAEU", "CMAU", "HLXU", "OOLU", "TGHU")
# (template key, carrier, share of the inspections)
KINDS = (
    ("container-7", "Pacific Star Line", 0.6),
    ("reefer-8", "Mekong Ocean Lines", 0.15),
    ("tractor-trailer-17-msc", "Transportes del Norte", 0.25),
)
# Inspection index -> (point position, what the inspector found)
FAILURES = {
    11: (4, "New floorboards near the doors; the floor is 5 cm higher than at the front."),
    27: (5, "Fresh weld on the left fuel tank strap; the tank sounds solid only half way."),
}
MISMATCH = 20  # the inspection whose seal does not match at receipt
LOST_REASON = "Dropped between the dock plate and the trailer at door 4; not recovered."


def _container(rng: random.Random) -> str:
    first_ten = f"{rng.choice(OWNER_CODES)}{rng.randrange(1_000_000):06d}"
    return f"{first_ten}{iso6346.check_digit(first_ten)}"


def _plate(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}-" + (
        f"{rng.randrange(10_000):04d}"
    )


def _moved(seal: Seal, event: str, at: datetime.datetime) -> None:
    SealMovement.objects.filter(seal=seal, event=event).update(at=at)


def load_demo(org, owner, contributor=None) -> int | None:
    """Load the demo; None when the organisation already has inspections."""
    if Inspection.objects.for_org(org).exists():
        return None
    rng = random.Random(SEED)  # noqa: S311 (repeatable demo data, not secrets)
    now = timezone.now()
    today = timezone.localdate()
    contributor = contributor or owner
    sites = list(Site.objects.for_org(org).order_by("id"))
    if not sites:
        sites = [
            profile_services.create_site(
                org, owner, name="Newark distribution center", country="US", site_type="warehouse"
            )
        ]
    dock = next((s for s in sites if s.name == "Newark distribution center"), sites[0])
    partners = {p.legal_name: p for p in BusinessPartner.objects.for_org(org)}

    services.install_standard_templates(org, owner)
    templates = {t.standard_key: t for t in ChecklistTemplate.objects.for_org(org)}

    # Seal stock: H bolt seals with their ISO 17712 certificate; S cable seals for trailers.
    bolts = services.create_batch(
        org,
        owner,
        manufacturer="TydenBrooks",
        seal_type="Bolt seal",
        iso_class="H",
        certificate_reference="ISO 17712:2013 H, certificate TB-H-2291 (Intertek, 2025)",
        prefix="ACM",
        first_number=100_001,
        last_number=100_060,
        received_on=today - datetime.timedelta(days=95),
        storage_location="Locked cabinet, shipping office, Newark distribution center",
        site=dock,
        issuers=[contributor],
        notes="Purchase order PO-2291; 60 seals, numbers checked on receipt.",
    )
    # The periodic count (MSC 6.6) 80 days ago: every bolt seal was there.
    audit_day = today - datetime.timedelta(days=80)
    audit_at = now - datetime.timedelta(days=80)
    count = services.record_seal_audit(
        org,
        owner,
        audited_on=audit_day,
        counted_numbers=list(bolts.seals.values_list("number", flat=True)),
        notes="Full count of the seal cabinet by Chris Nguyen and Pat Rivera.",
    )
    services.sign_off_seal_audit(org, owner, count, Role.OWNER, note="Stock matches the log.")
    SealAudit.objects.filter(pk=count.pk).update(
        signed_off_at=audit_at, report={**count.report, "as_of": audit_at.isoformat()}
    )
    cables = services.create_batch(
        org,
        owner,
        manufacturer="E.J. Brooks",
        seal_type="Cable seal",
        iso_class="S",
        prefix="EJB",
        first_number=5_001,
        last_number=5_030,
        digits=6,
        received_on=today - datetime.timedelta(days=70),
        storage_location="Locked drawer, gatehouse, Newark distribution center",
        site=dock,
        issuers=[contributor],
    )
    stock = {
        "bolt": list(bolts.seals.order_by("sequence")),
        "cable": list(cables.seals.order_by("sequence")),
    }

    shares = [share for _key, _carrier, share in KINDS]
    sealed: list[tuple[int, Seal, datetime.datetime]] = []
    issued_unapplied_done = lost_done = False
    for index in range(INSPECTIONS):
        days_ago = DAYS - index * DAYS / INSPECTIONS
        when = (now - datetime.timedelta(days=days_ago)).replace(
            hour=rng.randint(6, 16), minute=rng.choice((0, 10, 15, 20, 30, 40, 45, 50))
        )
        when = min(when, now - datetime.timedelta(hours=3))
        key, carrier, _share = rng.choices(KINDS, weights=shares)[0]
        if index == MISMATCH:
            key, carrier = "container-7", "Pacific Star Line"
        template = templates[key]
        inspector = owner if index % 3 == 0 else contributor
        truck = key.startswith("tractor")
        # One seal goes missing from the cabinet, and one issued 10 days ago is still unused.
        if not lost_done and days_ago < 45:
            lost = stock["bolt"].pop(0)
            services.write_off_seal(org, owner, lost, "lose", LOST_REASON)
            lost_at = when - datetime.timedelta(hours=2)
            Seal.objects.filter(pk=lost.pk).update(closed_at=lost_at)
            _moved(lost, "lose", lost_at)
            lost_done = True
        if not issued_unapplied_done and days_ago < 10:
            spare = stock["bolt"].pop(0)
            services.issue_seal(org, owner, spare, contributor)
            issued_at = now - datetime.timedelta(days=10)
            Seal.objects.filter(pk=spare.pk).update(issued_at=issued_at)
            _moved(spare, "issue", issued_at)
            issued_unapplied_done = True
        inspection = services.start_inspection(
            org,
            inspector,
            template,
            site=dock,
            inspected_at=when,
            inspector=inspector,
            container_number="" if truck else _container(rng),
            truck_plate=_plate(rng) if truck else "",
            trailer_number=f"TDN-{rng.randrange(100, 999)}" if truck else "",
            driver_name=rng.choice(("Luis Garza", "Ana Torres", "Jorge Ruiz")) if truck else "",
            shipment_reference=f"ACME-{when:%y%m}-{index + 1:04d}",
            partner=partners.get(carrier),
        )
        failure = FAILURES.get(index)
        if failure is not None:
            position, note = failure
            point = inspection.points.get(position=position)
            services.record_point(org, inspector, point, result="fail", note=note)
            services.update_inspection(
                org,
                inspector,
                inspection,
                notes="Refused for loading; the carrier was asked for another unit.",
            )
        elif rng.random() < 0.3:
            # Some inspectors mark the ISPM 15 check N/A (no wood packaging).
            point = inspection.points.filter(agricultural=True).last()
            services.record_point(org, inspector, point, result="na")
        services.pass_remaining(org, inspector, inspection)
        seal = None if failure else stock["cable" if truck else "bolt"].pop(0)
        services.complete_inspection(
            org,
            inspector,
            inspection,
            signature_name=inspector.get_full_name() or inspector.email,
            seal_numbers=[seal.number] if seal else [],
            supervisor_name="Pat Rivera" if inspector != owner else "",
        )
        signed = when + datetime.timedelta(minutes=rng.randint(20, 45))
        Inspection.objects.filter(pk=inspection.pk).update(signed_at=signed)
        if seal is not None:
            issued = signed - datetime.timedelta(minutes=5)
            Seal.objects.filter(pk=seal.pk).update(issued_at=issued, applied_at=signed)
            _moved(seal, "issue", issued)
            _moved(seal, "apply", signed)
            sealed.append((index, seal, signed))

    # VVTT at receipt: every seal applied more than four days ago was checked on arrival.
    for index, seal, applied in sealed:
        arrival = applied + datetime.timedelta(days=rng.randint(2, 4), hours=rng.randint(1, 6))
        if arrival > now - datetime.timedelta(hours=1):
            continue  # still on its way
        seal.refresh_from_db()
        mismatch = index == MISMATCH
        check, incident = services.verify_seal(
            org,
            contributor,
            site=dock,
            document_seal_number=seal.number,
            found_seal_number=f"ACM{seal.sequence + 400}" if mismatch else seal.number,
            view_ok=True,
            tug_ok=True,
            twist_ok=not mismatch,
            note="Seal number differs from the bill of lading; the seal turned freely."
            if mismatch
            else "",
        )
        SealVerification.objects.filter(pk=check.pk).update(verified_at=arrival)
        Seal.objects.filter(pk=seal.pk).update(verified_at=arrival)
        _moved(seal, "verify", arrival)
        if incident is not None:
            _follow_up(org, owner, contributor, incident, arrival)
    return Inspection.objects.for_org(org).count()


def _follow_up(org, owner, contributor, incident, arrival) -> None:
    """The discrepancy is investigated, reported to CBP within hours, and acted on."""
    hours = services.settings_for(org).cbp_report_hours
    Incident.objects.filter(pk=incident.pk).update(
        occurred_at=arrival, cbp_report_due_at=arrival + datetime.timedelta(hours=hours)
    )
    incident.refresh_from_db()
    services.add_notification(
        org,
        owner,
        incident,
        party="internal",
        contact="Pat Rivera (PCSO)",
        method="phone",
        notified_at=arrival + datetime.timedelta(minutes=20),
        note="Container held at the dock; cargo not unloaded.",
    )
    services.add_notification(
        org,
        owner,
        incident,
        party="cbp",
        contact="CBP Port of Newark, cargo enforcement duty officer",
        method="phone",
        notified_at=arrival + datetime.timedelta(hours=2),
        reference="NWK-CE-58213",
        note="Reported by phone and confirmed by email; CBP asked for photos of the seal.",
    )
    incident.refresh_from_db()
    services.update_incident(
        org,
        owner,
        incident,
        investigation_notes="Carrier's seal log shows a replacement seal at the transshipment "
        "port without notice to us; awaiting the carrier's written statement.",
    )
    on_plan = Assessment.objects.for_org(org).exists()
    services.add_corrective_action(
        org,
        owner,
        incident,
        title="Require the carrier to notify any seal change en route",
        description="Add seal-change notification to the carrier agreement and SOP.",
        owner=contributor,
        due_date=timezone.localdate() + datetime.timedelta(days=21),
        on_risk_plan=on_plan,
    )
