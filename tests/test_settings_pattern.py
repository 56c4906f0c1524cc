"""Every organisation's settings follow one pattern: reading never writes, only an owner
saves (page and API), a save is audited, and two first saves at once keep one row."""

import pytest
from django.urls import reverse

# The apps' declarations register when their API modules load.
import openctpat.api  # noqa: F401, E402
from openctpat.core import orgsettings
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.api import ApiClient
from openctpat.testing.resources import form_data

SETTINGS = [pytest.param(s, id=s.settings.model.__name__) for s in orgsettings.REGISTRY]


def rows(pages, org):
    return pages.settings.model.objects.filter(organisation=org).count()


def test_every_settings_model_is_declared():
    assert {p.settings.model.__name__ for p in orgsettings.REGISTRY} == {
        "InspectionSettings",
        "ScoringSettings",
        "ScreeningSettings",
        "TierSettings",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("pages", SETTINGS)
def test_reading_never_writes(pages, login):
    org = make_org()
    for role in Role.values:
        assert ApiClient(token_for(org, role)).get("/api/v1" + _path(pages)).status_code == 200
        if pages.page is not None:
            assert login(org, role).get(reverse(pages.page.name)).status_code == 200
    assert rows(pages, org) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("pages", SETTINGS)
def test_only_an_owner_saves_and_the_save_is_audited(pages, login):
    org = make_org()
    for role in (Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR):
        api = ApiClient(token_for(org, role))
        assert api.patch("/api/v1" + _path(pages), pages.example).status_code == 403
    assert rows(pages, org) == 0
    stored = pages.settings.update(org, owner_of(org), **pages.example)
    assert rows(pages, org) == 1
    for name, value in pages.example.items():
        assert getattr(stored, name) == value
    entry = AuditEntry.objects.for_org(org).filter(object_type=stored._meta.label_lower).get()
    assert set(entry.changes) >= set(pages.example)
    if pages.page is not None:
        page = login(org, Role.VIEWER).get(reverse(pages.page.name))
        posted = login(org, Role.VIEWER).post(
            reverse(pages.page.name), form_data(page.context["form"])
        )
        assert posted.status_code == 403


def _path(pages):
    prefix = "/risk" if pages.settings.model.__name__ == "ScoringSettings" else ""
    return prefix + pages.api_path
