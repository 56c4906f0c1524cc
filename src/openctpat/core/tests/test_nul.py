"""NUL characters are refused with a 400/422 on every database, never a 500."""

import pytest

from openctpat.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_string_is_a_400(api, login, org_a):
    response = api(org_a, Role.OWNER).get("/api/v1/catalog/criteria", q="seal\x00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert login(org_a).get("/catalog/", {"q": "a\x00b"}).status_code == 400


def test_nul_in_a_json_body_is_a_422(api, org_a):
    response = api(org_a, Role.OWNER).post(
        "/api/v1/risk/assessments", {"title": "RA", "scope": "bad\x00scope"}
    )
    assert response.status_code == 422
    assert "NUL" in str(response.json()["error"]["fields"])
