"""The audit trail for the audit page and the API: filtering, the head and its checkpoints."""

import datetime

from django.db.models import QuerySet

from . import checkpoints
from .audit import Action, chain_name, record, write_checkpoint
from .checkpoints import Checkpoint
from .errors import Conflict, invalid
from .filters import narrowed
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
    qs = narrowed(
        AuditEntry.objects.for_org(organisation),
        action=action,
        actor_label__icontains=actor,
        object_type=object_type,
        object_id=object_id,
        timestamp__date__gte=since,
        timestamp__date__lte=until,
    )
    return qs.order_by("-timestamp", "-id")


def object_types(organisation) -> list[str]:
    return list(
        AuditEntry.objects.for_org(organisation)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


def head(organisation) -> AuditEntry | None:
    """The newest entry of the organisation's chain: what the audit page shows as the head."""
    return AuditEntry.objects.filter(chain=chain_name(organisation.pk)).order_by("-seq").first()


def export_head(organisation, actor) -> Checkpoint:
    """Verify the chain, store a signed checkpoint of its head and hand it to the member to
    keep outside the server; recorded as an export (after the checkpointed entry)."""
    checkpoint = write_checkpoint(chain_name(organisation.pk))
    if checkpoint is None:
        raise Conflict("The audit trail has no entries yet.")
    record(
        Action.EXPORT,
        organisation=organisation,
        actor=actor,
        changes={"export": "audit checkpoint", "seq": checkpoint.seq, "hash": checkpoint.hash},
    )
    return checkpoint


def kept_checkpoint(organisation, raw) -> Checkpoint:
    """A checkpoint a member kept, checked: signed with our key and of their own chain."""
    try:
        checkpoint = checkpoints.parse_signed(raw)
    except ValueError as exc:
        raise invalid("checkpoint", str(exc)) from None
    if checkpoint.chain != chain_name(organisation.pk):
        raise invalid("checkpoint", "This checkpoint is of another organisation's audit trail.")
    return checkpoint
