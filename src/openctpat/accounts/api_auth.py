"""API authentication: personal tokens, or the browser session (after two-factor)."""

from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from openctpat.core import audit
from openctpat.core.errors import PermissionDenied, ValidationFailed

from . import services
from .middleware import enrolment_owed, two_factor_state
from .models import User
from .roles import SESSION_ONLY, has_perm, weaker_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """Bearer token: the request acts in the token's organisation with the token's role."""

    def authenticate(self, request, token):
        found = services.authenticate_token(token)
        if found is None:
            return None
        api_token, membership = found
        if enrolment_owed(api_token.user, api_token.organisation):
            raise PermissionDenied(
                f"{api_token.organisation.name} requires two-factor authentication. Sign in and "
                "set it up at /accounts/two-factor/setup/; this token works again once you have."
            )
        request.user = api_token.user
        request.org = api_token.organisation
        request.membership = membership
        request.role = weaker_of(api_token.role, membership.role)
        request.api_token = api_token
        audit.set_via("api")
        return api_token


class SessionAuth(NinjaSessionAuth):
    """The signed-in session, in its current organisation; CSRF applies to writes."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or getattr(request, "org", None) is None:
            return None
        if two_factor_state(request) is not None:
            return None
        audit.set_via("api")
        return user


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
    user = User.objects.filter(pk=user_id, memberships__organisation=request.org).first()
    if user is None:
        raise ValidationFailed(
            "The owner must be a member of the organisation.",
            field_errors={field: ["Not a member of this organisation."]},
        )
    return user
