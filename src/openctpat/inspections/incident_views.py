"""Security incident pages: the register, a new incident, and its investigation to sign-off."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from openctpat.core.errors import NotFound, invalid
from openctpat.core.permissions import Perm, Role, has_perm, org_view
from openctpat.core.routes import route
from openctpat.risk.models import Assessment

from . import services
from .models import CBP_REPORTABLE, CorrectiveAction, Incident, Inspection, Seal
from .seal_forms import (
    ActionStatusForm,
    CloseForm,
    CorrectiveActionForm,
    FilesForm,
    IncidentCreateForm,
    IncidentEditForm,
    NotificationForm,
)
from .seal_views import _can_change, _get, inspection_url, posted, submit

MAX_FILES = 20
EDIT_FIELDS = (
    "title",
    "incident_type",
    "occurred_at",
    "site",
    "severity",
    "description",
    "shipment_reference",
    "partner",
    "investigation_notes",
    "root_cause",
)


def _by_id(request, model, name):
    """An object named by a query parameter (``?inspection=12``); 404 when it is not ours."""
    value = (request.GET.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404(f"No such {name}.")
    return _get(request, model, int(value))


# -- register --------------------------------------------------------------------------------
@route("incidents/new/")
@org_view(Perm.CHANGE)
def incident_new(request):
    org = request.org
    inspection = _by_id(request, Inspection, "inspection")
    seal = _by_id(request, Seal, "seal")
    initial = {"occurred_at": timezone.now()}
    if inspection is not None:
        initial.update(
            inspection=inspection.pk,
            site=inspection.site_id,
            shipment_reference=inspection.shipment_reference,
            partner=inspection.partner_id,
            occurred_at=inspection.inspected_at,
            title=f"Failed inspection: {inspection}"[:200],
        )
    if seal is not None:
        initial.update(
            seal_number=seal.number,
            shipment_reference=initial.get("shipment_reference") or seal.shipment_reference,
        )
    form = IncidentCreateForm(request.POST or None, org=org, inspection=inspection, initial=initial)
    made = {}

    def create(data):
        number = data.pop("seal_number").strip()
        data["seal"] = None
        if number:
            try:
                data["seal"] = services.find_seal(org, number)
            except NotFound as exc:
                raise invalid("seal_number", exc.message) from exc
        made["incident"] = services.create_incident(org, request.user, **data)

    if submit(request, form, create):
        incident = made["incident"]
        text = f"Incident recorded; the owners were told at once. Severity {incident.severity}."
        if incident.cbp_reportable:
            due = timezone.localtime(incident.cbp_report_due_at)
            text += f" Report it to CBP by {due:%Y-%m-%d %H:%M} (MSC 7.23)."
        messages.success(request, text)
        return redirect("inspections:incident_detail", pk=incident.pk)
    context = {
        "form": form,
        "inspection": inspection,
        "inspection_url": inspection_url(inspection.pk) if inspection else None,
        "reportable": sorted(str(t.label) for t in CBP_REPORTABLE),
        "cbp_hours": services.settings_for(org).cbp_report_hours,
    }
    return render(request, "inspections/incident_form.html", context)


# -- one incident ----------------------------------------------------------------------------
def _incident(request, pk):
    return _get(request, Incident, pk, "site", "inspection", "seal", "partner", "closed_by")


def _incident_page(request, incident, **forms):
    org = request.org
    now = timezone.now()
    actions = list(incident.actions.select_related("owner", "risk_action"))
    row_forms = forms.get("rows", {})
    rows = [
        (
            a,
            row_forms.get(a.pk)
            or ActionStatusForm(
                prefix=f"a{a.pk}",
                initial={"status": a.status, "completion_note": a.completion_note},
                instance=a,
            ),
        )
        for a in actions
    ]
    failed = [
        f for f in (*forms.values(), *row_forms.values()) if hasattr(f, "errors") and f.errors
    ]
    context = {
        "incident": incident,
        "now": now,
        "form_error": " ".join(m for f in failed for ms in f.errors.values() for m in ms),
        "editable": _can_change(request) and not incident.is_closed,
        "is_owner": request.role == Role.OWNER,
        "can_view_evidence": has_perm(request.role, Perm.VIEW_EVIDENCE),
        "notifications": incident.notifications.all(),
        "files": incident.files.all(),
        "rows": rows,
        "open_actions": sum(a.status in ("open", "in_progress") for a in actions),
        "has_risk_plan": Assessment.objects.for_org(org).exists(),
        "inspection_url": inspection_url(incident.inspection_id)
        if incident.inspection_id
        else None,
        "notify_form": forms.get("notify")
        or NotificationForm(initial={"notified_at": now, "party": "cbp", "method": "portal"}),
        "files_form": forms.get("files") or FilesForm(),
        "action_form": forms.get("action") or CorrectiveActionForm(org=org),
        "close_form": forms.get("close") or CloseForm(initial={"root_cause": incident.root_cause}),
    }
    return render(request, "inspections/incident_detail.html", context)


@route("incidents/<int:pk>/")
@org_view(Perm.VIEW)
def incident_detail(request, pk):
    return _incident_page(request, _incident(request, pk))


@route("incidents/<int:pk>/edit/")
@org_view(Perm.CHANGE)
def incident_edit(request, pk):
    org = request.org
    incident = _incident(request, pk)
    initial = {f: getattr(incident, f) for f in EDIT_FIELDS}
    form = IncidentEditForm(request.POST or None, org=org, initial=initial, instance=incident)

    def save(data):
        changed = {k: v for k, v in data.items() if v != initial.get(k)}
        when = changed.get("occurred_at")
        if when and abs(when - incident.occurred_at) < datetime.timedelta(minutes=1):
            del changed["occurred_at"]  # the form shows minutes; the seconds did not change
        services.update_incident(org, request.user, incident, **changed)

    if submit(request, form, save):
        messages.success(request, "Incident saved.")
        return redirect("inspections:incident_detail", pk=pk)
    context = {"form": form, "incident": incident}
    return render(request, "inspections/incident_edit.html", context)


def _incident_post(request, pk, key, form, service, success, **extra):
    """A form posted from the incident page: ``service(org, actor, incident, **extra,
    **data)`` records it; refused, the page again with the form (``key``) and its errors."""
    incident = _incident(request, pk)

    def call(data):
        service(request.org, request.user, incident, **extra, **data)

    if submit(request, form, call):
        messages.success(request, success)
        return redirect("inspections:incident_detail", pk=incident.pk)
    incident.refresh_from_db()
    return _incident_page(request, incident, **{key: form})


@posted("incidents/<int:pk>/notifications/")
def incident_notify(request, pk):
    form = NotificationForm(request.POST)
    return _incident_post(
        request, pk, "notify", form, services.add_notification, "Notification recorded."
    )


@posted("incidents/<int:pk>/files/")
def incident_files(request, pk):
    uploads = request.FILES.getlist("files")

    def attach(org, actor, incident, **_data):
        if not uploads:
            raise invalid("files", "Choose one or more files.")
        if len(uploads) > MAX_FILES:
            raise invalid("files", f"At most {MAX_FILES} files at once.")
        services.attach_files(org, actor, incident, uploads)

    form = FilesForm(request.POST)
    return _incident_post(
        request, pk, "files", form, attach, f"{len(uploads)} file(s) attached to the incident."
    )


@posted("incidents/<int:pk>/actions/")
def incident_action_add(request, pk):
    form = CorrectiveActionForm(request.POST, org=request.org)
    return _incident_post(
        request, pk, "action", form, services.add_corrective_action, "Corrective action added."
    )


@posted("incidents/actions/<int:pk>/")
def incident_action_update(request, pk):
    action = _get(request, CorrectiveAction, pk, "incident", "risk_action")
    form = ActionStatusForm(request.POST, prefix=f"a{action.pk}")

    def save(data):
        services.update_corrective_action(request.org, request.user, action, **data)

    if submit(request, form, save, obj=action):
        messages.success(request, f"{action.title}: {action.get_status_display().lower()}.")
        url = reverse("inspections:incident_detail", kwargs={"pk": action.incident_id})
        return redirect(f"{url}#actions")
    incident = _incident(request, action.incident_id)
    return _incident_page(request, incident, rows={action.pk: form})


@posted("incidents/<int:pk>/close/")
def incident_close(request, pk):
    form = CloseForm(request.POST)
    return _incident_post(
        request,
        pk,
        "close",
        form,
        services.close_incident,
        "Incident closed and signed off.",
        role=request.role,
    )
