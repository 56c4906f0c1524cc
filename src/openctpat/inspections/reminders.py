"""Reminders: the periodic seal audit, CBP reports of incidents, overdue corrective actions."""

import datetime

from django.utils import timezone

from openctpat.core.models import ActionStatus
from openctpat.core.reminders import Due, owner_emails, register

from .models import CorrectiveAction, Incident

NOTICE_DAYS = 14


@register
def due_reminders(org, today: datetime.date) -> list[Due]:
    from .services import seal_audit_due

    owners = owner_emails(org)
    due = []
    audit_due = seal_audit_due(org, today)
    if audit_due is not None and audit_due <= today + datetime.timedelta(days=NOTICE_DAYS):
        due.append(
            Due(
                "seal_audit",
                org.pk,
                audit_due,
                f"The periodic seal audit (MSC 6.6) is due by {audit_due:%Y-%m-%d}.",
                owners,
            )
        )
    for incident in Incident.objects.for_org(org).filter(
        cbp_reportable=True, cbp_reported_at__isnull=True
    ):
        deadline = timezone.localtime(incident.cbp_report_due_at)
        due.append(
            Due(
                "incident_cbp_report",
                incident.pk,
                deadline.date(),
                f"Report incident {incident.title!r} to CBP by {deadline:%Y-%m-%d %H:%M}.",
                owners,
            )
        )
    for action in (
        CorrectiveAction.objects.for_org(org)
        .filter(
            due_date__lte=today + datetime.timedelta(days=NOTICE_DAYS),
            status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
        )
        .select_related("owner", "incident")
    ):
        to = [action.owner.email] if action.owner else owners
        due.append(
            Due(
                "incident_action",
                action.pk,
                action.due_date,
                f"Corrective action {action.title!r} (incident {action.incident.title!r}) "
                f"is due {action.due_date:%Y-%m-%d}.",
                to,
            )
        )
    return due
