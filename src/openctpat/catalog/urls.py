from openctpat.core.routes import urls_of

from . import views

app_name = "catalog"
urlpatterns = urls_of(app_name, views)
