import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require

from . import services
from .audit import ChainReport, verify_chains
from .checkpoints import FORMAT
from .models import AuditEntry
from .schemas import Id, IsoDate, StrictId, StrictInput, responses

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    seq: int
    timestamp: datetime.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    via: str
    ip: str | None
    hash: str
    prev_hash: str
    mac: str


class AuditFilters(Schema):
    action: str | None = Field(None, max_length=40)
    actor: str | None = Field(None, max_length=254)
    object_type: str | None = Field(None, max_length=100)
    object_id: str | None = Field(None, max_length=64)
    since: IsoDate | None = None
    until: IsoDate | None = None


class CheckpointOut(Schema):
    """A signed checkpoint: the file the audit page offers, field for field."""

    format: str = FORMAT
    chain: str
    seq: int
    hash: str
    at: str
    mac: str


class CheckpointIn(StrictInput):
    format: str = Field(..., max_length=60)
    chain: str = Field(..., max_length=40)
    seq: StrictId
    hash: str = Field(..., max_length=64)
    at: str = Field(..., max_length=40)
    mac: str = Field(..., max_length=64)


class ChainStatusOut(Schema):
    chain: str
    intact: bool
    kind: str = Field(
        description="What broke: altered, removed, recomputed, truncated, unsigned or "
        "bad_checkpoint; empty when intact."
    )
    entries: int
    broken_entry_id: int | None
    broken_seq: int | None
    reason: str
    head_seq: int
    head_hash: str
    last_checkpoint: CheckpointOut | None = Field(
        description="The latest checkpoint the chain matches (before the break, if any)."
    )
    failed_checkpoint: CheckpointOut | None = Field(
        description="The checkpoint the chain contradicts (truncated or rewritten)."
    )
    since_checkpoint: int


def _status(report: ChainReport) -> dict:
    fields = ("chain", "kind", "entries", "broken_entry_id", "broken_seq", "reason")
    return {
        **{name: getattr(report, name) for name in fields},
        "intact": report.intact,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "last_checkpoint": report.last_checkpoint,
        "failed_checkpoint": report.failed_checkpoint,
        "since_checkpoint": report.since_checkpoint,
    }


@router.get("", response=responses({200: list[AuditEntryOut]}), summary="List audit entries")
@paginate(Pagination)
def list_audit(request, filters: Query[AuditFilters]):
    require(request, Perm.VIEW_AUDIT)
    return services.audit_entries(request.org, **filters.dict())


@router.get("/verify", response=responses({200: ChainStatusOut}), summary="Verify the hash chain")
def verify_audit(request):
    """Every hash, signature and stored checkpoint of the organisation's chain."""
    require(request, Perm.VIEW_AUDIT)
    (report,) = verify_chains(request.org)
    return _status(report)


@router.post(
    "/verify",
    response=responses({200: ChainStatusOut}),
    summary="Verify the chain against a checkpoint you kept",
)
def verify_audit_against(request, payload: CheckpointIn):
    """As GET, and also against a checkpoint kept outside the server (from ``/audit/head``,
    the audit page or a reminder email)."""
    require(request, Perm.VIEW_AUDIT)
    kept = services.kept_checkpoint(request.org, payload.model_dump_json())
    (report,) = verify_chains(request.org, [kept])
    return _status(report)


@router.get("/head", response=responses({200: CheckpointOut}), summary="Checkpoint the head")
def audit_head(request):
    """Verify the chain, store a signed checkpoint of its newest entry and return it, to keep
    outside the server; recorded as an export. 409 when the chain fails verification."""
    require(request, Perm.VIEW_AUDIT)
    return services.export_head(request.org, request.user)


@router.get("/{entry_id}", response=responses({200: AuditEntryOut}), summary="One audit entry")
def get_audit_entry(request, entry_id: Id):
    require(request, Perm.VIEW_AUDIT)
    return get_for_org(request, AuditEntry, entry_id)
