from django.urls import path

from . import export_views, incident_views, resources, seal_views, views

app_name = "inspections"

# Inspections and checklist templates (views.py).
inspection_urls = [
    *resources.checklists.urlpatterns(),
    *resources.checklist_points.urlpatterns(),
    *resources.inspections.urlpatterns(),
    path("new/", views.inspection_new, name="inspection_new"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path(
        "<int:pk>/pass-remaining/",
        views.inspection_pass_remaining,
        name="inspection_pass_remaining",
    ),
    path("<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
    path("points/<int:pk>/", views.inspection_point, name="inspection_point"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
]

# Seal inventory, seal log, VVTT, reconciliation and seal audits (seal_views.py).
seal_urls = [
    path("seals/", seal_views.seal_list, name="seal_list"),
    path("seals/batches/new/", seal_views.seal_batch_new, name="seal_batch_new"),
    path("seals/batches/<int:pk>/", seal_views.seal_batch_detail, name="seal_batch_detail"),
    path("seals/verify/", seal_views.seal_verify, name="seal_verify"),
    path("seals/reconciliation/", seal_views.seal_reconciliation, name="seal_reconciliation"),
    path("seals/audits/", seal_views.seal_audit_list, name="seal_audit_list"),
    path("seals/audits/new/", seal_views.seal_audit_new, name="seal_audit_new"),
    path("seals/audits/<int:pk>/", seal_views.seal_audit_detail, name="seal_audit_detail"),
    path(
        "seals/audits/<int:pk>/sign-off/",
        seal_views.seal_audit_sign_off,
        name="seal_audit_sign_off",
    ),
    path("seals/<int:pk>/", seal_views.seal_detail, name="seal_detail"),
    path("seals/<int:pk>/issue/", seal_views.seal_issue, name="seal_issue"),
    path("seals/<int:pk>/return/", seal_views.seal_return, name="seal_return"),
    path("seals/<int:pk>/remove/", seal_views.seal_remove, name="seal_remove"),
    path("seals/<int:pk>/write-off/", seal_views.seal_write_off, name="seal_write_off"),
]

# Security incidents (incident_views.py).
incident_urls = [
    *resources.incidents.urlpatterns(),
    path("incidents/new/", incident_views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", incident_views.incident_edit, name="incident_edit"),
    path(
        "incidents/<int:pk>/notifications/",
        incident_views.incident_notify,
        name="incident_notify",
    ),
    path("incidents/<int:pk>/files/", incident_views.incident_files, name="incident_files"),
    path(
        "incidents/<int:pk>/actions/",
        incident_views.incident_action_add,
        name="incident_action_add",
    ),
    path("incidents/<int:pk>/close/", incident_views.incident_close, name="incident_close"),
    path(
        "incidents/actions/<int:pk>/",
        incident_views.incident_action_update,
        name="incident_action_update",
    ),
]

# Inspection log and seal log downloads (export_views.py).
export_urls = [
    path("exports/", export_views.log_export, name="log_export"),
]

urlpatterns = inspection_urls + seal_urls + incident_urls + export_urls
