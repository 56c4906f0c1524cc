from openctpat.core.routes import urls_of

from . import views

app_name = "home"
urlpatterns = urls_of(app_name, views)
