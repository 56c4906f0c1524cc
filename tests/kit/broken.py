"""Resources broken on purpose, served at their own URLs, for the kit's own tests.

Each is one mistake the resource kit must catch: a list and lookups not scoped to the
organisation, a per-object list page that queries once per row, writes allowed to a
read-only role, and a delete that says it took but keeps the row.
"""

from django.urls import include, path
from ninja import Router

from openctpat.api import build_api
from openctpat.core.permissions import Perm
from openctpat.core.resources import Api, Page, Resource
from openctpat.partners.models import BusinessPartner, PartnerContact
from openctpat.profiles import resources, services
from openctpat.profiles import schemas as profile_schemas
from openctpat.profiles.forms import SiteForm
from openctpat.profiles.models import Site

SITE = {
    "model": Site,
    "name": "site",
    "create": services.create_site,
    "update": services.update_site,
    "delete": services.delete_site,
    "form": SiteForm,
    "after_save": "list",
    "factory": resources.sites.factory,
    "payload": resources.sites.payload,
    "patch": resources.sites.patch,
    "register": False,
}


def _pages(prefix):
    return {
        "list": Page(f"{prefix}/", f"kit:{prefix}_list", "profiles/sites.html"),
        "edit": Page(f"{prefix}/<int:pk>/", f"kit:{prefix}_edit", "profiles/site_edit.html"),
        "delete": Page(f"{prefix}/<int:pk>/delete/", f"kit:{prefix}_delete"),
    }


def _api(prefix):
    return Api(
        f"/{prefix}",
        f"/{prefix}/{{site_id}}",
        profile_schemas,
        "Site",
        names={
            op: f"{op}_{prefix.replace('-', '_')}" for op in Api.__dataclass_fields__["ops"].default
        },
    )


class UnscopedResource(Resource):
    """Reads every organisation's rows: the tenancy check is missing."""

    def queryset(self, org):
        return self.model.objects.all()

    def filtered(self, org, parent=None, **filters):
        return self.model.objects.all()


unscoped = UnscopedResource(**SITE, pages=_pages("kit-unscoped"), api=_api("kit-unscoped"))
viewer_writes = Resource(
    **SITE, write_perm=Perm.VIEW, pages=_pages("kit-open"), api=_api("kit-open")
)
kept = Resource(
    **{**SITE, "delete": lambda org, actor, site: None},
    pages=_pages("kit-kept"),
    api=_api("kit-kept"),
)
partners = Resource(model=BusinessPartner, name="partner", register=False)
CONTACTS = {
    "model": PartnerContact,
    "name": "contact",
    "parent": partners,
    "parent_field": "partner",
    "factory": "openctpat.testing.partners.make_contact",
    "register": False,
}


def _contacts_page(name):
    route = f"kit-partners/<int:parent_pk>/{name}/"
    return {"list": Page(route, f"kit:{name}", "kit/rows.html")}


# A partner's contacts, each row showing who recorded it (kit/templates/kit/rows.html):
# without select_related("created_by") that is one query per row.
n_plus_one = Resource(**CONTACTS, pages=_contacts_page("contacts"))
fixed_contacts = Resource(**CONTACTS, pages=_contacts_page("fixed"), related=("created_by",))

router = Router()
for resource in (unscoped, viewer_writes, kept):
    resource.add_to(router, __name__)
kit_api = build_api(urls_namespace="kit-api", docs_url=None, openapi_url=None)
kit_api.add_router("/", router)

kit_urls = (
    [
        p
        for r in (unscoped, viewer_writes, kept, n_plus_one, fixed_contacts)
        for p in r.urlpatterns()
    ],
    "kit",
)
urlpatterns = [
    path("kit/", include(kit_urls)),
    path("api/v1/", kit_api.urls),
    path("", include("openctpat.urls")),
]
