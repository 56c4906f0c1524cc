from openctpat.core.routes import urls_of

from . import link_views, resources, views

app_name = "partners"
urlpatterns = urls_of(app_name, resources, views)

# The partner link: the only page a business partner reaches, with no login.
link_urlpatterns = (urls_of("partner_link", link_views), "partner_link")
