import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from openctpat.accounts.api_auth import require
from openctpat.accounts.roles import Perm
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination

from . import services
from .audit import verify_chains
from .models import AuditEntry
from .schemas import Id, IsoDate, responses

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


class AuditFilters(Schema):
    action: str | None = Field(None, max_length=40)
    actor: str | None = Field(None, max_length=254)
    object_type: str | None = Field(None, max_length=100)
    object_id: str | None = Field(None, max_length=64)
    since: IsoDate | None = None
    until: IsoDate | None = None


class ChainStatusOut(Schema):
    chain: str
    intact: bool
    entries: int
    broken_entry_id: int | None
    broken_seq: int | None
    reason: str


@router.get("", response=responses({200: list[AuditEntryOut]}), summary="List audit entries")
@paginate(Pagination)
def list_audit(request, filters: Query[AuditFilters]):
    require(request, Perm.VIEW_AUDIT)
    return services.audit_entries(request.org, **filters.dict())


@router.get("/verify", response=responses({200: ChainStatusOut}), summary="Verify the hash chain")
def verify_audit(request):
    require(request, Perm.VIEW_AUDIT)
    (report,) = verify_chains(request.org)
    return {**report.__dict__, "intact": report.intact}


@router.get("/{entry_id}", response=responses({200: AuditEntryOut}), summary="One audit entry")
def get_audit_entry(request, entry_id: Id):
    require(request, Perm.VIEW_AUDIT)
    return get_for_org(request, AuditEntry, entry_id)
