"""Factories for checklists, inspections, seal batches, seals, seal audits and incidents."""

import datetime
import itertools

from django.utils import timezone

from openctpat.inspections import services
from openctpat.inspections.models import Incident, Inspection, SealBatch

from . import owner_of
from .profiles import make_site

_seq = itertools.count(1)
# Valid ISO 6346 numbers (check digit last).
CONTAINERS = ("CSQU3054383", "MSKU9070323", "TGHU1234567", "MAEU1234567")


def make_template(org, **fields):
    services.templates_for(org)
    if not fields:
        return services.templates_for(org).get(standard_key="container-7")
    values = {"name": f"Checklist {next(_seq)}", "conveyance_type": "container", **fields}
    template = services.create_template(org, owner_of(org), **values)
    services.add_point(org, owner_of(org), template, title="Floor")
    return template


def make_inspection(org, template=None, **fields) -> Inspection:
    template = template or make_template(org)
    values = {
        "site": fields.pop("site", None) or make_site(org),
        "container_number": CONTAINERS[next(_seq) % len(CONTAINERS)],
        "shipment_reference": f"SHP-{next(_seq)}",
        **fields,
    }
    return services.start_inspection(org, owner_of(org), template, **values)


def make_point(org):
    return make_inspection(org).points.first()


def make_batch(org, first: int | None = None, size: int = 20, **fields) -> SealBatch:
    first = first if first is not None else 100_000 + next(_seq) * 1000
    values = {
        "manufacturer": "TydenBrooks",
        "seal_type": "bolt",
        "iso_class": "H",
        "certificate_reference": "ISO 17712:2013 H cert 42",
        "prefix": "TB",
        "first_number": first,
        "last_number": first + size - 1,
        "received_on": timezone.localdate() - datetime.timedelta(days=30),
        "storage_location": "Locked cabinet, shipping office",
        **fields,
    }
    return services.create_batch(org, owner_of(org), **values)


def make_seal(org):
    return make_batch(org, size=3).seals.first()


def sign(org, inspection, seal_numbers=(), actor=None):
    """Pass every point still open and sign ``inspection`` off, sealed with ``seal_numbers``."""
    services.pass_remaining(org, owner_of(org), inspection)
    return services.complete_inspection(
        org,
        actor or owner_of(org),
        inspection,
        signature_name="Ines Inspector",
        seal_numbers=[getattr(s, "number", s) for s in seal_numbers],
    )


def make_applied_seal(org, inspection=None):
    """A passed, signed inspection sealed with the first seal of a new batch."""
    seal = make_batch(org, size=3).seals.first()
    sign(org, inspection or make_inspection(org), [seal])
    seal.refresh_from_db()
    return seal


def vvtt(org, seal, found=None, site=None, **checks):
    """A VVTT check of ``seal`` (or a seal number): view, tug and twist pass unless ``checks``
    say otherwise; the number found is the documented one unless ``found`` is given."""
    number = getattr(seal, "number", seal)
    return services.verify_seal(
        org,
        owner_of(org),
        site=site or make_site(org),
        document_seal_number=number,
        found_seal_number=found or number,
        **{"view_ok": True, "tug_ok": True, "twist_ok": True, **checks},
    )


def vvtt_body(site, seal, found=None, form=False, **checks):
    """What the VVTT page (``form``: ticked boxes) or the API receives for ``seal``."""
    number = getattr(seal, "number", seal)
    ok = "on" if form else True
    return {
        "site" if form else "site_id": site.pk,
        "document_seal_number": number,
        "found_seal_number": found or number,
        **{"view_ok": ok, "tug_ok": ok, "twist_ok": ok, **checks},
    }


def make_seal_audit(org):
    make_batch(org, size=3)
    return services.record_seal_audit(
        org, owner_of(org), audited_on=timezone.localdate(), counted_numbers=[]
    )


def make_incident(org, **fields) -> Incident:
    values = {
        "title": f"Incident {next(_seq)}",
        "incident_type": "suspicious_activity",
        "description": "A person photographed the loading dock from the fence.",
        **fields,
    }
    return services.create_incident(org, owner_of(org), **values)


def notify(org, incident, party="cbp", contact="Port", method="phone", **fields):
    """A notification of ``incident`` to ``party`` (CBP by default), recorded by an owner."""
    return services.add_notification(
        org, owner_of(org), incident, party=party, contact=contact, method=method, **fields
    )


def make_notification(org):
    return notify(org, make_incident(org), party="scss", contact="SCSS J. Doe", method="email")


def make_corrective_action(org, incident=None, **fields):
    fields.setdefault("title", "Raise the fence")
    return services.add_corrective_action(
        org, owner_of(org), incident or make_incident(org), **fields
    )


def make_checklist(org):
    """A checklist of the organisation's own (one point), not a packaged one."""
    return make_template(org, conveyance_type="container")


def make_checklist_point(org, template=None):
    template = template or make_checklist(org)
    return services.add_point(org, owner_of(org), template, title=f"Point {next(_seq)}")
