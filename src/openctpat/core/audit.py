"""The one way every app writes to the audit trail: ``audit.record(...)``.

Each organisation has its own hash chain (``org:<id>``); events with no organisation (a
failed login for an unknown address) go to the ``system`` chain. Every entry stores the hash
of the previous one, so changing or deleting a row breaks the chain at that row; its hash
is signed with the audit key and the chain's head is checkpointed outside the database
(core.checkpoints), so rewriting the chain consistently or cutting its end off shows too.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from . import checkpoints, concurrency
from .bulk import insert_many
from .checkpoints import Checkpoint
from .errors import Conflict
from .models import GENESIS_HASH, AuditEntry


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    LOGIN_REFUSED = "login_refused"  # sign-ins refused during a lockout, counted
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
    PASSWORD_RESET = "password_reset"

    ALL = (
        CREATE,
        UPDATE,
        DELETE,
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        LOCKOUT,
        LOGIN_REFUSED,
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
        PASSWORD_RESET,
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
            entry.mac = checkpoints.entry_mac(entry.hash)
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


class Tamper:
    """What verification found, in the words a report uses."""

    ALTERED = "altered"  # a row's content or link no longer matches its hash
    REMOVED = "removed"  # rows missing in the middle (the sequence jumps)
    RECOMPUTED = "recomputed"  # hashes recomputed after an edit: signature or checkpoint
    TRUNCATED = "truncated"  # the chain ends before a checkpoint's entry
    UNSIGNED = "unsigned"  # an entry with no signature that no checkpoint vouches for
    BAD_CHECKPOINT = "bad_checkpoint"  # a file in the checkpoint store the key did not sign


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    broken_entry_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    kind: str = ""
    head_seq: int = 0
    head_hash: str = ""
    # The latest checkpoint the chain matches (up to the break, if there is one) ...
    last_checkpoint: Checkpoint | None = None
    # ... and the one it contradicts (truncated or rewritten).
    failed_checkpoint: Checkpoint | None = None

    @property
    def intact(self) -> bool:
        return self.broken_entry_id is None and not self.reason

    @property
    def since_checkpoint(self) -> int:
        """Entries after the last checkpoint: nothing yet shows whether these were cut off."""
        return self.head_seq - (self.last_checkpoint.seq if self.last_checkpoint else 0)

    def fail(self, kind: str, reason: str, entry=None, seq=None) -> "ChainReport":
        self.kind, self.reason = kind, reason
        self.broken_entry_id = entry.pk if entry is not None else None
        self.broken_seq = entry.seq if entry is not None else seq
        return self

    def summary(self) -> str:
        """One line for the command line: the verdict, where, why, and the last good anchor."""
        good = self.last_checkpoint
        anchor = f"last good checkpoint: {good.label}" if good else "no checkpoint matched"
        if self.intact:
            since = f"{self.since_checkpoint} entries since"
            return f"intact ({self.entries} entries; {anchor}; {since})"
        if self.broken_entry_id is not None:
            where = f" at entry id={self.broken_entry_id} seq={self.broken_seq}"
        else:
            where = f" after entry {self.head_seq}" if self.kind == Tamper.TRUNCATED else ""
        return f"BROKEN{where} ({self.kind}): {self.reason}; {anchor}"


def _check_entry(entry, expected_seq: int, prev_hash: str | None) -> tuple[str, str]:
    if entry.seq != expected_seq:
        return (
            Tamper.REMOVED,
            f"sequence jumps from {expected_seq - 1} to {entry.seq} (rows removed)",
        )
    if prev_hash is not None and entry.prev_hash != prev_hash:
        return Tamper.ALTERED, "previous-hash link does not match the entry before it"
    if entry.compute_hash() != entry.hash:
        return Tamper.ALTERED, "content does not match its hash (row modified)"
    if entry.mac and not checkpoints.entry_mac_matches(entry.hash, entry.mac):
        return Tamper.RECOMPUTED, (
            "its hash fits its content but not its signature: the row was edited and the "
            "hashes recomputed by someone without the audit key"
        )
    return "", ""


def verify_chain(chain: str, extra_checkpoints=(), since: Checkpoint | None = None) -> ChainReport:
    """Recompute every hash of one chain in order, check every signature and checkpoint, and
    report the first thing that does not fit.

    ``extra_checkpoints`` are checkpoints kept elsewhere (a download, a reminder email), with
    their signature already checked. ``since`` starts at a stored checkpoint instead of the
    first entry (to extend it with a new checkpoint).
    """
    report = ChainReport(chain=chain)
    stored, bad = checkpoints.stored(chain)
    if bad:
        return report.fail(
            Tamper.BAD_CHECKPOINT,
            f"the checkpoint store holds {bad[0]}, which the audit key did not sign "
            "(written by someone else, or damaged)",
        )
    pending = sorted([*stored, *extra_checkpoints], key=lambda c: c.seq)
    entries = AuditEntry.objects.filter(chain=chain)
    expected_seq, prev_hash = 1, GENESIS_HASH
    if since is not None:
        pending = [c for c in pending if c.seq >= since.seq]
        entries = entries.filter(seq__gte=since.seq)
        expected_seq, prev_hash = since.seq, None  # the checkpoint vouches for the link
    unsigned = None  # the first entry without a MAC that no checkpoint has covered yet
    for entry in entries.order_by("seq").iterator(chunk_size=2000):
        report.entries += 1
        kind, problem = _check_entry(entry, expected_seq, prev_hash)
        if kind:
            return report.fail(kind, problem, entry)
        if not entry.mac and unsigned is None:
            unsigned = entry
        while pending and pending[0].seq <= entry.seq:
            checkpoint = pending.pop(0)
            if checkpoint.seq != entry.seq or checkpoint.hash != entry.hash:
                report.failed_checkpoint = checkpoint
                return report.fail(
                    Tamper.RECOMPUTED,
                    f"the entry differs from the checkpoint {checkpoint.label}: the chain "
                    "was rewritten and its hashes recomputed",
                    entry,
                )
            report.last_checkpoint, unsigned = checkpoint, None
        prev_hash, expected_seq = entry.hash, expected_seq + 1
        report.head_seq, report.head_hash = entry.seq, entry.hash
    if pending:
        furthest = report.failed_checkpoint = pending[-1]
        last = report.head_seq or (since.seq - 1 if since else 0)
        return report.fail(
            Tamper.TRUNCATED,
            f"the chain ends at entry {last} but the checkpoint {furthest.label} recorded "
            f"entry {furthest.seq}: entries {last + 1} to {furthest.seq} were removed "
            "(truncated)",
            seq=last + 1,
        )
    if unsigned is not None:
        return report.fail(
            Tamper.UNSIGNED,
            "the entry carries no signature and no checkpoint covers it (its signature was "
            "removed, or it predates signing and was never checkpointed)",
            unsigned,
        )
    return report


def verify_chains(organisation=None, extra_checkpoints=()) -> list[ChainReport]:
    """Verify one organisation's chain, or every chain when no organisation is given
    (including chains whose rows are all gone but whose checkpoints remain)."""
    extra: dict[str, list[Checkpoint]] = {}
    for checkpoint in extra_checkpoints:
        extra.setdefault(checkpoint.chain, []).append(checkpoint)
    if organisation is not None:
        chain = chain_name(organisation.pk)
        return [verify_chain(chain, extra.get(chain, ()))]
    return [verify_chain(c, extra.get(c, ())) for c in all_chains(extra)]


def all_chains(also=()) -> list[str]:
    """Every chain with entries or with checkpoints (whose entries may all be gone)."""
    chains = set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    return sorted(chains | {*checkpoints.stored_chains(), *also})


class ChainBroken(Conflict):
    """A chain that fails verification is not checkpointed: that would seal the damage."""

    def __init__(self, report: ChainReport):
        super().__init__(
            f"The audit trail ({report.chain}) failed verification, so no checkpoint was "
            f"written: {report.reason}."
        )
        self.report = report


def write_checkpoint(chain: str) -> Checkpoint | None:
    """Verify what is new since the chain's last checkpoint, then sign and store its head.

    Stored once the transaction commits (never a checkpoint of entries that roll back);
    the same head is not stored twice. None for a chain with no entries.
    """
    stored, _bad = checkpoints.stored(chain)
    since = stored[-1] if stored else None
    report = verify_chain(chain, since=since)
    if not report.intact:
        raise ChainBroken(report)
    if not report.head_seq:
        return None
    if since is not None and since.seq == report.head_seq:
        return since
    checkpoint = Checkpoint.sign(chain, report.head_seq, report.head_hash)
    transaction.on_commit(lambda: checkpoints.save(checkpoint))
    return checkpoint


def record_changes(action: str, organisation, actor, target, changes: dict) -> None:
    """Append an entry only when something changed (an empty diff records nothing)."""
    if changes:
        record(action, organisation=organisation, actor=actor, target=target, changes=changes)


def record_created(organisation, actor, obj, fields) -> None:
    record_changes(Action.CREATE, organisation, actor, obj, diff({}, snapshot(obj, fields)))


def update_audited(organisation, actor, obj, values: dict, fields):
    """Set ``values`` on ``obj``'s locked row, save only those, and record what changed.

    The row is re-read under a lock first (``concurrency.lock``), so the diff is against
    what is stored and the fields the caller did not give keep what others saved meanwhile.
    """
    with transaction.atomic():
        concurrency.lock(obj)
        before = snapshot(obj, fields)
        for name, value in values.items():
            setattr(obj, name, value)
        if hasattr(obj, "updated_by_id"):
            obj.updated_by = actor
        if obj._state.adding:
            obj.save()
        else:
            obj.save(update_fields=_written_fields(obj, values))
        record_changes(Action.UPDATE, organisation, actor, obj, diff(before, snapshot(obj, fields)))
    return obj


def _written_fields(obj, values: dict) -> list[str]:
    """The columns an update writes: the given ones plus who changed the row and when."""
    names = {obj._meta.get_field(name).name for name in values}
    names |= {f.name for f in obj._meta.concrete_fields if f.name in ("updated_at", "updated_by")}
    return sorted(names)


def delete_audited(organisation, actor, obj, fields) -> None:
    with transaction.atomic():
        concurrency.lock(obj)
        record_changes(Action.DELETE, organisation, actor, obj, diff(snapshot(obj, fields), {}))
        obj.delete()
