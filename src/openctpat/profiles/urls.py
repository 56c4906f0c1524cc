from openctpat.core.routes import urls_of

from . import resources, views

app_name = "profiles"
urlpatterns = urls_of(app_name, resources, views)
