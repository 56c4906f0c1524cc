"""Account and organisation operations. Views, the API and the CLI all call these."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.ctpat import EntityType
from openctpat.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from openctpat.core.permissions import RANK, Role

from .models import ApiToken, Invitation, Membership, Organisation, User, hash_secret

ORGANISATION_FIELDS = (
    "name",
    "ctpat_account_number",
    "entity_types",
    "ior_number",
    "continuous_bond_number",
    "continuous_bond_on_file",
    "pcso",
    "require_mfa",
)


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed(
            f"Unknown role {role!r}.", field_errors={"role": [f"Choose one of {Role.values}."]}
        )


@transaction.atomic
def create_organisation(*, name: str, owner: User, actor: User | None = None, **fields):
    """A new organisation with its first owner (the PCSO)."""
    org = Organisation(name=name)
    _apply_organisation_fields(org, {**fields, "pcso": fields.get("pcso", owner)})
    org.save()
    Membership.objects.create(
        organisation=org, user=owner, role=Role.OWNER, created_by=actor or owner
    )
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor or owner,
        target=org,
        changes={f: [None, v] for f, v in audit.snapshot(org, ORGANISATION_FIELDS).items()},
    )
    return org


def _apply_organisation_fields(org: Organisation, fields: dict) -> None:
    refuse_unknown(fields, ORGANISATION_FIELDS)
    if "entity_types" in fields:
        codes = list(dict.fromkeys(fields["entity_types"] or []))
        bad = [c for c in codes if c not in EntityType.values]
        if bad:
            raise ValidationFailed(
                f"Unknown entity types: {', '.join(bad)}.",
                field_errors={"entity_types": [f"Choose from {EntityType.values}."]},
            )
        fields = {**fields, "entity_types": codes}
    if fields.get("pcso") is not None:
        pcso = fields["pcso"]
        if org.pk and not Membership.objects.for_org(org).filter(user=pcso).exists():
            raise ValidationFailed(
                "The PCSO must be a member of the organisation.",
                field_errors={"pcso": ["Choose a member of this organisation."]},
            )
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationFailed("The legal name is required.", field_errors={"name": ["Required."]})
    for key, value in fields.items():
        setattr(org, key, value)


@transaction.atomic
def update_organisation(org: Organisation, actor: User, **fields) -> Organisation:
    concurrency.lock(org)
    before = audit.snapshot(org, ORGANISATION_FIELDS)
    _apply_organisation_fields(org, fields)
    org.save()
    changes = audit.diff(before, audit.snapshot(org, ORGANISATION_FIELDS))
    if changes:
        audit.record(Action.UPDATE, organisation=org, actor=actor, target=org, changes=changes)
    return org


@transaction.atomic
def add_member(org, actor: User | None, user: User, role: str) -> Membership:
    """Give an existing user a role directly (admin and seeding; people use invitations)."""
    _check_role(role)
    if Membership.objects.for_org(org).filter(user=user).exists():
        raise Conflict(f"{user.email} is already a member.")
    membership = Membership.objects.create(organisation=org, user=user, role=role, created_by=actor)
    _record_role_change(org, actor, membership, None, role)
    return membership


def _record_role_change(org, actor, membership, old: str | None, new: str | None) -> None:
    """Granting, changing and removing a role are one kind of event: a permission change."""
    audit.record_changes(Action.PERMISSION_CHANGE, org, actor, membership, {"role": [old, new]})


def _lock_own(org, obj, what: str) -> None:
    """Lock ``obj`` for a change, if it is ``org``'s."""
    if obj.organisation_id != org.pk:
        raise NotFound(f"No such {what}.")
    concurrency.lock(obj)


def _lock_members(org, membership: Membership) -> None:
    """The organisation first, then the member: two owners demoted at once keep one owner."""
    concurrency.lock(org)
    _lock_own(org, membership, "member")


