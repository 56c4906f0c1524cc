from django.core.paginator import Paginator
from django.shortcuts import render

from openctpat.accounts.decorators import org_view
from openctpat.accounts.models import ApiToken, Invitation, Membership
from openctpat.accounts.roles import Perm, has_perm
from openctpat.profiles import services as profile_services
from openctpat.risk import services as risk_services

from . import services
from .audit import verify_chains
from .forms import AuditFilterForm
from .models import AuditEntry
from .pages import get_for_org


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
        context["recent"] = services.audit_entries(org)[:10]
    return render(request, "core/home.html", context)


@org_view(Perm.VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None, object_types=services.object_types(request.org))
    filters = form.cleaned_data if form.is_valid() else {}
    entries = services.audit_entries(request.org, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "core/_audit_table.html" if request.htmx else "core/audit_list.html"
    return render(request, template, context)


@org_view(Perm.VIEW_AUDIT)
def audit_detail(request, pk):
    entry = get_for_org(request, AuditEntry, pk)
    return render(request, "core/audit_detail.html", {"entry": entry})


@org_view(Perm.VIEW_AUDIT)
def audit_verify(request):
    (report,) = verify_chains(request.org)
    return render(request, "core/audit_verify.html", {"report": report})
