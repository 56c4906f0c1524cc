from django.contrib import admin
from django.urls import include, path

from openctpat.api import api
from openctpat.partners.urls import link_urlpatterns

urlpatterns = [
    path("", include("openctpat.home.urls")),
    path("", include("openctpat.core.urls")),
    path("accounts/", include("openctpat.accounts.urls")),
    path("catalog/", include("openctpat.catalog.urls")),
    path("profiles/", include("openctpat.profiles.urls")),
    path("risk/", include("openctpat.risk.urls")),
    path("partners/", include("openctpat.partners.urls")),
    path("screening/", include("openctpat.screening.urls")),
    path("inspections/", include("openctpat.inspections.urls")),
    path("partner-link/", include(link_urlpatterns)),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
