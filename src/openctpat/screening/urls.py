from openctpat.core.routes import urls_of

from . import resources, views

app_name = "screening"
urlpatterns = urls_of(app_name, resources, views)
