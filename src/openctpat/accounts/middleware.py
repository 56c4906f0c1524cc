"""Per-request tenancy and two-factor enforcement, written once for every page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django_otp import user_has_device

from openctpat.core import audit
from openctpat.core.client_address import client_ip

from .models import Membership

SESSION_ORG_KEY = "organisation_id"

# Pages a signed-in user can reach before finishing two-factor sign-in or enrolment.
TWO_FACTOR_EXEMPT = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:invitation_accept",
}


def resolve_organisation(request) -> None:
    """Set request.org, request.membership, request.role and request.memberships."""
    request.org = request.membership = request.role = None
    request.memberships = []
    user = request.user
    if not user.is_authenticated:
        return
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    request.memberships = memberships
    if not memberships:
        return
    wanted = request.session.get(SESSION_ORG_KEY)
    current = next((m for m in memberships if m.organisation_id == wanted), memberships[0])
    request.membership = current
    request.org = current.organisation
    request.role = current.role


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.context(via="web", ip=client_ip(request)):
            resolve_organisation(request)
            return self.get_response(request)


def two_factor_state(request) -> str | None:
    """ "verify" when a code is still owed, "enrol" when the organisation demands a device."""
    user = request.user
    if not user.is_authenticated:
        return None
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if any(m.organisation.require_mfa for m in getattr(request, "memberships", [])):
        return "enrol"
    return None


def enrolment_owed(user, organisation) -> bool:
    """The organisation requires two-factor and the user has not set it up.

    A token of such a user is refused until they enrol: it carries no second factor itself.
    """
    return organisation.require_mfa and not user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_EXEMPT:
            return None
        if request.path.startswith("/api/"):
            return None  # the API's session authentication applies the same rule
        state = two_factor_state(request)
        if state == "verify":
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"/accounts/two-factor/verify/?{query}")
        if state == "enrol":
            messages.warning(
                request, "Your organisation requires two-factor authentication. Set it up now."
            )
            return redirect("accounts:mfa_setup")
        return None
