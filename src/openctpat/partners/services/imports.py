"""Bulk import of partners from a file: upload, column mapping, preview, commit in batches."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django_tasks import task

from openctpat.core import audit, concurrency, tabular
from openctpat.core.audit import Action as AuditAction
from openctpat.core.errors import Conflict, DomainError, ValidationFailed

from .. import importing, providers
from ..models import (
    IDENTIFIERS,
    PARTNER_TYPE_LABELS,
    SERVICES,
    BusinessPartner,
    ImportStatus,
    PartnerContact,
    PartnerImport,
    PartnerStatus,
)
from ..names import name_key
from .tiers import recompute_tiers

IMPORT_CHOICES = {
    "partner_type": PARTNER_TYPE_LABELS,
    "status": dict(PartnerStatus.choices),
    "services": SERVICES,
}


INLINE_ROWS = 1_000  # a commit of up to this many partners runs in the request (~1 s)
BATCH_ROWS = 500  # partners created per transaction: the write lock is held briefly each time


def start_import(org, actor, uploaded) -> PartnerImport:
    """Read the file within ``importing.LIMITS`` and keep its rows for mapping and checking."""
    data = tabular.read_upload(uploaded, importing.LIMITS.max_bytes)
    headers, rows = importing.read_table(data, uploaded.name or "")
    with transaction.atomic():
        imp = PartnerImport.objects.create(
            organisation=org,
            file_name=(uploaded.name or "upload")[-255:],
            file_sha256=hashlib.sha256(data).hexdigest(),
            headers=headers,
            rows=rows,
            row_count=len(rows),
            mapping=importing.guess_mapping(headers),
            created_by=actor,
            updated_by=actor,
        )
        audit.record_changes(
            AuditAction.CREATE,
            org,
            actor,
            imp,
            {"file": imp.file_name, "rows": len(rows), "sha256": imp.file_sha256},
        )
    return imp


def _ensure_open(imp: PartnerImport) -> None:
    if imp.status == ImportStatus.IMPORTING:
        raise Conflict("This import is running; its progress is on the import page.")
    if not imp.open:
        raise Conflict("This import was already committed.")


@transaction.atomic
def set_mapping(org, actor, imp: PartnerImport, mapping: dict[str, str]) -> PartnerImport:
    concurrency.lock(imp)
    _ensure_open(imp)
    mapping = {f: h for f, h in mapping.items() if h}
    errors = {}
    for f, h in mapping.items():
        if f not in importing.FIELDS:
            errors[f] = ["Not a partner field."]
        elif h not in imp.headers:
            errors[f] = [f"The file has no column {h!r}."]
    used = list(mapping.values())
    dupes = {h for h in used if used.count(h) > 1}
    if dupes:
        errors["__all__"] = [f"Column {h!r} is mapped to two fields." for h in sorted(dupes)]
    if errors:
        raise ValidationFailed("The column mapping is not valid.", field_errors=errors)
    audit.update_audited(org, actor, imp, {"mapping": mapping, "error": ""}, ("mapping",))
    return imp


@dataclass
class Preview:
    rows: list[importing.CleanRow]
    duplicates: dict[int, str]
    missing: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[importing.CleanRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.errors

    @property
    def importable(self) -> int:
        return len(self.rows) - len(self.errors) - len(self.duplicates)


def _missing_fields(imp: PartnerImport) -> list[str]:
    return [importing.FIELDS[f][0] for f in importing.REQUIRED if f not in imp.mapping]


def _mapping_refusal(missing: list[str]) -> ValidationFailed:
    return ValidationFailed(
        f"Map a column to {', '.join(missing)} first.",
        field_errors={"mapping": [f"{m} is required." for m in missing]},
    )


def preview(org, imp: PartnerImport) -> Preview:
    missing = _missing_fields(imp)
    index = {h: i for i, h in enumerate(imp.headers)}
    columns = {f: index[h] for f, h in imp.mapping.items() if h in index}
    rows = [
        importing.clean_row(n + 2, {f: row[i] for f, i in columns.items()}, IMPORT_CHOICES)
        for n, row in enumerate(imp.rows)
    ]
    known = [
        importing.Known(
            pid, name, key, country, tuple((k, v) for k, v in zip(IDENTIFIERS, idents, strict=True))
        )
        for pid, name, key, country, *idents in BusinessPartner.objects.for_org(org).values_list(
            "pk", "legal_name", "name_key", "country", *IDENTIFIERS
        )
    ]
    return Preview(rows, importing.duplicates(rows, known), missing)


def _refusal(result: Preview, skip_duplicates: bool) -> ValidationFailed | None:
    """Why the file cannot be committed as it is (the first rows named, the rest counted)."""
    if result.missing:
        return _mapping_refusal(result.missing)
    problems = {r.line: list(r.errors) for r in result.errors}
    if result.duplicates and not skip_duplicates:
        for line, why in result.duplicates.items():
            problems.setdefault(line, []).append(f"Duplicate: {why}")
    if not problems:
        return None
    errors = tabular.ErrorList()
    for line in sorted(problems):
        errors.add(f"line {line}", *problems[line])
    return ValidationFailed(
        f"{len(problems)} row(s) have errors; nothing was imported.",
        field_errors=errors.by_place(),
    )


def commit_import(
    org, actor, imp: PartnerImport, *, skip_duplicates: bool = False, background=None
) -> int:
    """Create every partner of the file, once every row passed its checks (else none).

    A file of up to ``INLINE_ROWS`` rows is checked and imported in this call (a refusal is
    raised). A larger one goes to a background task at once, so the request stays short:
    ``imp.status`` is then "importing" and ``imp.done`` of ``imp.total`` its progress; if
    the task's check refuses the file, the import is open again with the reason in
    ``imp.error``. ``background`` forces one or the other. Either way partners are written
    in batches of ``BATCH_ROWS``, each in its own short transaction. Returns how many this
    call created.
    """
    _ensure_open(imp)
    if background is None:
        background = imp.row_count > INLINE_ROWS
    result = None
    if background:
        missing = _missing_fields(imp)
        if missing:
            raise _mapping_refusal(missing)
        total = imp.row_count  # until the task has checked the rows
    else:
        result = preview(org, imp)
        refusal = _refusal(result, skip_duplicates)
        if refusal is not None:
            raise refusal
        total = len(result.rows) - len(result.duplicates)
    with transaction.atomic():
        locked = PartnerImport.objects.select_for_update().defer("rows").get(pk=imp.pk)
        _ensure_open(locked)  # a commit of the same file started meanwhile
        PartnerImport.objects.filter(pk=imp.pk).update(
            status=ImportStatus.IMPORTING,
            skip_duplicates=skip_duplicates,
            total=total,
            done=0,
            error="",
            updated_by=actor,
        )
        imp.refresh_from_db(fields=PROGRESS_FIELDS)
        audit.record_changes(
            AuditAction.UPDATE,
            org,
            actor,
            imp,
            {"status": [locked.status, imp.status], "rows": imp.row_count},
        )
    if background:
        transaction.on_commit(lambda: commit_import_task.enqueue(imp.pk, actor.pk))
        return 0
    return _create_partners(org, actor, imp, result)


PROGRESS_FIELDS = ("status", "skip_duplicates", "total", "done", "error", "updated_by")


@task()
def commit_import_task(import_id: int, actor_id: int) -> int:
    """The background half of ``commit_import``: the rows are checked again, then written."""
    from django.contrib.auth import get_user_model

    imp = PartnerImport.objects.select_related("organisation").get(pk=import_id)
    actor = get_user_model().objects.filter(pk=actor_id).first()
    with audit.context("task"):
        try:
            return _create_partners(imp.organisation, actor, imp)
        except DomainError:
            return 0  # recorded on the import, for its page and the API


def _create_partners(org, actor, imp: PartnerImport, result: Preview | None = None) -> int:
    """Write the checked rows batch by batch, then mark the import done and screen them."""
    try:
        if result is None:
            result = preview(org, imp)
            refusal = _refusal(result, imp.skip_duplicates)
            if refusal is not None:
                raise refusal
        rows = [r for r in result.rows if r.line not in result.duplicates]
        if imp.total != len(rows):
            imp.total = len(rows)
            PartnerImport.objects.filter(pk=imp.pk).update(total=imp.total)
        ids: list[int] = []
        for start in range(0, len(rows), BATCH_ROWS):
            ids += _create_batch(org, actor, imp, rows[start : start + BATCH_ROWS], start)
        with transaction.atomic():
            concurrency.lock(imp)
            imp.status = ImportStatus.COMMITTED
            imp.created_count = imp.done = len(ids)
            imp.skipped_count = len(result.duplicates)
            imp.rows = []  # the partners now hold the data; the file's hash stays in the audit
            imp.updated_by = actor
            imp.save()
            audit.record_changes(
                AuditAction.CREATE,
                org,
                actor,
                imp,
                {
                    "status": [ImportStatus.IMPORTING, ImportStatus.COMMITTED],
                    "created": len(ids),
                    "skipped_duplicates": sorted(result.duplicates),
                    "file_sha256": imp.file_sha256,
                },
            )
    except Exception as exc:
        _stopped(imp, exc)
        raise
    transaction.on_commit(
        lambda: providers.partners_imported.send(BusinessPartner, organisation=org, partner_ids=ids)
    )
    return len(ids)


def _stopped(imp: PartnerImport, exc: Exception) -> None:
    """Record why a commit stopped; partners of batches already written stay."""
    imp.refresh_from_db(fields=PROGRESS_FIELDS)
    if isinstance(exc, DomainError):
        message = exc.message
    else:
        message = "The import stopped on an unexpected error."
    if imp.done:
        message += (
            f" The {imp.done:,} partners created before it stopped are in the registry; "
            "commit again with duplicates skipped to import the rest."
        )
    status = ImportStatus.FAILED if imp.done else ImportStatus.UPLOADED
    PartnerImport.objects.filter(pk=imp.pk).update(status=status, error=message[:2000])
    imp.refresh_from_db(fields=PROGRESS_FIELDS)


@transaction.atomic
def _create_batch(org, actor, imp: PartnerImport, rows: list, start: int) -> list[int]:
    """One batch of partners with their contacts and tiers, audited, and the progress."""
    contact_fields = ("contact_name", "contact_email", "contact_phone")
    partners, contacts = [], []
    for row in rows:
        v = {k: val for k, val in row.values.items() if k not in contact_fields}
        v.setdefault("status", PartnerStatus.ACTIVE)
        v = {k: val for k, val in v.items() if val is not None}
        partners.append(
            BusinessPartner(
                organisation=org,
                created_by=actor,
                updated_by=actor,
                name_key=name_key(v["legal_name"]),
                **v,
            )
        )
        contacts.append({f.removeprefix("contact_"): row.values[f] for f in contact_fields})
    created = BusinessPartner.objects.bulk_create(partners, batch_size=500)
    if not all(p.pk for p in created):  # backends that do not return ids
        keys = [p.name_key for p in partners]
        created = list(
            BusinessPartner.objects.for_org(org).filter(created_by=actor, name_key__in=keys)
        )
    PartnerContact.objects.bulk_create(
        [
            PartnerContact(organisation=org, partner=p, created_by=actor, updated_by=actor, **c)
            for p, c in zip(created, contacts, strict=True)
            if c["name"] or c["email"]
        ],
        batch_size=500,
    )
    recompute_tiers(org, created)
    ids = [p.pk for p in created]
    audit.record_changes(AuditAction.CREATE, org, actor, imp, {"imported_partners": ids})
    imp.done = start + len(ids)
    PartnerImport.objects.filter(pk=imp.pk).update(done=imp.done)
    return ids
