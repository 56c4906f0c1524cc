from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openctpat.core.errors import DomainError
from openctpat.core.pages import get_for_org
from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.forms import apply_domain_error

from . import resources, services
from .forms import DecisionForm, SearchForm, UploadForm


@route("alerts/<int:pk>/decide/", "decide")
@require_POST
@org_view(Perm.CHANGE)
def alert_decide(request, pk):
    alert = resources.alerts.get(request, pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() and decision != "confirm":
        messages.error(request, "Give the reason for the decision.")
        return redirect("screening:alert", pk=pk)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    if decision == "false_positive":
        services.mark_false_positive(request.org, request.user, alert, reason)
        messages.success(request, "Marked as a false positive; it will not be raised again.")
    elif decision == "true_match":
        services.mark_true_match(request.org, request.user, alert, reason)
        messages.success(request, "Marked as a true match.")
    elif decision in ("confirm", "reject"):
        services.confirm_true_match(
            request.org, request.user, alert, confirm=decision == "confirm", reason=reason
        )
        messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "Choose a decision.")
    return redirect("screening:alert", pk=pk)


@route("search/")
@org_view(Perm.CHANGE)
def search(request):
    form = SearchForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.screen_name(
                request.org, request.user, form.cleaned_data["name"], form.cleaned_data["country"]
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
    return render(request, "screening/search.html", {"form": form, "result": result})


@route("partners/<int:pk>/screen/")
@require_POST
@org_view(Perm.CHANGE)
def screen_partner(request, pk):
    partner = get_for_org(request, BusinessPartner, pk)
    found = services.screen_partner(request.org, partner, reason="manual", actor=request.user)
    if found is None:
        messages.error(request, "No restricted-party list is loaded yet.")
    else:
        messages.success(request, f"Screened: {found.get_outcome_display()}.")
    return redirect("partners:detail", pk=pk)


@route("lists/", "lists")
@org_view(Perm.VIEW)
def list_versions(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    can_load = services.can_load_lists(request.user, request.role)
    if request.method == "POST":
        if not can_load:
            raise DjangoPermissionDenied(
                "Only staff load restricted-party lists, with a role that changes data."
            )
        if form.is_valid():
            try:
                version = services.load_uploaded(request.FILES.getlist("files"), request.user)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Loaded {version}. Every partner is being rescreened.")
                return redirect("screening:lists")
    context = {
        "versions": services.search_versions()[:50],
        "runs": services.rescreen_runs(request.org, request.user)[:10],
        "form": form,
        "can_load": can_load,
    }
    return render(request, "screening/lists.html", context)
