from django.contrib import admin
from django.urls import include, path

from openctpat.api import api

urlpatterns = [
    path("", include("openctpat.core.urls")),
    path("accounts/", include("openctpat.accounts.urls")),
    path("catalog/", include("openctpat.catalog.urls")),
    path("profiles/", include("openctpat.profiles.urls")),
    path("risk/", include("openctpat.risk.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