def _keep_an_owner(org, membership: Membership) -> None:
    """An owner leaves or is demoted only while another owner remains."""
    owners = Membership.objects.for_org(org).filter(role=Role.OWNER)
    if membership.role == Role.OWNER and owners.count() <= 1:
        raise Conflict("The organisation must keep at least one owner.")


@transaction.atomic
def change_role(org, actor: User, membership: Membership, role: str) -> Membership:
    _check_role(role)
    _lock_members(org, membership)
    if membership.role == role:
        return membership
    _keep_an_owner(org, membership)
    old = membership.role
    membership.role = role
    membership.updated_by = actor
    membership.save(update_fields=["role", "updated_by", "updated_at"])
    _cap_tokens(org, actor, membership)
    _record_role_change(org, actor, membership, old, role)
    return membership


def _cap_tokens(org, actor: User, membership: Membership) -> None:
    """A demoted member's tokens that now exceed the new role are revoked."""
    stronger = [r for r, rank in RANK.items() if rank > RANK[membership.role]]
    _revoke_tokens(org, actor, user=membership.user, role__in=stronger)


def _revoke_tokens(org, actor: User, **filters) -> int:
    tokens = ApiToken.objects.filter(revoked_at__isnull=True, **filters)
    if org is not None:
        tokens = tokens.filter(organisation=org)
    tokens = concurrency.lock_all(tokens)
    revoked = 0
    for token in tokens:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            Action.TOKEN_REVOKED, organisation=token.organisation_id, actor=actor, target=token
        )
        revoked += 1
    return revoked


@transaction.atomic
def remove_member(org, actor: User, membership: Membership) -> None:
    _lock_members(org, membership)
    _keep_an_owner(org, membership)
    _revoke_tokens(org, actor, user=membership.user)
    if org.pcso_id == membership.user_id:
        org.pcso = None
        org.save(update_fields=["pcso", "updated_at"])
    _record_role_change(org, actor, membership, membership.role, None)
    membership.delete()


@transaction.atomic
def invite_member(org, actor: User, email: str, role: str, *, base_url: str = "") -> tuple:
    """Create an invitation and email its link. Returns (invitation, raw token)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "Enter a valid email address.", field_errors={"email": ["Enter a valid email."]}
        ) from exc
    _check_role(role)
    if Membership.objects.for_org(org).filter(user__email__iexact=email).exists():
        raise Conflict(f"{email} is already a member.")
    pending = Invitation.objects.for_org(org).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    for earlier in pending.filter(expires_at__gt=timezone.now()):
        revoke_invitation(org, actor, earlier)  # one live link per address
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=org,
        email=email,
        role=role,
        token_hash=hash_secret(raw),
        expires_at=timezone.now() + settings.INVITATION_TTL,
        created_by=actor,
    )
    changes = {"email": [None, email], "role": [None, role]}
    audit.record_changes(Action.INVITE_SENT, org, actor, invitation, changes)
    link = f"{base_url}/accounts/invitations/{raw}/"
    send_mail(
        subject=f"You are invited to {org.name} on OpenCTPAT",
        message=(
            f"{actor.display_name} invited you to join {org.name}'s CTPAT program on OpenCTPAT "
            f"as {invitation.get_role_display()}.\n\nAccept the invitation: {link}\n\n"
            f"The link expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, raw


def find_invitation(raw_token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_secret(raw_token or ""))
        .first()
    )
    if invitation is None or invitation.status != "pending":
        raise NotFound("This invitation link is not valid: it was used, revoked or has expired.")
    return invitation


@transaction.atomic
def accept_invitation(raw_token: str, user: User) -> Membership:
    invitation = find_invitation(raw_token)
    concurrency.lock(invitation)
    if invitation.status != "pending":  # accepted or revoked while this request ran
        raise Conflict(f"This invitation is already {invitation.status}.")
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            f"This invitation is for {invitation.email}; sign in with that address to accept it."
        )
    org = invitation.organisation
    membership, created = Membership.objects.get_or_create(
        organisation=org, user=user, defaults={"role": invitation.role, "created_by": user}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record(
        Action.INVITE_ACCEPTED,
        organisation=org,
        actor=user,
        target=membership,
        changes={"role": [None, membership.role]} if created else {},
    )
    return membership


@transaction.atomic
def revoke_invitation(org, actor: User, invitation: Invitation) -> None:
    _lock_own(org, invitation, "invitation")
    if invitation.status != "pending":
        raise Conflict(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit.record(Action.INVITE_REVOKED, organisation=org, actor=actor, target=invitation)


@transaction.atomic
def create_api_token(
    org, actor: User, *, name: str, role: str, expires_in_days: int | None = 365
) -> tuple[ApiToken, str]:
    """A personal token for ``actor``; its role can never exceed the actor's own."""
    _check_role(role)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Give the token a name.", field_errors={"name": ["Required."]})
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None:
        raise PermissionDenied("You are not a member of this organisation.")
    if RANK[role] > RANK[membership.role]:
        raise PermissionDenied("A token cannot have more rights than its holder.")
    if expires_in_days is not None and not 1 <= expires_in_days <= 730:
        raise ValidationFailed(
            "Tokens expire after 1 to 730 days.",
            field_errors={"expires_in_days": ["Between 1 and 730."]},
        )
    key_id, raw = ApiToken.generate()
    token = ApiToken.objects.create(
        organisation=org,
        user=actor,
        name=name,
        role=role,
        key_id=key_id,
        key_hash=hash_secret(raw),
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days)
        if expires_in_days
        else None,
        created_by=actor,
    )
    changes = {"name": [None, name], "role": [None, role]}
    audit.record_changes(Action.TOKEN_CREATED, org, actor, token, changes)
    return token, raw


