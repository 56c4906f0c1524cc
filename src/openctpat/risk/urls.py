from openctpat.core.routes import urls_of

from . import resources, views

app_name = "risk"
urlpatterns = urls_of(app_name, resources, views)
