"""Reminder emails: evidence to review, annual reviews in their window, answers coming due,
and for the owners the audit trail's daily checkpoint.

Run daily (cron: `ctpat reminders`, or enqueue `send_reminders_task` for `db_worker`).
Each (thing, due date) is announced once; a changed date is announced again.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from openctpat.accounts.models import Organisation
from openctpat.core.reminders import (
    AUDIT_BROKEN,
    SOURCES,
    Due,
    audit_notice,
    owner_emails,
    register,
)

from . import services
from .models import Answer, AnswerStatus, EvidenceDocument, Reminder, SecurityProfile

EVIDENCE_NOTICE_DAYS = services.EXPIRY_WARNING_DAYS
ANSWER_NOTICE_DAYS = 7


@register
def due_reminders(org, today: datetime.date) -> list[Due]:
    owners = owner_emails(org)
    due: list[Due] = []
    soon = today + datetime.timedelta(days=EVIDENCE_NOTICE_DAYS)
    for doc in EvidenceDocument.objects.for_org(org).filter(review_date__lte=soon):
        when = "expired on" if doc.review_date < today else "is due for review on"
        due.append(
            Due(
                "evidence_review",
                doc.pk,
                doc.review_date,
                f"Evidence {doc.title!r} {when} {doc.review_date:%Y-%m-%d}.",
                owners,
            )
        )
    profiles = SecurityProfile.objects.for_org(org).exclude(anniversary_date=None)
    for profile in profiles.select_related("site"):
        window = services.review_window(profile, today)
        if window.is_open:
            due.append(
                Due(
                    "annual_review",
                    profile.pk,
                    window.anniversary,
                    f"The annual review of {profile} is due by {window.anniversary:%Y-%m-%d} "
                    f"({window.days_left} days left).",
                    owners,
                )
            )
    answers = (
        Answer.objects.for_org(org)
        .filter(
            retired=False,
            due_date__lte=today + datetime.timedelta(days=ANSWER_NOTICE_DAYS),
            owner__isnull=False,
        )
        .exclude(status__in=[AnswerStatus.MEETS, AnswerStatus.NOT_APPLICABLE])
        .select_related("criterion", "owner", "profile__site")
    )
    for answer in answers:
        due.append(
            Due(
                "answer_due",
                answer.pk,
                answer.due_date,
                f"Criterion {answer.criterion.criterion_id} of {answer.profile} is due on "
                f"{answer.due_date:%Y-%m-%d} ({answer.get_status_display().lower()}).",
                [answer.owner.email],
            )
        )
    return due


def _first_time(org, item: Due) -> bool:
    """Log the announcement; False when this (thing, date) was announced before."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                organisation=org,
                kind=item.kind,
                object_id=item.object_id,
                due_date=item.due_date,
                recipients=item.recipients,
                subject=item.line[:200],
            )
    except IntegrityError:
        return False
    return True


def _subject(org, lines: list[str], notice: Due | None) -> str:
    if notice is not None and notice.kind == AUDIT_BROKEN:
        return f"[OpenCTPAT] The audit trail of {org.name} FAILED verification"
    if not lines:
        return f"[OpenCTPAT] Audit trail checkpoint for {org.name}"
    return f"[OpenCTPAT] {len(lines)} reminder{'s' if len(lines) > 1 else ''} for {org.name}"


def send_reminders(today: datetime.date | None = None) -> int:
    """Send what is due in every organisation; returns the number of emails sent.

    Also checkpoints each organisation's audit trail: the owners' email ends with the new
    signed checkpoint (or with the alarm when the trail fails verification).
    """
    today = today or timezone.localdate()
    sent = 0
    for org in Organisation.objects.order_by("pk"):
        digests: dict[str, list[str]] = {}
        due = [item for source in SOURCES for item in source(org, today)]
        for item in due:
            if not item.recipients or not _first_time(org, item):
                continue  # nobody to tell, or already announced for this date
            for email in item.recipients:
                digests.setdefault(email, []).append(item.line)
        notice = audit_notice(org, today)
        if notice is None or not _first_time(org, notice):
            notice = None
        else:
            for email in notice.recipients:
                digests.setdefault(email, [])
        for email, lines in digests.items():
            body = "\n".join(f"- {line}" for line in lines)
            body += "\n\nOpen OpenCTPAT to act on them.\n" if lines else ""
            if notice is not None and email in notice.recipients:
                body += ("\n" if lines else "") + notice.line
            send_mail(_subject(org, lines, notice), body, settings.DEFAULT_FROM_EMAIL, [email])
            sent += 1
    return sent


@task()
def send_reminders_task() -> int:
    return send_reminders()
