"""Read side of the audit trail: filtering shared by the audit page and the API."""

import datetime

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(
    organisation,
    *,
    action: str | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.for_org(organisation)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(timestamp__date__gte=since)
    if until:
        qs = qs.filter(timestamp__date__lte=until)
    return qs.order_by("-timestamp", "-id")


def object_types(organisation) -> list[str]:
    return list(
        AuditEntry.objects.for_org(organisation)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
