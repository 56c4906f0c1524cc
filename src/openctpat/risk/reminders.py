"""Reminders for corrective actions coming due or overdue (sent by `ctpat reminders`)."""

import datetime

from openctpat.core.reminders import Due, owner_emails, register

from .models import Action, ActionStatus

NOTICE_DAYS = 7


@register
def due_actions(org, today: datetime.date) -> list[Due]:
    owners = None
    due = []
    actions = (
        Action.objects.for_org(org)
        .filter(
            status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
            due_date__lte=today + datetime.timedelta(days=NOTICE_DAYS),
        )
        .select_related("owner", "assessment")
    )
    for action in actions:
        if action.owner:
            recipients = [action.owner.email]
        else:
            owners = owners if owners is not None else owner_emails(org)
            recipients = owners
        state = "is overdue since" if action.due_date < today else "is due on"
        due.append(
            Due(
                "risk_action",
                action.pk,
                action.due_date,
                f"Action {action.title!r} ({action.assessment.title}) {state} "
                f"{action.due_date:%Y-%m-%d}.",
                recipients,
            )
        )
    return due
