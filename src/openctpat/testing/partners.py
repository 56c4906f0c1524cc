"""Factories for business partners, certifications, templates, questionnaires and actions."""

import datetime
import hashlib
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.partners import services
from openctpat.partners.models import Reply

from . import owner_of

_seq = itertools.count(1)

SMALL_CSV = (
    "Legal name,Type,Country,DUNS,Services,Contact name,Contact email\n"
    "Shenzhen Bright Toys Co. Ltd,Supplier,CN,123456789,manufacturing;stuffing,Li Wei,"
    "li.wei@brighttoys.test\n"
    "Pacific Star Line,Sea Carrier,Singapore,,sea_transport,Tan Mei,tan@pacificstar.test\n"
    "Border Brokers SA de CV,Customs Broker,MEX,,customs_brokerage,,\n"
)


def make_partner(org, **fields):
    values = {
        "legal_name": f"Partner {next(_seq)} Ltd",
        "partner_type": "supplier",
        "country": "CN",
        "services": ["manufacturing"],
        **fields,
    }
    return services.create_partner(org, owner_of(org), **values)


def make_contact(org, partner=None):
    partner = partner or make_partner(org)
    return services.add_contact(
        org, owner_of(org), partner, name="Li Wei", email="li.wei@supplier.test"
    )


def make_certification(org, partner=None, **fields):
    """A verified CTPAT certification, unless ``fields`` say otherwise."""
    values = {
        "program": "ctpat",
        "reference": "SVI-123456",
        "status": "certified",
        "verified_on": timezone.localdate(),
        **fields,
    }
    return services.add_certification(org, owner_of(org), partner or make_partner(org), **values)


def make_template(org, partner_type="foreign_manufacturer", entity_type=None):
    """By default from the manufacturer catalog (a few criteria: fast); pass
    ``entity_type="importer"`` for the full 93-question questionnaire."""
    return services.create_template(
        org, owner_of(org), partner_type=partner_type, entity_type=entity_type
    )


def make_question(org, template=None):
    template = template or make_template(org)
    n = template.questions.count()
    return services.add_question(org, owner_of(org), template, text=f"Is cargo sealed? ({n})")


def send(org, partner=None, template=None):
    """(questionnaire, link) for a fresh partner."""
    partner = partner or make_partner(org)
    template = template or make_template(org)
    return services.send_questionnaire(
        org,
        owner_of(org),
        partner,
        template,
        contact_name="Li Wei",
        contact_email="li.wei@supplier.test",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )


def make_questionnaire(org):
    return send(org)[0]


def answer_all(q, reply=Reply.YES, submit=True):
    replies = {i.pk: {"reply": reply, "comment": ""} for i in q.items.all()}
    return services.partner_save(q, replies, submit=submit)


def make_submitted(org):
    q = make_questionnaire(org)
    return answer_all(q)


def make_item(org):
    return make_submitted(org).items.first()


def make_action(org, partner=None):
    partner = partner or make_partner(org)
    return services.create_action(org, owner_of(org), partner, title="Install CCTV at the dock")


COUNTRIES = ("CN", "VN", "MX", "IN", "DE", "TR", "BD", "CO")


def partner_csv(count: int, bad: int = 0) -> bytes:
    """``count`` distinct, valid partners (no two similar names), the first ``bad`` of them
    in an unknown country."""
    lines = ["Legal name,Type,Country,Contact email"]
    for i in range(count):
        word = hashlib.sha256(str(i).encode()).hexdigest()[:12]
        country = "Atlantis" if i < bad else COUNTRIES[i % len(COUNTRIES)]
        lines.append(f"{word} Trading,Supplier,{country},ops@{word}.test")
    return ("\n".join(lines) + "\n").encode()


def make_import(org, csv_text: str = SMALL_CSV):
    upload = SimpleUploadedFile("partners.csv", csv_text.encode())
    return services.start_import(org, owner_of(org), upload)
