"""Inspection pages (used on a phone at the loading dock) and the checklist templates."""

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from openctpat.core.errors import DomainError
from openctpat.core.pages import apply_domain_error, edit_and_add, submit
from openctpat.core.pages import can_change as _can_change
from openctpat.core.pages import get_for_org as _get
from openctpat.core.permissions import Perm, org_view
from openctpat.core.routes import route
from openctpat.profiles.models import Site

from . import services
from .forms import (
    ChecklistForm,
    CompleteForm,
    InspectionForm,
    PointForm,
)
from .models import (
    ChecklistTemplate,
    Inspection,
    InspectionPoint,
    PointResult,
    Seal,
)
from .seal_states import SealState
from .seal_views import posted

PAGE_SIZE = 50
SEAL_CHOICES = 50
SEAL_INPUTS = 3
# The incident form lives in incident_views.py; linked by path so this page never depends on it.
INCIDENT_NEW = "/inspections/incidents/new/?inspection={}"


def _form_error(form, exc: DomainError) -> None:
    """The service names fields ``site_id``, ``template_id``…; the forms call them ``site``."""
    fields = {}
    for name, errors in (exc.field_errors or {}).items():
        short = name.removesuffix("_id")
        fields[short if short in form.fields and name not in form.fields else name] = errors
    apply_domain_error(form, type(exc)(exc.message, field_errors=fields))


def _submit(request, form, call) -> bool:
    return submit(request, form, call, on_error=_form_error)


def _detail_url(inspection_id: int, anchor: str = "") -> str:
    url = reverse("inspections:inspection_detail", kwargs={"pk": inspection_id})
    return f"{url}#{anchor}" if anchor else url


# -- inspections -----------------------------------------------------------------------------
@route("new/")
@org_view(Perm.CHANGE)
def inspection_new(request):
    templates = services.templates_for(request.org).filter(active=True)
    # The inspector's last checklist and site come first: the next truck is like the last.
    last = (
        Inspection.objects.for_org(request.org)
        .filter(inspector=request.user)
        .values("template_id", "site_id")
        .first()
    )
    initial = {"template": last["template_id"], "site": last["site_id"]} if last else {}
    chosen = request.GET.get("template", "")
    if chosen.isdigit():
        initial["template"] = int(chosen)
    sites = list(Site.objects.for_org(request.org).values_list("pk", flat=True)[:2])
    if len(sites) == 1:
        initial["site"] = sites[0]
    form = InspectionForm(
        request.POST or None, org=request.org, templates=templates, initial=initial
    )
    made = {}

    def start(data):
        data = dict(data)
        template = data.pop("template")
        made["i"] = services.start_inspection(request.org, request.user, template, **data)

    if _submit(request, form, start):
        return redirect("inspections:inspection_detail", pk=made["i"].pk)
    no_sites = not sites
    return render(
        request,
        "inspections/inspection_form.html",
        {"form": form, "inspection": None, "no_sites": no_sites},
    )


@route("<int:pk>/edit/")
@org_view(Perm.CHANGE)
def inspection_edit(request, pk):
    inspection = _get(request, Inspection, pk)
    if inspection.is_completed:
        messages.error(request, "This inspection is signed and completed; it can no longer change.")
        return redirect("inspections:inspection_detail", pk=pk)
    form = InspectionForm(
        request.POST or None,
        org=request.org,
        initial=InspectionForm.initial_from(inspection),
        instance=inspection,
    )

    def save(data):
        services.update_inspection(request.org, request.user, inspection, **data)

    if _submit(request, form, save):
        messages.success(request, "Inspection saved.")
        return redirect("inspections:inspection_detail", pk=pk)
    return render(
        request, "inspections/inspection_form.html", {"form": form, "inspection": inspection}
    )


def _progress(points) -> dict:
    total = len(points)
    answered = sum(1 for p in points if p.result)
    failed = sum(1 for p in points if p.result == PointResult.FAIL)
    return {"total": total, "answered": answered, "open": total - answered, "failed": failed}


def _seal_choices(org) -> list[str]:
    """Seals an inspector may put on: issued ones first, then the stock (for a datalist)."""
    return list(
        Seal.objects.for_org(org)
        .filter(state__in=[SealState.ISSUED, SealState.IN_STOCK])
        .order_by("-state", "batch_id", "sequence")
        .values_list("number", flat=True)[:SEAL_CHOICES]
    )


