"""The one way every app writes to the audit trail: ``audit.record(...)``.

Each organisation has its own hash chain (``org:<id>``); events with no organisation (a
failed login for an unknown address) go to the ``system`` chain. Every entry stores the hash
of the previous one, so changing or deleting a row breaks the chain at that row.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .bulk import insert_many
from .models import GENESIS_HASH, AuditEntry


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    PERMISSION_CHANGE = "permission_change"
    EXPORT = "export"
    MFA_ENABLED = "mfa_enabled"
    MFA_DISABLED = "mfa_disabled"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    INVITE_SENT = "invite_sent"
    INVITE_ACCEPTED = "invite_accepted"
    INVITE_REVOKED = "invite_revoked"
    PASSWORD_CHANGED = "password_changed"

    ALL = (
        CREATE,
        UPDATE,
        DELETE,
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        LOCKOUT,
        PERMISSION_CHANGE,
        EXPORT,
        MFA_ENABLED,
        MFA_DISABLED,
        TOKEN_CREATED,
        TOKEN_REVOKED,
        INVITE_SENT,
        INVITE_ACCEPTED,
        INVITE_REVOKED,
        PASSWORD_CHANGED,
    )


@dataclass
class Context:
    """Where a change comes from: set once per request (or CLI run), read by ``record``."""

    via: str = "system"
    ip: str | None = None


_context: contextvars.ContextVar[Context] = contextvars.ContextVar("audit_context")


@contextlib.contextmanager
def context(via: str, ip: str | None = None):
    token = _context.set(Context(via=via, ip=ip))
    try:
        yield
    finally:
        _context.reset(token)


def set_via(via: str) -> None:
    """Refine the channel of the current request (e.g. the API router marks it "api")."""
    current = _context.get(None)
    if current is not None:
        current.via = via


def current_context() -> Context:
    return _context.get(None) or Context()


def jsonable(value):
    """Turn a field value into something JSON keeps exactly, for hashing and display."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict:
    """The audited fields of an object, before or after a change (FKs by id)."""
    out = {}
    for name in fields:
        f = obj._meta.get_field(name)
        out[name] = jsonable(getattr(obj, f.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields that changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


@dataclass
class Target:
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""

    @classmethod
    def of(cls, obj) -> "Target":
        if obj is None:
            return cls()
        if isinstance(obj, Target):
            return obj
        return cls(obj._meta.label_lower, str(obj.pk), str(obj)[:200])


def chain_name(organisation_id) -> str:
    return f"org:{organisation_id}" if organisation_id else "system"


def record(
    action: str,
    *,
    organisation=None,
    actor=None,
    target=None,
    changes: dict | None = None,
) -> AuditEntry:
    """Append one entry to the organisation's chain, inside the caller's transaction."""
    return _append(organisation, actor, [(action, target, changes)])[0]


def record_many(organisation, actor, items) -> list[AuditEntry]:
    """``record`` for each ``(action, target, changes)`` of a bulk write, in one INSERT.

    The same entries, in the same order, as one ``record`` per item; an item with empty
    changes records nothing (as ``record_changes``). An import of 2,000 rows appends its
    2,000 entries in a few milliseconds instead of two queries per entry.
    """
    items = [item for item in items if item[2]]
    return _append(organisation, actor, items) if items else []


def _append(organisation, actor, items) -> list[AuditEntry]:
    """Chain ``items`` after the tail of the organisation's chain, inside the caller's
    transaction; on a race for the next sequence number, read the new tail and retry."""
    ctx = current_context()
    org_id = getattr(organisation, "pk", organisation)
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "email", "") or (str(actor) if actor else "")
    chain = chain_name(org_id)
    items = [(action, Target.of(obj), jsonable(changes or {})) for action, obj, changes in items]
    for _attempt in range(8):
        last = AuditEntry.objects.filter(chain=chain).order_by("-seq").values("seq", "hash").first()
        seq, prev_hash = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
        now = timezone.now()
        entries = []
        for action, tgt, changes in items:
            seq += 1
            entry = AuditEntry(
                chain=chain,
                seq=seq,
                timestamp=now,
                organisation_id=org_id,
                actor_user_id=actor_id,
                actor_label=actor_label[:254],
                action=action,
                object_type=tgt.object_type,
                object_id=tgt.object_id,
                object_repr=tgt.object_repr,
                changes=changes,
                via=ctx.via,
                ip=ctx.ip,
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry.compute_hash()
            entries.append(entry)
        try:
            with transaction.atomic():
                if len(entries) == 1:
                    entries[0].save()
                else:
                    insert_many(AuditEntry, entries)
            return entries
        except IntegrityError:
            continue  # another writer took this sequence number; read the new tail
    raise RuntimeError(f"Could not append to audit chain {chain}")


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    broken_entry_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.broken_entry_id is None and not self.reason


def verify_chain(chain: str) -> ChainReport:
    """Recompute every hash of one chain in order; report the first row that does not fit."""
    report = ChainReport(chain=chain)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for entry in AuditEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        report.entries += 1
        problem = ""
        if entry.seq != expected_seq:
            problem = f"sequence jumps from {expected_seq - 1} to {entry.seq} (rows removed)"
        elif entry.prev_hash != prev_hash:
            problem = "previous-hash link does not match the entry before it"
        elif entry.compute_hash() != entry.hash:
            problem = "content does not match its hash (row modified)"
        if problem:
            report.broken_entry_id = entry.pk
            report.broken_seq = entry.seq
            report.reason = problem
            return report
        prev_hash = entry.hash
        expected_seq += 1
    return report


def verify_chains(organisation=None) -> list[ChainReport]:
    """Verify one organisation's chain, or every chain when no organisation is given."""
    if organisation is not None:
        return [verify_chain(chain_name(organisation.pk))]
    chains = AuditEntry.objects.order_by("chain").values_list("chain", flat=True).distinct()
    return [verify_chain(c) for c in chains]


def record_changes(action: str, organisation, actor, target, changes: dict) -> None:
    """Append an entry only when something changed (an empty diff records nothing)."""
    if changes:
        record(action, organisation=organisation, actor=actor, target=target, changes=changes)


def record_created(organisation, actor, obj, fields) -> None:
    record_changes(Action.CREATE, organisation, actor, obj, diff({}, snapshot(obj, fields)))


def update_audited(organisation, actor, obj, values: dict, fields):
    """Set ``values`` on ``obj``, save it, and record what changed among ``fields``."""
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.updated_by = actor
    obj.save()
    record_changes(Action.UPDATE, organisation, actor, obj, diff(before, snapshot(obj, fields)))
    return obj


def delete_audited(organisation, actor, obj, fields) -> None:
    record_changes(Action.DELETE, organisation, actor, obj, diff(snapshot(obj, fields), {}))
    obj.delete()
