import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openctpat.accounts.roles import Role
from openctpat.testing import make_org, token_for
from openctpat.testing.api import ApiClient, APIResourceTests
from openctpat.testing.partners import make_partner
from openctpat.testing.screening import make_alert, make_version

pytestmark = pytest.mark.django_db


class TestAlertsAPI(APIResourceTests):
    path = "/api/v1/screening/alerts"

    def make_object(self, org):
        return make_alert(org)


def test_screen_a_name_over_the_api(org_a, api):
    assert api(org_a).post("/api/v1/screening/screen", {"name": "x"}).status_code == 409
    make_version()
    found = api(org_a).post("/api/v1/screening/screen", {"name": "Golden Crescent Marine"})
    assert found.status_code == 201, found.content
    body = found.json()
    assert body["outcome"] == "potential_match" and body["matches"][0]["entry_id"] == "1001"
    assert body["matches"][0]["name"] == "GOLDEN CRESCENT MARINE"
    assert body["version_ids"]
    assert (
        api(org_a, Role.VIEWER).post("/api/v1/screening/screen", {"name": "x"}).status_code == 403
    )


def test_dispositions_over_the_api(org_a, api):
    alert = make_alert(org_a)
    client = api(org_a)
    missing = client.post(f"/api/v1/screening/alerts/{alert.pk}/false-positive", {})
    assert missing.status_code == 422
    done = client.post(
        f"/api/v1/screening/alerts/{alert.pk}/false-positive", {"reason": "Other company"}
    )
    assert done.status_code == 200 and done.json()["status"] == "false_positive"
    again = client.post(f"/api/v1/screening/alerts/{alert.pk}/true-match", {"reason": "x"})
    assert again.status_code == 409
    screenings = client.get(f"/api/v1/partners/{alert.partner_id}/screenings").json()
    assert screenings["count"] == 1 and screenings["items"][0]["outcome"] == "clear"


def test_four_eyes_over_the_api(org_a, api):
    owner = api(org_a)
    assert owner.patch("/api/v1/screening/settings", {"four_eyes": True}).json()["four_eyes"]
    assert (
        api(org_a, Role.CONTRIBUTOR)
        .patch("/api/v1/screening/settings", {"four_eyes": False})
        .status_code
        == 403
    )
    alert = make_alert(org_a)
    owner.post(f"/api/v1/screening/alerts/{alert.pk}/true-match", {"reason": "Same IMO"})
    assert owner.post(f"/api/v1/screening/alerts/{alert.pk}/confirm", {}).status_code == 403
    second = api(org_a, Role.CONTRIBUTOR)
    done = second.post(f"/api/v1/screening/alerts/{alert.pk}/confirm", {})
    assert done.json()["status"] == "true_match"


def test_manual_rescreen_and_threshold(org_a, api):
    partner = make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    assert api(org_a).post(f"/api/v1/partners/{partner.pk}/screen").status_code == 409
    make_version()
    made = api(org_a).post(f"/api/v1/partners/{partner.pk}/screen")
    assert made.status_code == 201 and made.json()["reason"] == "manual"
    bad = api(org_a).patch("/api/v1/screening/settings", {"threshold": 0.1})
    assert bad.status_code == 422


def test_only_staff_load_lists(org_a):
    token = token_for(org_a, Role.OWNER)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    assert client.post("/api/v1/screening/lists", {"files": [upload]}).status_code == 403
    assert ApiClient(token).get("/api/v1/screening/lists").status_code == 200


def test_other_organisations_alerts_stay_hidden(org_a):
    alert = make_alert(org_a)
    other = ApiClient(token_for(make_org(), Role.OWNER))
    assert other.get(f"/api/v1/screening/alerts/{alert.pk}").status_code == 404
    body = {"reason": "x"}
    assert other.post(f"/api/v1/screening/alerts/{alert.pk}/true-match", body).status_code == 404
