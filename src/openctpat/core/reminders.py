"""Where reminder sources register: each app says what is due in an organisation.

A source is ``fn(org, today) -> list[Due]``; apps add theirs in ``AppConfig.ready``.
The profiles app sends the emails (it keeps the log of what was sent); each owner's email
ends with the audit trail's new checkpoint (``audit_notice``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Due:
    kind: str
    object_id: int
    due_date: datetime.date
    line: str
    recipients: list[str]


SOURCES: list[Callable] = []
AUDIT_CHECKPOINT = "audit_checkpoint"
AUDIT_BROKEN = "audit_broken"


def register(source: Callable) -> Callable:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def owner_emails(org) -> list[str]:
    from django.contrib.auth import get_user_model

    from .permissions import Role

    return list(
        get_user_model()
        .objects.filter(memberships__organisation=org, memberships__role=Role.OWNER)
        .values_list("email", flat=True)
        .order_by("email")
    )


def audit_notice(org, today: datetime.date) -> Due | None:
    """What closes the owners' daily email about the audit trail.

    A new signed checkpoint of the organisation's chain (a copy in each owner's mailbox,
    outside the server, that ``ctpat verify-audit --checkpoint`` can check the trail
    against later), or, while the chain fails verification, the alarm (every day).
    """
    from .audit import ChainBroken, chain_name, write_checkpoint

    owners = owner_emails(org)
    try:
        checkpoint = write_checkpoint(chain_name(org.pk))
    except ChainBroken as exc:
        return Due(
            AUDIT_BROKEN,
            exc.report.broken_seq or 0,
            today,
            f"{exc.message}\nOpen Audit trail > Verify the chain in OpenCTPAT and investigate "
            "before trusting entries after this point.",
            owners,
        )
    if checkpoint is None:
        return None
    return Due(
        AUDIT_CHECKPOINT,
        checkpoint.seq,
        datetime.date.fromisoformat(checkpoint.at[:10]),
        f"Audit trail checkpoint: {checkpoint.label}, signed with the audit key.\n"
        "Keep this email. To check later that no entry up to this one was changed or "
        "removed, save the block below as a .json file and upload it on the audit "
        "verification page (or run ctpat verify-audit --checkpoint FILE).\n\n"
        + checkpoint.to_json(),
        owners,
    )
