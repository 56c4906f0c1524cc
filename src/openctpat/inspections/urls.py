from django.urls import path  # noqa: F401

app_name = "inspections"

# Inspections and checklist templates (views.py).
inspection_urls = []

# Seal inventory, seal log, VVTT, reconciliation and seal audits (seal_views.py).
seal_urls = []

# Security incidents (incident_views.py).
incident_urls = []

# Inspection log and seal log downloads (export_views.py).
export_urls = []

urlpatterns = inspection_urls + seal_urls + incident_urls + export_urls
