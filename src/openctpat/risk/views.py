from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from openctpat.core.errors import DomainError
from openctpat.core.pages import get_for_org, safe_next, submit
from openctpat.core.permissions import Perm, has_perm, org_view
from openctpat.core.routes import route

from . import exports, services
from .forms import ActionForm, FileForm, LaneForm, MethodForm, NodeForm
from .models import (
    Action,
    Assessment,
    CountryThreat,
    Lane,
    LaneNode,
    Rating,
    Vulnerability,
)
from .resources import step_context as _context


def _assessment(request, pk) -> Assessment:
    return get_for_org(request, Assessment, pk, "signed_off_by", "reference_set")


def _require_change(request) -> None:
    if not has_perm(request.role, Perm.CHANGE):
        raise DjangoPermissionDenied("Your role does not allow this.")


def _form_save(request, form, call, success: str, redirect_to, obj=None):
    """Run a service with a valid form; show its errors on the form instead of failing."""
    if not submit(request, form, call, obj=obj):
        return None
    messages.success(request, success)
    return redirect_to


# -- assessments -----------------------------------------------------------------------------
@route("<int:pk>/", "detail")
@org_view(Perm.VIEW)
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    context = _context(
        request,
        assessment,
        "overview",
        readiness=services.readiness(assessment),
        lanes=assessment.lanes.count(),
        countries=assessment.threats.values("country").distinct().count(),
        actions=assessment.actions.count(),
    )
    return render(request, "risk/detail.html", context)


@route("<int:pk>/method/")
@org_view(Perm.VIEW)
def method(request, pk):
    assessment = _assessment(request, pk)
    initial = {k: getattr(assessment, k) for k in services.ASSESSMENT_FIELDS}
    form = MethodForm(request.POST or None, initial=initial, instance=assessment)

    def save(data):
        services.update_assessment(request.org, request.user, assessment, **data)

    done = _form_save(request, form, save, "Saved.", redirect("risk:method", pk=pk))
    if done:
        return done
    context = _context(
        request, assessment, "method", form=form, readiness=services.readiness(assessment)
    )
    return render(request, "risk/method.html", context)


@route("<int:pk>/sign-off/")
@require_POST
@org_view(Perm.CHANGE)
def sign_off(request, pk):
    assessment = _assessment(request, pk)
    services.sign_off(request.org, request.user, assessment, request.role)
    messages.success(request, "Risk assessment signed off. It is now read-only.")
    return redirect("risk:detail", pk=pk)


@route("<int:pk>/copy-forward/")
@require_POST
@org_view(Perm.CHANGE)
def copy_forward(request, pk):
    new = services.copy_forward(request.org, request.user, _assessment(request, pk))
    messages.success(request, "Copied forward: re-confirm every rating, then sign off.")
    return redirect("risk:detail", pk=new.pk)


@route("<int:pk>/report.pdf")
@org_view(Perm.VIEW)
def report_pdf(request, pk):
    return exports.report(_assessment(request, pk), "pdf", request.user)


@route("<int:pk>/report.xlsx")
@org_view(Perm.VIEW)
def report_xlsx(request, pk):
    return exports.report(_assessment(request, pk), "xlsx", request.user)


# -- step 1 ----------------------------------------------------------------------------------
@route("<int:pk>/lanes/")
@org_view(Perm.VIEW)
def lanes(request, pk):
    assessment = _assessment(request, pk)
    form = LaneForm(request.POST or None)
    created = {}

    def create(data):
        created["lane"] = services.create_lane(request.org, request.user, assessment, **data)

    _form_save(request, form, create, "Lane added; now add its parties in order.", None)
    if created:
        return redirect("risk:lane", pk=created["lane"].pk)
    items = []
    for lane in assessment.lanes.prefetch_related("nodes"):
        items.append((lane, mark_safe(exports.lane_diagram(lane))))  # noqa: S308 (escaped SVG)
    context = _context(request, assessment, "lanes", form=form, items=items, file_form=FileForm())
    return render(request, "risk/lanes.html", context)


