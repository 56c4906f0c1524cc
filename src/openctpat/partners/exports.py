"""The partner registry as CSV or XLSX, in the columns the import reads back.

Cells go through core.exports (formula injection); each export is an audit entry.
"""

import csv
import io

from django.db.models import Prefetch
from django.utils import timezone

from openctpat.core.exports import csv_row, record_export, xlsx_row

from . import providers
from .importing import FIELDS
from .models import PARTNER_TYPE_LABELS, PartnerContact, PartnerStatus

EXTRA = [
    "Risk tier",
    "Risk score",
    "Next assessment due",
    "Certifications",
    "Last screening",
]
HEADERS = [label for label, _required, _syn in FIELDS.values()] + EXTRA


def rows(partners):
    partners = providers.with_last_screening(partners).prefetch_related(
        Prefetch("contacts", queryset=PartnerContact.objects.order_by("id")), "certifications"
    )
    statuses = dict(PartnerStatus.choices)
    for p in partners.iterator(chunk_size=1000):
        contact = next(iter(p.contacts.all()), None)
        values = {
            "legal_name": p.legal_name,
            "partner_type": PARTNER_TYPE_LABELS.get(p.partner_type, p.partner_type),
            "country": p.country,
            "other_names": "; ".join(p.other_names),
            "other_countries": "; ".join(p.other_countries),
            "address": p.address,
            **{k: getattr(p, k) for k in ("duns", "lei", "tax_id", "ior", "scac", "iata_code")},
            "mid": p.mid,
            "services": "; ".join(p.services),
            "start_date": p.start_date.isoformat() if p.start_date else "",
            "status": statuses[p.status],
            "notes": p.notes,
            "contact_name": contact.name if contact else "",
            "contact_email": contact.email if contact else "",
            "contact_phone": contact.phone if contact else "",
        }
        certs = "; ".join(f"{c} ({c.get_status_display()})" for c in p.certifications.all())
        due = p.next_assessment_due.isoformat() if p.next_assessment_due else ""
        screened = (
            f"{p.screening_outcome.replace('_', ' ')} on {p.screened_at:%Y-%m-%d}"
            if getattr(p, "screened_at", None)
            else "not screened"
        )
        yield [values[f] for f in FIELDS] + [p.risk_tier, p.risk_score or "", due, certs, screened]


def _record(org, actor, fmt: str, rows: int, filters: dict | None) -> None:
    given = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    record_export(org, actor, export="business partners", format=fmt, rows=rows, filters=given)


def build_csv(org, actor, partners, filters: dict | None = None) -> bytes:
    """The registry (``partners``, already filtered by ``filters``) as CSV; audited."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    count = 0
    for row in rows(partners):
        writer.writerow(csv_row(row))
        count += 1
    _record(org, actor, "csv", count, filters)
    return ("\ufeff" + out.getvalue()).encode()


def build_xlsx(org, actor, partners, filters: dict | None = None) -> bytes:
    """The registry as a streamed XLSX workbook; audited."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Business partners")
    ws.freeze_panes = "A2"
    ws.append(xlsx_row(ws, HEADERS, bold=True))
    count = 0
    for row in rows(partners):
        ws.append(xlsx_row(ws, row))
        count += 1
    out = io.BytesIO()
    wb.save(out)
    _record(org, actor, "xlsx", count, filters)
    return out.getvalue()


def filename(ext: str) -> str:
    return f"business-partners-{timezone.localdate():%Y-%m-%d}.{ext}"
