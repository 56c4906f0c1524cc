"""Writes that cannot lose an edit or make a state move twice.

Every write re-reads its row under a lock inside the service's transaction (``lock``) and
checks the move or the change against that locked row, never against what a page or an API
call read earlier. A client that edits from an old read says which version it read (the
``ETag``/``If-Match`` pair on the API, a hidden ``version`` field on forms); ``lock`` refuses
the write with a 409 when the row has changed since, instead of overwriting someone else's
edit.
"""

import contextlib
import contextvars
import hashlib

from django.db import transaction

from .errors import Conflict

# (model label, pk) -> the version the client read. Filled by ``expect`` during a request,
# consumed by the first ``lock`` of that row. None outside a request: nothing is expected.
_expected: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "ctpat_expected_versions", default=None
)


def version_of(obj) -> str:
    """An opaque token that changes whenever the row is saved (from ``updated_at``)."""
    from .audit import jsonable  # audit imports this module

    stamp = getattr(obj, "updated_at", None)
    if stamp is None:
        fields = obj._meta.concrete_fields
        stamp = repr([jsonable(getattr(obj, f.attname)) for f in fields])
    else:
        stamp = stamp.isoformat()
    raw = f"{obj._meta.label_lower}:{obj.pk}:{stamp}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def etag(obj) -> str:
    return f'"{version_of(obj)}"'


def parse_if_match(header: str | None) -> str | None:
    """The version named by an ``If-Match`` header (``*`` or absent: none)."""
    if not header:
        return None
    value = header.split(",")[0].strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return None if value in ("", "*") else value


class StaleEdit(Conflict):
    """The row changed after the client read it; its current values travel with the error."""

    code = "stale"

    def __init__(self, obj):
        name = obj._meta.verbose_name
        super().__init__(
            f"This {name} was changed by someone else after you opened it. "
            "Its current values are shown; apply your change to them and save again."
        )
        self.obj = obj
        self.version = version_of(obj)
        self.current = current_values(obj)


def current_values(obj) -> dict:
    """The row as stored, for the 409 answer (foreign keys by id, secrets left out)."""
    from .audit import jsonable

    hidden = {"password", "token_hash", "key_hash"}
    values = {
        f.attname: jsonable(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in hidden
    }
    values["version"] = version_of(obj)
    return values


@contextlib.contextmanager
def request_scope():
    """Preconditions live for one request (the middleware opens this around each)."""
    token = _expected.set({})
    try:
        yield
    finally:
        _expected.reset(token)


def _key(obj) -> tuple[str, str]:
    return (obj._meta.label_lower, str(obj.pk))


def expect(obj, version: str | None, *, check_now: bool = True) -> None:
    """The coming write to ``obj`` must find the row at ``version``.

    Checked under the lock by the write itself, so an edit that races another is refused
    too; ``check_now`` also refuses at once when the row as read has moved on already.
    """
    if not version:
        return
    if check_now and version != version_of(obj):
        raise StaleEdit(obj)
    registry = _expected.get()
    if registry is not None:
        registry[_key(obj)] = version


def lock(obj):
    """Re-read ``obj``'s row under a write lock, in place, and check the client's version.

    Must run inside the write's transaction: the row is then the one the write changes
    (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions already hold
    the database's write lock).
    """
    if obj.pk is None or obj._state.adding:
        return obj  # not stored yet: nobody else can have changed it
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside the write's transaction.atomic().")
    fresh = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    mark_locked(obj)
    registry = _expected.get()
    if registry:
        wanted = registry.pop(_key(obj), None)
        if wanted is not None and wanted != version_of(obj):
            raise StaleEdit(obj)
    return obj


def lock_all(queryset) -> list:
    """The queryset's rows, read under a write lock (in the caller's transaction)."""
    rows = list(queryset.select_for_update(of=("self",)))
    for row in rows:
        mark_locked(row)
    return rows


# -- the test suite's guard ------------------------------------------------------------------
# With settings.CTPAT_CHECK_ROW_LOCKS on (the tests), saving an existing tenant row inside a
# service's transaction without having locked it there raises: the whole suite then proves
# that every write path re-reads its row under the lock. Code a test runs directly (fixtures,
# set-up) is not a service and is not checked.
_test_code_depth: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "ctpat_test_code_depth", default=None
)


def _savepoint_path(connection) -> tuple | None:
    return tuple(connection.savepoint_ids) if connection.in_atomic_block else None


@contextlib.contextmanager
def test_code():
    """Mark the running test's own code: its direct saves are set-up, not service writes."""
    connection = transaction.get_connection()
    path = _savepoint_path(connection)
    token = _test_code_depth.set(-1 if path is None else len(path))
    try:
        yield
    finally:
        _test_code_depth.reset(token)


def mark_locked(obj) -> None:
    obj._ctpat_locked_at = _savepoint_path(transaction.get_connection())


def check_locked(obj) -> None:
    depth = _test_code_depth.get()
    if depth is None:
        return
    current = _savepoint_path(transaction.get_connection())
    if current is None or len(current) <= depth:
        return
    locked = getattr(obj, "_ctpat_locked_at", None)
    shorter = min(len(current), len(locked)) if locked is not None else 0
    if locked is None or current[:shorter] != locked[:shorter]:
        raise AssertionError(
            f"{obj._meta.label} {obj.pk} is saved in a transaction that did not lock it: "
            "call core.concurrency.lock() on it first."
        )