@route("<int:pk>/lanes/import/")
@require_POST
@org_view(Perm.CHANGE)
def lanes_import(request, pk):
    assessment = _assessment(request, pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the CSV file to import.")
        return redirect("risk:lanes", pk=pk)
    try:
        result = services.import_lanes_csv(
            request.org, request.user, assessment, form.cleaned_data["file"]
        )
    except DomainError as exc:
        rows = exc.field_errors.get("rows", [])
        context = _context(request, assessment, "lanes", message=exc.message, rows=rows)
        return render(request, "risk/import_errors.html", context, status=422)
    messages.success(
        request, f"Imported {result['nodes_created']} parties, {result['lanes_created']} new lanes."
    )
    return redirect("risk:lanes", pk=pk)


def _lane(request, pk) -> Lane:
    return get_for_org(request, Lane, pk, "assessment")


@route("lanes/<int:pk>/", "lane")
@org_view(Perm.VIEW)
def lane_detail(request, pk):
    lane = _lane(request, pk)
    form = NodeForm(request.POST or None, org=request.org)

    def add(data):
        services.add_node(request.org, request.user, lane, **data)

    done = _form_save(request, form, add, "Party added.", redirect("risk:lane", pk=pk))
    if done:
        return done
    nodes = lane.nodes.select_related("site")
    context = _context(
        request,
        lane.assessment,
        "lanes",
        lane=lane,
        nodes=nodes,
        form=form,
        svg=mark_safe(exports.lane_diagram(lane)),  # noqa: S308 (the module escapes all text)
    )
    return render(request, "risk/lane.html", context)


# -- step 2 ----------------------------------------------------------------------------------
@route("<int:pk>/threats/")
@org_view(Perm.VIEW)
def threats(request, pk):
    assessment = _assessment(request, pk)
    if request.method == "POST":
        _require_change(request)
        count = services.accept_suggestions(request.org, request.user, assessment)
        messages.success(request, f"{count} suggestions accepted.")
        return redirect("risk:threats", pk=pk)
    page = Paginator(assessment.threats.all(), 60).get_page(request.GET.get("page"))
    open_countries = (
        assessment.threats.filter(rating="", suggested_rating="")
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )
    context = _context(
        request,
        assessment,
        "threats",
        open_countries=open_countries,
        page=page,
        query="",
        ratings=Rating.values,
        heat=services.country_heatmap(assessment),
    )
    return render(request, "risk/threats.html", context)


@route("<int:pk>/threats/rate-open/")
@require_POST
@org_view(Perm.CHANGE)
def country_rate_open(request, pk):
    assessment = _assessment(request, pk)
    country = request.POST.get("country", "").upper()[:2]
    rating = request.POST.get("rating", "")
    if rating not in Rating.values:
        messages.error(request, "Choose High, Medium or Low.")
    else:
        count = services.rate_open_threats_of_country(
            request.org, request.user, assessment, country, rating
        )
        messages.success(request, f"{country}: {count} open threat ratings set to {rating}.")
    return redirect("risk:threats", pk=pk)


@route("nodes/<int:pk>/rate-open/")
@require_POST
@org_view(Perm.CHANGE)
def node_rate_open(request, pk):
    node = get_for_org(request, LaneNode, pk, "lane__assessment")
    rating = request.POST.get("rating", "")
    if rating not in Rating.values:
        messages.error(request, "Choose High, Medium or Low.")
    else:
        count = services.rate_open_vulnerabilities_of_node(request.org, request.user, node, rating)
        messages.success(request, f"{node.name}: {count} open categories rated.")
    return redirect("risk:vulnerabilities", pk=node.lane.assessment_id)


@route("threats/<int:pk>/rate/")
@require_POST
@org_view(Perm.CHANGE)
def threat_rate(request, pk):
    threat = get_for_org(request, CountryThreat, pk, "assessment")
    try:
        services.rate_threat(
            request.org,
            request.user,
            threat,
            rating=request.POST.get("rating", ""),
            override_reason=request.POST.get("override_reason", ""),
            rationale=request.POST.get("rationale", ""),
        )
    except DomainError as exc:
        messages.error(request, f"{threat}: {exc.message}")
    return redirect(safe_next(request, f"/risk/{threat.assessment_id}/threats/"))


# -- step 3 ----------------------------------------------------------------------------------
@route("<int:pk>/vulnerabilities/")
@org_view(Perm.VIEW)
def vulnerabilities(request, pk):
    assessment = _assessment(request, pk)
    vulns = assessment.vulnerabilities.select_related("node__lane")
    page = Paginator(vulns, 60).get_page(request.GET.get("page"))
    open_nodes = (
        LaneNode.objects.filter(lane__assessment=assessment)
        .filter(Q(vulnerabilities__rating="") | Q(vulnerabilities__needs_reconfirmation=True))
        .select_related("lane")
        .distinct()
    )
    context = _context(
        request,
        assessment,
        "vulnerabilities",
        page=page,
        query="",
        ratings=Rating.values,
        open_nodes=open_nodes,
    )
    return render(request, "risk/vulnerabilities.html", context)


@route("vulnerabilities/<int:pk>/rate/")
@require_POST
@org_view(Perm.CHANGE)
def vulnerability_rate(request, pk):
    vuln = get_for_org(request, Vulnerability, pk, "assessment", "node")
    try:
        services.rate_vulnerability(
            request.org,
            request.user,
            vuln,
            rating=request.POST.get("rating", ""),
            notes=request.POST.get("notes"),
        )
    except DomainError as exc:
        messages.error(request, f"{vuln}: {exc.message}")
    return redirect(safe_next(request, f"/risk/{vuln.assessment_id}/vulnerabilities/"))


# -- step 4 ----------------------------------------------------------------------------------
@route("<int:pk>/risks/", "risks")
@org_view(Perm.VIEW)
def risk_list(request, pk):
    assessment = _assessment(request, pk)
    form = ActionForm(request.POST or None, org=request.org, assessment=assessment)

    def create(data):
        services.create_action(request.org, request.user, assessment, **data)

    done = _form_save(request, form, create, "Action added.", redirect("risk:risks", pk=pk))
    if done:
        return done
    scored = services.risks(assessment)
    context = _context(
        request,
        assessment,
        "risks",
        form=form,
        risks=scored[:50],
        risk_count=len(scored),
        lane_heat=services.lane_heatmap(assessment, scored),
        matrix=services.matrix_of(assessment),
        actions=assessment.actions.select_related("owner", "node"),
        today=timezone.localdate(),
        can_act=has_perm(request.role, Perm.CHANGE),
    )
    return render(request, "risk/risks.html", context)


@route("actions/<int:pk>/", "action")
@org_view(Perm.VIEW)
def action_edit(request, pk):
    action = get_for_org(request, Action, pk, "assessment")
    fields = [f for f in services.ACTION_FIELDS if f != "criterion"]
    form = ActionForm(
        request.POST or None,
        initial={f: getattr(action, f) for f in fields},
        org=request.org,
        assessment=action.assessment,
        instance=action,
    )

    def save(data):
        services.update_action(request.org, request.user, action, **data)

    target = redirect("risk:risks", pk=action.assessment_id)
    done = _form_save(request, form, save, "Action saved.", target)
    if done:
        return done
    context = _context(request, action.assessment, "risks", action=action, form=form)
    context["can_act"] = has_perm(request.role, Perm.CHANGE)
    return render(request, "risk/action.html", context)


@route("reference/")
@org_view(Perm.VIEW)
def reference(request):
    form = FileForm(request.POST or None, request.FILES or None)
    rows = []
    if request.method == "POST":
        if not has_perm(request.role, Perm.MANAGE_ORGANISATION):
            raise DjangoPermissionDenied("Only an owner imports reference data.")
        if form.is_valid():
            try:
                ref = services.import_indicators(
                    request.org, request.user, form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
                rows = exc.field_errors.get("rows", [])
            else:
                messages.success(request, f"Imported {ref}.")
                return redirect("risk:reference")
    sets = services.reference_sets(request.org)
    current = services.current_reference_set(request.org)
    country = (request.GET.get("country") or "").upper()[:2]
    indicators = current.indicators.all() if current else []
    if current and country:
        indicators = indicators.filter(country=country)
    page = Paginator(indicators, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "rows": rows,
        "sets": sets[:20],
        "current": current,
        "page": page,
        "query": f"country={country}" if country else "",
        "country": country,
    }
    return render(request, "risk/reference.html", context)
