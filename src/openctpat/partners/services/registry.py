"""The partner registry: who the partners are, checked, audited and re-tiered on change."""

from django.db import transaction
from django.db.models import Q

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import Conflict, invalid
from openctpat.core.filters import narrowed

from .. import importing, providers
from ..models import (
    IDENTIFIERS,
    PARTNER_TYPE_LABELS,
    SERVICES,
    BusinessPartner,
    PartnerStatus,
    QuestionnaireStatus,
)
from ..names import name_key
from .tiers import recompute_tiers

PARTNER_FIELDS = (
    "legal_name",
    "other_names",
    "partner_type",
    "country",
    "other_countries",
    "address",
    *IDENTIFIERS,
    "services",
    "start_date",
    "status",
    "notes",
)


def _country(fields: dict, name: str, required: bool = True) -> None:
    if name not in fields:
        return
    value = (fields[name] or "").strip()
    if not value and not required:
        fields[name] = ""
        return
    code = importing.country_code(value) if len(value) != 2 else value.upper()
    if code is None or importing.country_code(code) != code:
        raise invalid(name, f"{value!r} is not an ISO 3166-1 country code.")
    fields[name] = code


def clean_partner(fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, PARTNER_FIELDS)
    _text(fields, "legal_name", 200, required=True)
    for name, limit in (("address", 2000), ("notes", 10000)):
        _text(fields, name, limit)
    if "partner_type" in fields and fields["partner_type"] not in PARTNER_TYPE_LABELS:
        raise invalid("partner_type", "Choose one of the partner types.")
    if "status" in fields and fields["status"] not in PartnerStatus.values:
        raise invalid("status", "Choose prospect, active, suspended or terminated.")
    _country(fields, "country")
    if "other_countries" in fields:
        codes = []
        for c in fields["other_countries"] or []:
            one = {"c": c}
            _country(one, "c")
            if one["c"] not in codes:
                codes.append(one["c"])
        fields["other_countries"] = codes[:30]
    if "other_names" in fields:
        names = [n.strip() for n in fields["other_names"] or [] if n and n.strip()]
        if any(len(n) > 200 or "\x00" in n for n in names):
            raise invalid("other_names", "Each name: at most 200 characters, no NUL.")
        fields["other_names"] = names[:20]
    if "services" in fields:
        bad = [s for s in fields["services"] or [] if s not in SERVICES]
        if bad:
            raise invalid("services", f"Unknown services: {', '.join(bad)}.")
        fields["services"] = list(dict.fromkeys(fields["services"] or []))
    for ident in IDENTIFIERS:
        if ident in fields:
            _text(fields, ident, 40)
            if fields[ident]:
                problem = importing.check_identifier(ident, fields[ident])
                if problem:
                    raise invalid(ident, problem)
                fields[ident] = importing.normalise_identifier(ident, fields[ident])
    if "legal_name" in fields:
        fields["name_key"] = name_key(fields["legal_name"])
    return fields


def _identifier_clash(org, fields: dict, exclude: int | None = None) -> None:
    clauses = Q()
    for ident in ("duns", "lei", "tax_id", "mid", "scac"):
        if fields.get(ident):
            clauses |= Q(**{ident: fields[ident]})
    if not clauses:
        return
    clash = BusinessPartner.objects.for_org(org).filter(clauses).exclude(pk=exclude).first()
    if clash:
        raise Conflict(
            f"{clash.legal_name!r} already has one of these identifiers.",
            field_errors={"__all__": [f"Same identifier as {clash.legal_name!r}."]},
        )


@transaction.atomic
def create_partner(org, actor, **fields) -> BusinessPartner:
    for required in ("legal_name", "partner_type", "country"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields = clean_partner(fields)
    _identifier_clash(org, fields)
    partner = BusinessPartner(organisation=org, created_by=actor, updated_by=actor, **fields)
    partner.save()
    audit.record_changes(
        AuditAction.CREATE,
        org,
        actor,
        partner,
        audit.diff({}, audit.snapshot(partner, PARTNER_FIELDS)),
    )
    providers.partner_changed.send(
        BusinessPartner, organisation=org, partner=partner, actor=actor, reason="created"
    )
    recompute_tiers(org, [partner])
    return partner


@transaction.atomic
def update_partner(org, actor, partner: BusinessPartner, **fields) -> BusinessPartner:
    concurrency.lock(partner)
    fields = clean_partner(fields)
    _identifier_clash(org, fields, exclude=partner.pk)
    screened = ("legal_name", "other_names", "country")
    before = {f: getattr(partner, f) for f in screened}
    audit.update_audited(org, actor, partner, fields, PARTNER_FIELDS)
    if any(getattr(partner, f) != before[f] for f in screened):
        providers.partner_changed.send(
            BusinessPartner, organisation=org, partner=partner, actor=actor, reason="changed"
        )
    recompute_tiers(org, [partner])
    return partner


@transaction.atomic
def delete_partner(org, actor, partner: BusinessPartner) -> None:
    concurrency.lock(partner)
    if partner.questionnaires.exclude(status=QuestionnaireStatus.REVOKED).exists():
        raise Conflict(
            "This partner has questionnaires on record; set its status to terminated instead, "
            "so the vetting evidence is kept."
        )
    audit.delete_audited(org, actor, partner, PARTNER_FIELDS)


def search_partners(
    org,
    q: str | None = None,
    status: str | None = None,
    partner_type: str | None = None,
    tier: str | None = None,
    country: str | None = None,
):
    """The registry, filtered. ``q`` matches the folded name's start of any word,
    an identifier exactly, or an other name."""
    partners = BusinessPartner.objects.for_org(org)
    if q and q.strip():
        folded = name_key(q)
        text = q.strip()
        match = Q(name_key__startswith=folded) | Q(name_key__contains=f" {folded}")
        match |= Q(legal_name__icontains=text) if len(text) >= 3 else Q()
        for ident in ("duns", "lei", "tax_id", "mid", "scac"):
            match |= Q(**{ident: importing.normalise_identifier(ident, text)})
        partners = partners.filter(match)
    partners = narrowed(
        partners,
        status=status,
        partner_type=partner_type,
        risk_tier=tier,
        country=country and country.upper(),
    )
    return partners
