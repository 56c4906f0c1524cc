"""The security-profile app's plain resources: declared once, pages and API from core."""

from openctpat.core.resources import Api, Page, Resource

from . import schemas, services
from .forms import SiteForm
from .models import Site

sites = Resource(
    model=Site,
    name="site",
    services=services,
    form=SiteForm,
    pages={
        "list": Page("sites/", "profiles:site_list", "profiles/sites.html"),
        "edit": Page("sites/<int:pk>/", "profiles:site_edit", "profiles/site_edit.html"),
        "delete": Page("sites/<int:pk>/delete/", "profiles:site_delete"),
    },
    after_save="list",
    messages={"created": "Site {obj.name} added.", "saved": "Site saved."},
    api=Api(
        "/sites",
        "/sites/{site_id}",
        schemas,
        "Site",
        tags=["sites"],
    ),
    payload=lambda org, n: {"name": f"Dock {n}", "country": "US", "site_type": "warehouse"},
    patch={"address": "1 Harbour Road"},
)
