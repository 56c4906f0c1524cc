"""Inspections' plain resources: checklists and their points, inspections, seal batches,
seal audits, incidents and their corrective actions, declared once; core gives their API.
Seal moves, point results, sign-offs, VVTT, notifications and files stay workflows (api.py)."""

from django.db.models import Count, Prefetch
from django.utils import timezone

from openctpat.core.resources import Api, Page, Resource
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.models import EvidenceDocument, Site

from . import schemas, services
from .forms import ChecklistCreateForm, InspectionFilterForm, PointForm
from .models import (
    ChecklistPoint,
    ChecklistTemplate,
    CorrectiveAction,
    Incident,
    Inspection,
    Seal,
    SealAudit,
    SealBatch,
)
from .seal_forms import IncidentFilterForm

TESTING = "openctpat.testing.inspections."
T = "inspections/"
# Ids an inspection, a batch or an incident may name (another organisation's: 404).
REFS = {
    "site_id": ("site", Site),
    "partner_id": ("partner", BusinessPartner),
    "inspection_id": ("inspection", Inspection),
    "seal_id": ("seal", Seal),
    "certificate_id": ("certificate", EvidenceDocument),
}


def _refs(*keys, **more):
    return {**{k: REFS[k] for k in keys}, **more}


checklists = Resource(
    model=ChecklistTemplate,
    name="checklist",
    services=services,
    search=lambda org: services.templates_for(org),
    create=services.create_template,
    update=services.update_template,
    refine=lambda qs: qs.annotate(point_count=Count("points")),
    label=lambda checklist: checklist.name,
    form=ChecklistCreateForm,
    form_kwargs=lambda request: {
        "templates": ChecklistTemplate.objects.for_org(request.org).only("pk", "name", "version")
    },
    messages={"created": "Checklist {obj.name!r} created."},
    pages={
        "list": Page("checklists/", "inspections:checklist_list", T + "checklist_list.html"),
        "create": Page("checklists/new/", "inspections:checklist_new", T + "checklist_form.html"),
        "detail": Page("checklists/<int:pk>/", "inspections:checklist_detail", own_view=True),
    },
    api=Api(
        "/checklists",
        "/checklists/{checklist_id}",
        schemas,
        "Checklist",
        refs={"copy_from_id": ("copy_from", ChecklistTemplate)},
        ops=("list", "create", "get", "update"),
    ),
    payload=lambda org, n: {"name": f"Reefer checklist {n}", "conveyance_type": "container"},
    patch={"description": "Reefer units: check the machinery housing too."},
)

checklist_points = Resource(
    model=ChecklistPoint,
    name="checklist_point",
    services=services,
    create=services.add_point,
    update=services.update_point,
    delete=services.delete_point,
    parent=checklists,
    related=("template",),
    form=PointForm,
    pages={
        "change": Page("checklists/points/<int:pk>/", "inspections:checklist_point"),
        "delete": Page("checklists/points/<int:pk>/delete/", "inspections:checklist_point_delete"),
    },
    anchor="point-{obj.pk}",
    messages={"saved": "Point {obj.position} saved.", "deleted": "Point {obj.title!r} removed."},
    api=Api(
        "/checklists/{checklist_id}/points",
        "/checklist-points/{checklist_point_id}",
        schemas,
        "ChecklistPoint",
        ops=("create", "update", "delete"),
        names={"create": "add_checklist_point"},
        create_drop_none=True,
    ),
    payload=lambda org, n: {"title": f"Door {n}"},
    patch={"guidance": "Check the hinges and their rivets."},
)


def _first_ids(org) -> dict:
    """An active checklist and a site of ``org``: what a new inspection needs."""
    checklist = services.templates_for(org).filter(active=True).first()
    return {"checklist_id": checklist.pk, "site_id": Site.objects.for_org(org).first().pk}


