"""Reminders: certifications to re-verify, partners due for re-assessment, questionnaires
coming due (the last go to the partner contact, with the link)."""

import datetime

from django.db.models import Q

from openctpat.core.reminders import Due, owner_emails, register

from .models import (
    BusinessPartner,
    Certification,
    PartnerStatus,
    Questionnaire,
    QuestionnaireStatus,
)

NOTICE_DAYS = 30
QUESTIONNAIRE_NOTICE_DAYS = 7


@register
def due_reminders(org, today: datetime.date) -> list[Due]:
    from .services import link_url

    owners = owner_emails(org)
    due = []
    horizon = today + datetime.timedelta(days=NOTICE_DAYS)
    live = ~Q(partner__status=PartnerStatus.TERMINATED)
    for cert in (
        Certification.objects.for_org(org)
        .filter(live, reverify_due__lte=horizon)
        .select_related("partner")
    ):
        due.append(
            Due(
                "partner_certification",
                cert.pk,
                cert.reverify_due,
                f"Re-verify {cert} of {cert.partner.legal_name} by {cert.reverify_due:%Y-%m-%d}.",
                owners,
            )
        )
    for partner in BusinessPartner.objects.for_org(org).filter(
        next_assessment_due__lte=horizon, status=PartnerStatus.ACTIVE
    ):
        due.append(
            Due(
                "partner_reassessment",
                partner.pk,
                partner.next_assessment_due,
                f"Re-assess {partner.legal_name} ({partner.risk_tier} tier) by "
                f"{partner.next_assessment_due:%Y-%m-%d}.",
                owners,
            )
        )
    open_states = [QuestionnaireStatus.SENT, QuestionnaireStatus.IN_PROGRESS]
    for q in (
        Questionnaire.objects.for_org(org)
        .filter(
            status__in=open_states,
            revoked_at__isnull=True,
            due_date__lte=today + datetime.timedelta(days=QUESTIONNAIRE_NOTICE_DAYS),
        )
        .select_related("partner")
    ):
        if q.link_expires_at.date() < today:
            continue
        state = "was due on" if q.due_date < today else "is due on"
        due.append(
            Due(
                "partner_questionnaire",
                q.pk,
                q.due_date,
                f"The security questionnaire for {q.partner.legal_name} {state} "
                f"{q.due_date:%Y-%m-%d}. Open it here: {link_url(q)}",
                [q.contact_email],
            )
        )
    return due
