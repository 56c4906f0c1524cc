"""The Overview: what every app has for the organisation today."""

from django.shortcuts import render

from openctpat.accounts.models import ApiToken, Invitation, Membership
from openctpat.core import services as audit_services
from openctpat.core.permissions import Perm, has_perm, org_view
from openctpat.core.routes import route
from openctpat.profiles import services as profile_services
from openctpat.risk import services as risk_services


@route("")
@org_view(Perm.VIEW)
def home(request):
    org = request.org
    context = {
        "member_count": Membership.objects.for_org(org).count(),
        "pending_invitations": Invitation.objects.for_org(org)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .count(),
        "active_tokens": ApiToken.objects.for_org(org).filter(revoked_at__isnull=True).count(),
        "recent": [],
        "program": profile_services.dashboard(org),
        "overdue_actions": list(risk_services.overdue_actions(org)[:10]),
    }
    if has_perm(request.role, Perm.VIEW_AUDIT):
        context["recent"] = audit_services.audit_entries(org)[:10]
    return render(request, "home/home.html", context)
