"""Roles, what each may do, and the checks every page and API operation goes through.

The single table every permission check reads (``PERMISSIONS``), the page decorator
``org_view`` and the API check ``require``. They live in core so that every app, core
included, checks permissions the same way without reaching into the accounts app.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect

from .errors import DomainError, NotFound, PermissionDenied, ValidationFailed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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


def org_view(perm: str = Perm.VIEW):
    """Require a signed-in member of the current organisation holding ``perm``.

    Domain errors from services become a message and a redirect back (or 403/404).
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.org is None:
                return redirect("accounts:no_organisation")
            if not has_perm(request.role, perm):
                raise DjangoPermissionDenied("Your role does not allow this.")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect(request.path)

        wrapper.required_perm = perm
        return wrapper

    return decorator


def require(request, perm: str) -> None:
    """The caller's role holds ``perm``; members, tokens and settings change only in a session."""
    if not has_perm(getattr(request, "role", None), perm):
        raise PermissionDenied("Your role does not allow this.")
    if (
        perm in SESSION_ONLY
        and getattr(request, "api_token", None) is not None
        and request.method not in SAFE_METHODS
    ):
        raise PermissionDenied(
            "An API token cannot change members, tokens or the organisation's settings. "
            "Sign in (with two-factor authentication) and make the change there."
        )


def member_by_id(request, user_id, field: str = "owner_id"):
    """A user id from a request body that must name a member of the current organisation."""
    if user_id is None:
        return None
    user = (
        get_user_model().objects.filter(pk=user_id, memberships__organisation=request.org).first()
    )
    if user is None:
        raise ValidationFailed(
            "The owner must be a member of the organisation.",
            field_errors={field: ["Not a member of this organisation."]},
        )
    return user