def _detail_page(request, inspection, *, complete_form=None, seal_values=(), row=None):
    """The inspection page; ``row`` is a point refused on a plain (non-HTMX) POST."""
    points = list(inspection.points.select_related("photo"))
    if row is not None:
        points = [row if p.pk == row.pk else p for p in points]
    progress = _progress(points)
    editable = _can_change(request) and not inspection.is_completed
    seal_values = list(seal_values) + [""] * max(0, SEAL_INPUTS - len(seal_values))
    context = {
        "inspection": inspection,
        "points": points,
        "progress": progress,
        "editable": editable,
        "incident_url": INCIDENT_NEW.format(inspection.pk),
        "complete_form": complete_form or CompleteForm(),
        "seal_values": seal_values,
        "seal_choices": _seal_choices(request.org) if editable and not progress["failed"] else [],
        "seals": list(inspection.seals.all()) if inspection.is_completed else [],
    }
    return render(request, "inspections/inspection_detail.html", context)


def _inspection(request, pk):
    return _get(request, Inspection, pk, "site", "inspector", "partner")


@route("<int:pk>/")
@org_view(Perm.VIEW)
def inspection_detail(request, pk):
    return _detail_page(request, _inspection(request, pk))


@posted("points/<int:pk>/")
def inspection_point(request, pk):
    """One tap: save a point's result (and a failed point's note and photo), redraw its row."""
    point = _get(request, InspectionPoint, pk, "inspection", "photo")
    result = request.POST.get("result", "")
    note = request.POST.get("note", "")
    try:
        services.record_point(
            request.org,
            request.user,
            point,
            result=result,
            note=note,
            photo=request.FILES.get("photo"),
        )
    except DomainError as exc:
        point.refresh_from_db()
        point.error = exc.message
        if result == PointResult.FAIL and not point.inspection.is_completed:
            point.pending_fail = True  # keep the note and photo inputs open
            point.draft_note = note
    if not request.htmx:
        if getattr(point, "error", None):
            inspection = _inspection(request, point.inspection_id)
            return _detail_page(request, inspection, row=point)
        return redirect(_detail_url(point.inspection_id, f"point-{point.pk}"))
    points = list(point.inspection.points.only("result"))
    context = {
        "point": point,
        "inspection": point.inspection,
        "editable": not point.inspection.is_completed,
        "incident_url": INCIDENT_NEW.format(point.inspection_id),
        "progress": _progress(points),
        "oob": True,
    }
    return render(request, "inspections/inspection_point_row.html", context)


@posted("<int:pk>/pass-remaining/")
def inspection_pass_remaining(request, pk):
    inspection = _get(request, Inspection, pk)
    try:
        passed = services.pass_remaining(request.org, request.user, inspection)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(pk))
    noun = "point" if passed == 1 else "points"
    messages.success(request, f"{passed} remaining {noun} passed. Sign below to complete.")
    return redirect(_detail_url(pk, "complete"))


def _seal_numbers(request) -> list[str]:
    """Every ``seal_numbers`` input; one input may also hold several, comma-separated."""
    numbers = []
    for raw in request.POST.getlist("seal_numbers")[:50]:
        numbers.extend(n.strip() for n in re.split(r"[,;\n]", raw[:400]) if n.strip())
    return numbers


@posted("<int:pk>/complete/")
def inspection_complete(request, pk):
    inspection = _inspection(request, pk)
    form = CompleteForm(request.POST)
    numbers = _seal_numbers(request)

    def complete(data):
        services.complete_inspection(
            request.org,
            request.user,
            inspection,
            signature_name=data["signature_name"],
            supervisor_name=data["supervisor_name"],
            seal_numbers=numbers,
        )

    if _submit(request, form, complete):
        result = inspection.get_result_display().lower()
        sealed = f", {len(numbers)} seal(s) applied" if numbers else ""
        messages.success(request, f"Inspection completed: {result}{sealed}.")
        return redirect("inspections:inspection_detail", pk=pk)
    return _detail_page(request, inspection, complete_form=form, seal_values=numbers)


# -- checklist templates ---------------------------------------------------------------------
@route("checklists/<int:pk>/")
@org_view(Perm.VIEW)
def checklist_detail(request, pk):
    template = _get(request, ChecklistTemplate, pk)
    initial = {"name": template.name, "description": template.description}
    form, point_form, done = edit_and_add(
        request,
        lambda data: ChecklistForm(
            data, initial={**initial, "active": template.active}, instance=template
        ),
        lambda d: services.update_template(request.org, request.user, template, **d),
        PointForm,
        lambda d: services.add_point(request.org, request.user, template, **d),
        action="add_point",
        on_error=_form_error,
    )
    if done:
        messages.success(request, "Point added." if done == "added" else "Checklist saved.")
        return redirect("inspections:checklist_detail", pk=pk)
    context = {
        "template": template,
        "form": form,
        "point_form": point_form,
        "points": list(template.points.all()),
        "editable": _can_change(request),
    }
    return render(request, "inspections/checklist_detail.html", context)
