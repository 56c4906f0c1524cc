"""Demo content for the security profile: sites, evidence, an importer profile half answered."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .models import AnswerStatus, SecurityProfile

# (title, file name, content, days until review date or None, categories it supports)
DOCUMENTS = [
    (
        "CTPAT statement of support (signed)",
        "statement-of-support.txt",
        "Acme Imports Inc. is committed to supply chain security and to CTPAT.\n"
        "Signed: Pat Rivera, PCSO, and the Chief Executive Officer.\n",
        300,
        [1],
    ),
    (
        "Supply chain risk assessment 2026",
        "risk-assessment-2026.txt",
        "Five-step risk assessment: cargo flow map, country threats, vulnerabilities, "
        "action plan, methodology.\n",
        20,
        [2],
    ),
    (
        "Business partner screening procedure",
        "partner-screening.txt",
        "Every new partner is screened against OFAC SDN and the Consolidated Screening List.\n",
        400,
        [3],
    ),
    (
        "Information security policy",
        "infosec-policy.txt",
        "Accounts are individual; passwords follow the passphrase rule; MFA for remote access.\n",
        -10,
        [4],
    ),
    (
        "Container inspection and seal procedure",
        "seal-procedure.txt",
        "7-point inspection before stuffing; ISO 17712 H bolt seals; VVTT on every seal.\n",
        200,
        [5, 6],
    ),
    (
        "Seal inventory log 2026",
        "seal-log-2026.csv",
        "seal_number,received,issued_to,applied_to\nACM100001,2026-01-05,dock 1,MSCU1234565\n",
        None,
        [6, 7],
    ),
    (
        "Facility security plan - Newark DC",
        "facility-plan.txt",
        "Fencing, lighting, CCTV coverage of docks, badge access, visitor log.\n",
        365,
        [9, 10],
    ),
    (
        "Security awareness training records 2026",
        "training-2026.csv",
        "employee,course,date\nChris Nguyen,Threat awareness,2026-02-10\n",
        None,
        [11, 12],
    ),
]


def load_demo(org, owner, contributor) -> SecurityProfile | None:
    if SecurityProfile.objects.for_org(org).exists():
        return None
    today = timezone.localdate()
    services.create_site(
        org,
        owner,
        name="Newark distribution center",
        country="US",
        site_type="warehouse",
        address="100 Port Street, Newark, NJ 07114",
    )
    services.create_site(
        org, owner, name="Head office", country="US", site_type="office", address="Chicago, IL"
    )
    profile = services.create_profile(org, owner, entity_type="importer")
    services.update_profile(
        org, owner, profile, anniversary_date=today + datetime.timedelta(days=75)
    )
    services.create_profile(org, owner, entity_type="exporter")
    by_category = {}
    for title, name, content, days, categories in DOCUMENTS:
        document = services.upload_evidence(
            org,
            owner,
            SimpleUploadedFile(name, content.encode()),
            title=title,
            review_date=today + datetime.timedelta(days=days) if days is not None else None,
        )
        for category in categories:
            by_category.setdefault(category, []).append(document)
    answers = profile.answers.select_related("criterion")
    for index, answer in enumerate(answers):
        criterion = answer.criterion
        if index % 5 == 4:
            continue  # leave some not started
        status = AnswerStatus.MEETS
        if index % 7 == 3:
            status = AnswerStatus.PARTIALLY_MEETS
        elif index % 11 == 5:
            status = AnswerStatus.IN_PROGRESS
        services.update_answer(
            org,
            contributor if index % 2 else owner,
            answer,
            status=status,
            owner=contributor if criterion.category in (5, 6, 7) else owner,
            narrative=f"Acme's practice for {criterion.criterion_id}: {criterion.guidance}",
            due_date=today + datetime.timedelta(days=30) if status != AnswerStatus.MEETS else None,
        )
        for document in by_category.get(criterion.category, [])[:1]:
            services.link_evidence(org, owner, answer, document)
    return profile
