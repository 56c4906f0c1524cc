"""Users, organisations (tenants), memberships with roles, invitations and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from openctpat.core.ctpat import EntityType
from openctpat.core.models import OrgOwnedModel, optional_link
from openctpat.core.permissions import Role


def hash_secret(raw: str) -> str:
    """Tokens are long random strings, so one SHA-256 is enough to keep them safe at rest."""
    return hashlib.sha256(raw.encode()).hexdigest()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person; signs in with an email address."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """A CTPAT member company: the tenant every record belongs to."""

    name = models.CharField("legal name", max_length=200)
    ctpat_account_number = models.CharField("CTPAT account number", max_length=40, blank=True)
    entity_types = models.JSONField(
        default=list, blank=True, help_text="The CTPAT business entity types the company holds."
    )
    ior_number = models.CharField("Importer of Record number", max_length=40, blank=True)
    continuous_bond_number = models.CharField(max_length=40, blank=True)
    continuous_bond_on_file = models.BooleanField(default=False)
    pcso = optional_link(User, verbose_name="Primary Cargo Security Officer")
    require_mfa = models.BooleanField(
        "require two-factor authentication for every member", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def entity_type_labels(self) -> list[str]:
        labels = dict(EntityType.choices)
        return [labels.get(code, code) for code in self.entity_types]


class Membership(OrgOwnedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user.email} ({self.get_role_display()})"


class Invitation(OrgOwnedModel):
    """An emailed link that makes its holder a member; hashed at rest, expires, revocable."""

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = optional_link(User)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(OrgOwnedModel):
    """A personal API token: one organisation, one role, shown once, stored as a hash."""

    PREFIX = "ctpat"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices)
    key_id = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_id})"

    @classmethod
    def generate(cls) -> tuple[str, str]:
        """A new (key_id, raw token); the raw token is ``ctpat_<key_id>_<secret>``."""
        key_id = secrets.token_hex(6)
        return key_id, f"{cls.PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"
