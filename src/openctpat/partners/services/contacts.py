"""A partner's contacts, evidence documents and security certifications."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.cleaning import create_audited as _create_audited
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import NotFound, invalid
from openctpat.profiles import services as profile_services
from openctpat.profiles.models import EvidenceDocument

from ..models import BusinessPartner, Certification, CertificationProgram, PartnerContact
from ..mra import mra_list
from .registry import _country
from .tiers import recompute_tiers

CONTACT_FIELDS = ("name", "email", "phone", "role")
CERTIFICATION_FIELDS = (
    "program",
    "program_name",
    "country",
    "reference",
    "status",
    "importer_tier",
    "verified_on",
    "expires_on",
    "reverify_due",
)


def _clean_contact(fields: dict) -> dict:
    refuse_unknown(fields, CONTACT_FIELDS)
    _text(fields, "name", 200, required=True)
    for name, limit in (("phone", 40), ("role", 100), ("email", 254)):
        _text(fields, name, limit)
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except DjangoValidationError as exc:
            raise invalid("email", "Enter a valid email address.") from exc
    return fields


@transaction.atomic
def add_contact(org, actor, partner: BusinessPartner, **fields) -> PartnerContact:
    if not fields.get("name"):
        raise invalid("name", "A contact needs a name.")
    fields = _clean_contact(dict(fields))
    return _create_audited(org, actor, PartnerContact, CONTACT_FIELDS, partner=partner, **fields)


@transaction.atomic
def update_contact(org, actor, contact: PartnerContact, **fields) -> PartnerContact:
    return audit.update_audited(org, actor, contact, _clean_contact(dict(fields)), CONTACT_FIELDS)


@transaction.atomic
def delete_contact(org, actor, contact: PartnerContact) -> None:
    audit.delete_audited(org, actor, contact, CONTACT_FIELDS)


@transaction.atomic
def link_document(org, actor, partner, document: EvidenceDocument) -> None:
    if document.organisation_id != org.pk:
        raise NotFound("No such document.")
    partner.documents.add(document)
    audit.record_changes(
        AuditAction.UPDATE, org, actor, partner, {"documents": {"added": [document.pk]}}
    )


@transaction.atomic
def upload_document(org, actor, partner, uploaded, *, title: str = "") -> EvidenceDocument:
    """A new evidence document (same checks as the library) linked to the partner."""
    document = profile_services.upload_evidence(
        org, actor, uploaded, title=title or f"{partner.legal_name}: {uploaded.name}"
    )
    link_document(org, actor, partner, document)
    return document


@transaction.atomic
def unlink_document(org, actor, partner, document: EvidenceDocument) -> None:
    partner.documents.remove(document)
    audit.record_changes(
        AuditAction.UPDATE, org, actor, partner, {"documents": {"removed": [document.pk]}}
    )


# -- certifications --------------------------------------------------------------------------
def _clean_certification(fields: dict, current: Certification | None = None) -> dict:
    refuse_unknown(fields, CERTIFICATION_FIELDS)
    for name, limit in (("program_name", 200), ("reference", 60)):
        _text(fields, name, limit)
    if (fields.get("country") or "").upper() == "EU":  # the EU's AEO program is one MRA
        fields["country"] = "EU"
    else:
        _country(fields, "country", required=False)
    merged = {
        **{f: getattr(current, f) for f in CERTIFICATION_FIELDS if current},
        **fields,
    }
    program = merged.get("program")
    if program not in CertificationProgram.values:
        raise invalid("program", "Choose CTPAT, an MRA program, ISO 28000 or other.")
    if program == CertificationProgram.MRA:
        found = mra_list().by_country(merged.get("country") or "")
        if found is None:
            raise invalid(
                "country",
                "Give the country of the MRA program; it must be one with a CTPAT Mutual "
                "Recognition Arrangement.",
            )
        fields["program_name"] = merged.get("program_name") or found.program
    if program == CertificationProgram.OTHER and not merged.get("program_name"):
        raise invalid("program_name", "Name the program.")
    tier = merged.get("importer_tier")
    if tier is not None and (program != CertificationProgram.CTPAT or tier not in (1, 2, 3)):
        raise invalid("importer_tier", "Only a CTPAT importer has a tier, 1 to 3.")
    if merged.get("verified_on") and merged["verified_on"] > timezone.localdate():
        raise invalid("verified_on", "The verification date cannot be in the future.")
    if merged.get("verified_on") and not merged.get("reverify_due"):
        fields["reverify_due"] = merged["verified_on"] + datetime.timedelta(days=365)
    return fields


@transaction.atomic
def add_certification(org, actor, partner: BusinessPartner, **fields) -> Certification:
    if not fields.get("status"):
        raise invalid("status", "Give the certification's status.")
    fields = _clean_certification(dict(fields))
    cert = _create_audited(
        org, actor, Certification, CERTIFICATION_FIELDS, partner=partner, **fields
    )
    recompute_tiers(org, [partner])
    return cert


@transaction.atomic
def update_certification(org, actor, cert: Certification, **fields) -> Certification:
    concurrency.lock(cert)
    fields = _clean_certification(dict(fields), cert)
    audit.update_audited(org, actor, cert, fields, CERTIFICATION_FIELDS)
    recompute_tiers(org, [cert.partner])
    return cert


@transaction.atomic
def delete_certification(org, actor, cert: Certification) -> None:
    partner = cert.partner
    audit.delete_audited(org, actor, cert, CERTIFICATION_FIELDS)
    recompute_tiers(org, [partner])