@transaction.atomic
def revoke_api_token(org, actor: User, token: ApiToken) -> None:
    _lock_own(org, token, "token")
    if token.revoked_at:
        raise Conflict("This token is already revoked.")
    _revoke_tokens(org, actor, pk=token.pk)
    token.refresh_from_db()


def authenticate_token(raw: str) -> tuple[ApiToken, Membership] | None:
    """The active token and its holder's membership, or None. Constant-time hash compare."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != ApiToken.PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("organisation", "user")
        .filter(key_id=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.key_hash, hash_secret(raw)):
        return None
    membership = Membership.objects.filter(
        organisation_id=token.organisation_id, user_id=token.user_id
    ).first()
    if membership is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, membership


def record_mfa_change(user: User, action: str, device_name: str) -> None:
    """MFA changes belong to every organisation the user is in: each owner should see them."""
    for membership in user.memberships.all():
        audit.record(
            action,
            organisation=membership.organisation_id,
            actor=user,
            target=audit.Target("otp_totp.totpdevice", "", device_name),
        )


def record_auth_event(action: str, *, user: User, changes: dict | None = None) -> None:
    """Sign-ins, sign-outs and password changes go to each of the user's organisations."""
    org_ids = list(user.memberships.values_list("organisation_id", flat=True))
    for org_id in org_ids or [None]:
        audit.record(action, organisation=org_id, actor=user, target=user, changes=changes)


def record_failed_sign_in(action: str, *, username: str, changes: dict | None = None) -> None:
    """A failed or refused sign-in: one entry in the system chain, whoever was targeted.

    Not one per organisation of the targeted user: anyone can cause these, and they must
    not fill the organisations' trails.
    """
    user = User.objects.filter(email__iexact=username or "").first()
    target = user if user is not None else audit.Target("accounts.user", "", username[:200])
    audit.record(action, organisation=None, target=target, changes=changes)


@transaction.atomic
def password_changed(user: User, *, reset: bool, revoke_tokens: bool) -> int:
    """Audit a password change or reset; revoke the user's API tokens when asked (a reset
    always does: whoever knew the old password may have made one). Returns how many."""
    revoked = _revoke_tokens(None, user, user=user) if revoke_tokens or reset else 0
    record_auth_event(
        Action.PASSWORD_RESET if reset else Action.PASSWORD_CHANGED,
        user=user,
        changes={"tokens_revoked": revoked},
    )
    return revoked
