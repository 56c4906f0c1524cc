"""Demo content: the partners on the demo lanes with certifications and questionnaires, and
the shipped 1,000-partner registry file imported through the normal import."""

import datetime
import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .models import BusinessPartner, Questionnaire, Reply

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo-partners-1000.xlsx"

# The partners on the demo lanes: legal name, type, country, services, contact and email.
LANE_PARTNERS = json.loads((DEMO_FILE.parent / "demo-lane-partners.json").read_text())
# Their certifications: partner, program, reference, status, verified how many days ago, and
# for the MRA one its country (valid MRA_VALID_DAYS more days).
DEMO_CERTIFICATIONS = [
    ("Liberty Customs Brokers", "ctpat", "SVI-73X19A", "validated", 200, ""),
    ("Pacific Star Line", "ctpat", "SVI-55K201", "certified", 355, ""),
    ("Acme Manufacturing de Mexico", "mra", "NEEC-2021-0442", "certified", 90, "MX"),
    ("Saigon Garment Works", "iso28000", "ISO28K-8812", "expired", 500, ""),
]
MRA_VALID_DAYS = 500


def load_demo(org, owner, contributor=None) -> list[BusinessPartner]:
    if BusinessPartner.objects.for_org(org).exists():
        return []
    today = timezone.localdate()
    made = {}
    for row in map(dict, LANE_PARTNERS):
        contact = {"name": row.pop("contact"), "email": row.pop("email")}
        partner = services.create_partner(
            org, owner, **row, start_date=today - datetime.timedelta(days=900)
        )
        services.add_contact(org, owner, partner, **contact, role="Security lead")
        made[partner.legal_name] = partner
    for name, program, reference, status, days_ago, country in DEMO_CERTIFICATIONS:
        mra = {"country": country, "expires_on": today + datetime.timedelta(days=MRA_VALID_DAYS)}
        services.add_certification(
            org,
            owner,
            made[name],
            program=program,
            reference=reference,
            status=status,
            verified_on=today - datetime.timedelta(days=days_ago),
            **(mra if country else {}),
        )
    template = services.create_template(
        org,
        owner,
        partner_type="foreign_manufacturer",
        entity_type="importer",
        name="Supplier security questionnaire",
    )
    # One questionnaire answered, reviewed and followed up; one still open at the partner.
    toys = made["Shenzhen Bright Toys Co."]
    q, _link = services.send_questionnaire(
        org,
        owner,
        toys,
        template,
        contact_name="Li Wei",
        contact_email="li.wei@brighttoys.example",
        due_date=today + datetime.timedelta(days=10),
    )
    replies = {}
    for n, item in enumerate(q.items.all()):
        reply = Reply.NO if n % 17 == 5 else Reply.PARTIAL if n % 11 == 3 else Reply.YES
        replies[item.pk] = {"reply": reply, "comment": "" if reply == Reply.YES else "Planned"}
    services.partner_save(q, replies, submit=True)
    services.mark_suggested_weaknesses(org, owner, q)
    weak = q.items.filter(weakness=True).order_by("position").first()
    services.create_action(
        org,
        owner,
        toys,
        item=weak,
        title=f"Close the gap on {weak.reference}",
        owner=contributor or owner,
        partner_contact="Li Wei",
        due_date=today + datetime.timedelta(days=45),
    )
    services.complete_review(
        org, owner, q, summary="Good overall; gaps in access control and seal logs followed up."
    )
    services.send_questionnaire(
        org,
        owner,
        made["Saigon Garment Works"],
        template,
        contact_name="Nguyen Thi Lan",
        contact_email="lan@saigongarment.example",
        due_date=today + datetime.timedelta(days=5),
    )
    if DEMO_FILE.exists():
        upload = SimpleUploadedFile(DEMO_FILE.name, DEMO_FILE.read_bytes())
        imp = services.start_import(org, owner, upload)
        # In this process: the demo's worker starts only once the data is loaded.
        services.commit_import(org, owner, imp, skip_duplicates=True, background=False)
    return list(made.values())


def open_link(org) -> str | None:
    """The demo's open partner link, to try the partner's side."""
    q = Questionnaire.objects.for_org(org).filter(status="sent").first()
    return services.link_url(q) if q else None
