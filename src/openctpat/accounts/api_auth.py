"""API authentication: personal tokens, or the browser session (after two-factor)."""

from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from openctpat.core import audit
from openctpat.core.errors import PermissionDenied
from openctpat.core.permissions import weaker_of

from . import services
from .middleware import enrolment_owed, two_factor_state


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
