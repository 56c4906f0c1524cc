import pytest

from openctpat.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_sets_list_with_coverage(api, org_a):
    body = api(org_a, Role.VIEWER).get("/api/v1/catalog/sets", limit=200).json()
    importer = next(s for s in body["items"] if s["entity_type"] == "importer")
    assert importer["criteria_count"] >= 90
    assert importer["coverage"] in ("complete", "partial")


def test_criteria_filter_by_entity_type_category_requirement_and_text(api, org_a):
    client = api(org_a, Role.AUDITOR)
    body = client.get(
        "/api/v1/catalog/criteria", entity_type="importer", category=6, requirement="must"
    ).json()
    assert body["count"] >= 1
    assert {(c["category"], c["requirement"]) for c in body["items"]} == {(6, "must")}
    found = client.get("/api/v1/catalog/criteria", entity_type="importer", q="VVTT").json()
    assert "6.7" in [c["criterion_id"] for c in found["items"]]
    one = client.get(f"/api/v1/catalog/criteria/{found['items'][0]['id']}").json()
    assert one["category_name"] and one["focus_area"] == "Transportation Security"


def test_unknown_version_is_a_404_and_bad_category_a_422(api, org_a):
    client = api(org_a)
    missing = client.get("/api/v1/catalog/criteria", entity_type="importer", msc_version="1999")
    assert missing.status_code == 404
    bad = client.get("/api/v1/catalog/criteria", entity_type="importer", category=13)
    assert bad.status_code == 422


def test_changes_between_versions(api, org_a, tmp_path):
    from openctpat.catalog import services

    from .test_services import importer_doc, newer_version, write

    services.load_file(write(tmp_path, newer_version(importer_doc())))
    body = (
        api(org_a)
        .get(
            "/api/v1/catalog/changes",
            entity_type="importer",
            from_version="2019",
            to_version="2099",
        )
        .json()
    )
    assert [c["criterion_id"] for c in body["added"]] == ["1.9"]
    assert [c["criterion_id"] for c in body["removed"]] == ["1.1"]
    assert {r["criterion_id"] for r in body["reworded"]} == {"1.2", "2.1"}
    # without versions: the latest against the one before it
    assert api(org_a).get("/api/v1/catalog/changes").json()["to_version"] == "2099"
