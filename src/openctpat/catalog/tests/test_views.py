import pytest
from django.utils.html import escape

from openctpat.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_browser_filters_and_shows_partial_coverage(login, org_a):
    client = login(org_a, Role.VIEWER)
    page = client.get(
        "/catalog/", {"entity_type": "importer", "category": 6, "requirement": "must"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "6.1" in text and "Seal Security" in text
    assert "4.1" not in text.split("<tbody>")[1]
    carrier = client.get("/catalog/", {"entity_type": "sea_carrier"}).content.decode()
    assert "Partial coverage" in carrier


def test_search_box_and_htmx_fragment(login, org_a):
    client = login(org_a, Role.AUDITOR)
    fragment = client.get(
        "/catalog/", {"entity_type": "importer", "q": "VVTT"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in fragment.content
    assert b"6.7" in fragment.content


def test_criterion_page_and_changes_page(login, org_a):
    from openctpat.catalog.models import Criterion

    client = login(org_a, Role.VIEWER)
    criterion = Criterion.objects.get(criteria_set__entity_type="importer", criterion_id="1.1")
    page = client.get(f"/catalog/criteria/{criterion.pk}/").content.decode()
    assert "How to meet it" in page and escape(criterion.summary) in page
    changes = client.get(
        "/catalog/changes/",
        {"entity_type": "importer", "from_version": "2019", "to_version": "2019"},
    ).content.decode()
    assert "0 added, 0 removed, 0 reworded" in changes
