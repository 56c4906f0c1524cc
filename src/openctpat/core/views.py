from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route

from . import services
from .audit import ChainBroken, verify_chains
from .downloads import attachment
from .errors import ValidationFailed
from .forms import AuditFilterForm, KeptCheckpointForm
from .models import AuditEntry
from .pages import get_for_org


@route("audit/")
@org_view(Perm.VIEW_AUDIT)
def audit_list(request):
    form = AuditFilterForm(request.GET or None, object_types=services.object_types(request.org))
    filters = form.cleaned_data if form.is_valid() else {}
    entries = services.audit_entries(request.org, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if not request.htmx:
        context["head"] = services.head(request.org)
    template = "core/_audit_table.html" if request.htmx else "core/audit_list.html"
    return render(request, template, context)


@route("audit/<int:pk>/")
@org_view(Perm.VIEW_AUDIT)
def audit_detail(request, pk):
    entry = get_for_org(request, AuditEntry, pk)
    return render(request, "core/audit_detail.html", {"entry": entry})


@route("audit/verify/")
@require_http_methods(["GET", "POST"])
@org_view(Perm.VIEW_AUDIT)
def audit_verify(request):
    """Verify the chain; posted a checkpoint the member kept, against that one as well."""
    form = KeptCheckpointForm(request.POST or None, request.FILES or None)
    kept = []
    if form.is_bound and form.is_valid():
        try:
            kept = [services.kept_checkpoint(request.org, form.raw())]
        except ValidationFailed as exc:
            form.add_error("checkpoint", exc.message)
    (report,) = verify_chains(request.org, kept)
    context = {"report": report, "form": form, "kept": kept[0] if kept else None}
    status = 400 if form.errors else 200
    return render(request, "core/audit_verify.html", context, status=status)


@route("audit/checkpoint.json")
@org_view(Perm.VIEW_AUDIT)
def audit_head(request):
    """The chain's head as a signed checkpoint file, to keep outside the server."""
    try:
        checkpoint = services.export_head(request.org, request.user)
    except ChainBroken as exc:
        messages.error(request, exc.message)
        return redirect("core:audit_verify")
    name = f"audit-checkpoint-{request.org.pk}-{checkpoint.seq}.json"
    return attachment(checkpoint.to_json().encode(), name, "application/json")