inspections = Resource(
    model=Inspection,
    name="inspection",
    services=services,
    search=services.search_inspections,
    create=services.start_inspection,
    related=("inspector", "site"),
    label=lambda i: i.container_number or i.trailer_number or i.trailer_plate or i.truck_plate,
    filter_form=InspectionFilterForm,
    filter_kwargs=lambda request: {"org": request.org},
    pages={
        "list": Page("", "inspections:inspection_list", T + "inspection_list.html"),
        "create": Page("new/", "inspections:inspection_new", own_view=True),
        "detail": Page("<int:pk>/", "inspections:inspection_detail", own_view=True),
        "edit": Page("<int:pk>/edit/", "inspections:inspection_edit", own_view=True),
        "delete": Page("<int:pk>/delete/", "inspections:inspection_delete"),
    },
    rows_template=T + "inspection_rows.html",
    messages={"deleted": "Deleted: {obj}."},
    api=Api(
        "/inspections",
        "/inspections/{inspection_id}",
        schemas,
        "Inspection",
        refs=_refs("site_id", "partner_id", checklist_id=("template", ChecklistTemplate)),
        members={"inspector_id": "inspector"},
        names={"create": "start_inspection"},
        prefetch=(Prefetch("seals", queryset=Seal.objects.order_by("number")),),
        create_drop_none=True,
        nullable=("partner_id",),
    ),
    payload=lambda org, n: {**_first_ids(org), "truck_plate": f"TX-{n}"},
    patch={"notes": "Driver waited outside the yard."},
)

seal_batches = Resource(
    model=SealBatch,
    name="seal_batch",
    services=services,
    create=services.create_batch,
    update=services.update_batch,
    prefetch=("issuers",),
    api=Api(
        "/seal-batches",
        "/seal-batches/{batch_id}",
        schemas,
        "SealBatch",
        refs=_refs("site_id", "certificate_id"),
        members={"issuer_ids": "issuers"},
        ops=("list", "create", "get", "update"),
        names={"list": "list_seal_batches"},
        nullable=("site_id", "certificate_id"),
    ),
    factory=TESTING + "make_batch",
    payload=lambda org, n: {
        "manufacturer": "TydenBrooks",
        "first_number": 900_000 + n * 100,
        "last_number": 900_000 + n * 100 + 9,
        "received_on": timezone.localdate().isoformat(),
        "storage_location": "Locked cabinet",
    },
    patch={"notes": "Moved to the gatehouse safe."},
)

seal_audits = Resource(
    model=SealAudit,
    name="seal_audit",
    services=services,
    create=services.record_seal_audit,
    related=("signed_off_by",),
    api=Api(
        "/seal-audits",
        "/seal-audits/{seal_audit_id}",
        schemas,
        "SealAudit",
        ops=("list", "create", "get"),
        names={"create": "record_seal_audit"},
    ),
    payload=lambda org, n: {"audited_on": timezone.localdate().isoformat(), "counted_numbers": []},
)


def _counts(request, obj) -> dict:
    """What the incident list shows above its rows: counts and the CBP reports overdue (not
    counted again for the rows alone, which a filter change fetches)."""
    context = {"now": timezone.now()}
    if not request.htmx:
        org = request.org
        context["counts"] = services.incident_counts(org)
        context["overdue"] = services.overdue_cbp_reports(org).count()
    return context


incidents = Resource(
    model=Incident,
    name="incident",
    services=services,
    search=services.search_incidents,
    related=("closed_by", "site", "seal"),
    label=lambda incident: incident.title,
    filter_form=IncidentFilterForm,
    pages={
        "list": Page("incidents/", "inspections:incident_list", T + "incident_list.html", _counts),
        "create": Page("incidents/new/", "inspections:incident_new", own_view=True),
        "detail": Page("incidents/<int:pk>/", "inspections:incident_detail", own_view=True),
        "edit": Page("incidents/<int:pk>/edit/", "inspections:incident_edit", own_view=True),
    },
    rows_template=T + "incident_list_rows.html",
    api=Api(
        "/incidents",
        "/incidents/{incident_id}",
        schemas,
        "Incident",
        refs=_refs("site_id", "partner_id", "inspection_id", "seal_id", "certificate_id"),
        ops=("list", "create", "get", "update"),
        create_drop_none=True,
        nullable=tuple(REFS),
        prefetch=("files",),
    ),
    payload=lambda org, n: {
        "title": f"Fence cut {n}",
        "incident_type": "suspicious_activity",
        "description": "A gap in the perimeter fence behind dock 4.",
    },
    patch={"severity": "high"},
)

corrective_actions = Resource(
    model=CorrectiveAction,
    name="corrective_action",
    services=services,
    parent=incidents,
    related=("incident", "risk_action"),
    api=Api(
        "/incidents/{incident_id}/actions",
        "/corrective-actions/{corrective_action_id}",
        schemas,
        "IncidentAction",
        members={"owner_id": "owner"},
        ops=("create", "update"),
        names={"create": "add_incident_action", "update": "update_incident_action"},
        nullable=("owner_id", "due_date"),
    ),
    payload=lambda org, n: {"title": f"Repair the fence {n}"},
    patch={"status": "in_progress"},
)
