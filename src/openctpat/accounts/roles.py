"""Roles and what each may do. The single table every permission check reads."""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner (PCSO)"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"
    AUDITOR = "auditor", "Auditor / validator"


class Perm:
    VIEW = "view"  # read the organisation's program data
    CHANGE = "change"  # create, edit and delete program data
    VIEW_AUDIT = "view_audit"  # read the audit trail
    VIEW_EVIDENCE = "view_evidence"  # open evidence files
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove
    MANAGE_TOKENS = "manage_tokens"  # create and revoke API tokens
    MANAGE_ORGANISATION = "manage_organisation"  # settings, MFA policy


_ALL = set(Role.values)
PERMISSIONS: dict[str, set[str]] = {
    Perm.VIEW: _ALL,
    Perm.CHANGE: {Role.OWNER, Role.CONTRIBUTOR},
    Perm.VIEW_AUDIT: {Role.OWNER, Role.AUDITOR},
    Perm.VIEW_EVIDENCE: {Role.OWNER, Role.CONTRIBUTOR, Role.AUDITOR},
    Perm.MANAGE_MEMBERS: {Role.OWNER},
    Perm.MANAGE_TOKENS: {Role.OWNER},
    Perm.MANAGE_ORGANISATION: {Role.OWNER},
}

# What changes who can get in and how the program is controlled: the organisation's settings
# (two-factor policy included), its members and its tokens. A token carries no second factor,
# so these changes are made only from a signed-in session (which passed two-factor whenever
# it is owed); a token may still read them.
SESSION_ONLY = frozenset({Perm.MANAGE_MEMBERS, Perm.MANAGE_TOKENS, Perm.MANAGE_ORGANISATION})

# A token can never carry more than its holder's role; this orders roles by power.
RANK = {Role.VIEWER: 0, Role.AUDITOR: 1, Role.CONTRIBUTOR: 2, Role.OWNER: 3}


def has_perm(role: str | None, perm: str) -> bool:
    return role is not None and role in PERMISSIONS[perm]


def weaker_of(a: str, b: str) -> str:
    """The less powerful of two roles (an auditor token of a contributor reads the audit)."""
    if a == b:
        return a
    if {a, b} == {Role.AUDITOR, Role.CONTRIBUTOR}:
        return Role.VIEWER
    return a if RANK[a] <= RANK[b] else b
