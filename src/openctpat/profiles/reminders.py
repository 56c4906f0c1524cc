"""Reminder emails: evidence to review, annual reviews in their window, answers coming due.

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
from openctpat.core.reminders import SOURCES, Due, owner_emails, register

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


def send_reminders(today: datetime.date | None = None) -> int:
    """Send what is due in every organisation; returns the number of emails sent."""
    today = today or timezone.localdate()
    sent = 0
    for org in Organisation.objects.order_by("pk"):
        digests: dict[str, list[str]] = {}
        due = [item for source in SOURCES for item in source(org, today)]
        for item in due:
            if not item.recipients:
                continue
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
                continue  # already announced for this date
            for email in item.recipients:
                digests.setdefault(email, []).append(item.line)
        for email, lines in digests.items():
            send_mail(
                f"[OpenCTPAT] {len(lines)} reminder{'s' if len(lines) > 1 else ''} for {org.name}",
                "\n".join(f"- {line}" for line in lines) + "\n\nOpen OpenCTPAT to act on them.\n",
                settings.DEFAULT_FROM_EMAIL,
                [email],
            )
            sent += 1
    return sent


@task()
def send_reminders_task() -> int:
    return send_reminders()
