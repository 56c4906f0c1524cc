"""Tenancy base model and the append-only, hash-chained audit trail."""

import hashlib
import json
import sys
from datetime import UTC

from django.conf import settings
from django.db import models

from . import concurrency

GENESIS_HASH = "0" * 64


def choices(name, **labels):
    """A ``TextChoices`` from ``value="Label"`` pairs, each member named by its value in
    capitals: most choice sets are short value/label tables, and one line reads as one."""
    members = [(value.upper(), (value, label)) for value, label in labels.items()]
    return models.TextChoices(name, members, module=sys._getframe(1).f_globals["__name__"])


def optional_link(to, on_delete=models.SET_NULL, **options):
    """A foreign key a record may lack, with no reverse accessor unless ``related_name``
    says otherwise: who signed off or decided, the evidence attached, the site or partner."""
    options = {"null": True, "blank": True, "related_name": "+", **options}
    return models.ForeignKey(to, on_delete=on_delete, **options)


def optional_user(**options):
    """Who did something, where anyone may have: kept (as null) when the user is deleted."""
    return optional_link(settings.AUTH_USER_MODEL, **options)


class OrgQuerySet(models.QuerySet):
    def for_org(self, organisation):
        """The only way into tenant data: everything a request reads goes through here."""
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)


class OrgOwnedModel(models.Model):
    """Base of every tenant-owned model: organisation plus who created/changed it and when."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = optional_user()
    updated_by = optional_user()

    objects = OrgQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if settings.CTPAT_CHECK_ROW_LOCKS and self.pk is not None and not self._state.adding:
            concurrency.check_locked(self)
        super().save(*args, **kwargs)
        # A row this transaction wrote is locked by it until the end (PostgreSQL row locks;
        # SQLite's database lock), so it may be saved again without another re-read.
        concurrency.mark_locked(self)


ActionStatus = choices(
    "ActionStatus", open="Open", in_progress="In progress", done="Done", cancelled="Cancelled"
)


class TrackedAction(OrgOwnedModel):
    """Work someone owns until it is done: risk-plan actions and partner follow-ups."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = optional_user()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completion_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["status", "due_date", "id"]

    def __str__(self):
        return self.title


class VersionedTemplate(OrgOwnedModel):
    """A template each use copies (checklists, questionnaires): ``version`` rises when it is
    edited after a use, and every use keeps its own copy, so an edit never rewrites a record."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(OrgQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One event. Entries form one hash chain per organisation (and one for system events);
    each entry's hash is signed with the audit key, which the database does not hold."""

    chain = models.CharField(max_length=40, db_index=True)
    seq = models.PositiveBigIntegerField()
    timestamp = models.DateTimeField(db_index=True)
    organisation = optional_link("accounts.Organisation", models.PROTECT)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # HMAC of ``hash`` with the audit key (core.checkpoints): a hash recomputed by someone
    # without the key no longer matches. Empty only on entries written before signing.
    mac = models.CharField(max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [models.Index(fields=["organisation", "-timestamp"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def canonical_payload(self) -> str:
        payload = {
            "chain": self.chain,
            "seq": self.seq,
            "timestamp": self.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
            "organisation": self.organisation_id,
            "actor_user_id": self.actor_user_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "via": self.via,
            "ip": self.ip,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_payload().encode()).hexdigest()


class AttemptCounter(models.Model):
    """Attempts counted per key in a time window: the throttles of ``core.throttle``.

    Kept in the database so every worker process shares one count, and incremented with
    an UPDATE so that concurrent attempts are all counted.
    """

    key = models.CharField(max_length=64, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key[:12]}…: {self.count} until {self.window_ends:%Y-%m-%d %H:%M}"
