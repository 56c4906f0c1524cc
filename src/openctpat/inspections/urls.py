from openctpat.core.routes import urls_of

from . import export_views, incident_views, resources, seal_views, views

app_name = "inspections"
urlpatterns = urls_of(app_name, resources, views, seal_views, incident_views, export_views)
