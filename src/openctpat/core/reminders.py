"""Where reminder sources register: each app says what is due in an organisation.

A source is ``fn(org, today) -> list[Due]``; apps add theirs in ``AppConfig.ready``.
The profiles app sends the emails (it keeps the log of what was sent).
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


def register(source: Callable) -> Callable:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def owner_emails(org) -> list[str]:
    from openctpat.accounts.models import Membership
    from openctpat.accounts.roles import Role

    return list(
        Membership.objects.for_org(org)
        .filter(role=Role.OWNER)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )
