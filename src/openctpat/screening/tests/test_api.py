import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openctpat.core.permissions import Role
from openctpat.screening.models import RescreenRun
from openctpat.testing import add_member, make_org, token_for
from openctpat.testing.api import ApiClient, session_api
from openctpat.testing.partners import make_partner
from openctpat.testing.screening import make_alert, make_version

pytestmark = pytest.mark.django_db


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


def test_four_eyes_over_the_api(org_a, api, session):
    owner = api(org_a)
    changed = session(org_a).patch("/api/v1/screening/settings", {"four_eyes": True})
    assert changed.json()["four_eyes"]
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


def test_manual_rescreen_and_threshold(org_a, api, session):
    partner = make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    assert api(org_a).post(f"/api/v1/partners/{partner.pk}/screen").status_code == 409
    make_version()
    made = api(org_a).post(f"/api/v1/partners/{partner.pk}/screen")
    assert made.status_code == 201 and made.json()["reason"] == "manual"
    bad = session(org_a).patch("/api/v1/screening/settings", {"threshold": 0.1})
    assert bad.status_code == 422
    refused = api(org_a).patch("/api/v1/screening/settings", {"threshold": 0.9})
    assert refused.status_code == 403  # a token cannot change the organisation's settings


def test_only_staff_load_lists(org_a):
    token = token_for(org_a, Role.OWNER)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    assert client.post("/api/v1/screening/lists", {"files": [upload]}).status_code == 403


def test_other_organisations_alerts_cannot_be_decided(org_a):
    alert = make_alert(org_a)
    other = ApiClient(token_for(make_org(), Role.OWNER))
    body = {"reason": "x"}
    assert other.post(f"/api/v1/screening/alerts/{alert.pk}/true-match", body).status_code == 404


def staff_member(org, role):
    user = add_member(org, role).user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize("token_role", [Role.VIEWER, Role.AUDITOR])
def test_a_staff_members_read_only_token_cannot_load_lists(org_a, token_role):
    staff = staff_member(org_a, Role.OWNER)
    token = token_for(org_a, token_role, user=staff)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    refused = client.post("/api/v1/screening/lists", {"files": [upload]})
    assert refused.status_code == 403
    assert "role that changes data" in refused.json()["error"]["message"]


def test_staff_load_lists_with_a_role_that_changes_data(org_a):
    staff = staff_member(org_a, Role.CONTRIBUTOR)
    token = token_for(org_a, Role.CONTRIBUTOR, user=staff)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    response = client.post("/api/v1/screening/lists", {"files": [upload]})
    assert response.status_code == 422  # allowed: the file itself is refused, with its name
    assert "sdn.csv" in response.json()["error"]["message"]
    session = session_api(org_a, user=staff_member(org_a, Role.VIEWER))
    upload = SimpleUploadedFile("sdn.csv", b"garbage")
    assert session.client.post("/api/v1/screening/lists", {"files": [upload]}).status_code == 403


def test_rescreen_runs_show_an_organisation_only_its_own_partners(org_a, org_b, api):
    make_partner(org_a, legal_name="Golden Crescent Shipping Co.", country="IR")
    make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    make_partner(org_b, legal_name="Novotech Industrial Supply LLC", country="RU")
    make_partner(org_b, legal_name="Baltic Amber Freight", country="EE")
    make_partner(org_b, legal_name="Nordic Reefer Lines", country="NO")
    make_version(rescreen=True)
    mine = api(org_a).get("/api/v1/screening/runs").json()
    assert mine["count"] == 1
    run = mine["items"][0]
    assert (run["scope"], run["total"], run["done"], run["alerts_raised"]) == (
        "organisation",
        2,
        2,
        1,
    )
    theirs = api(org_b).get("/api/v1/screening/runs").json()["items"][0]
    assert (theirs["total"], theirs["alerts_raised"]) == (3, 1)
    assert api(make_org()).get("/api/v1/screening/runs").json()["count"] == 0  # no partners
    staff = staff_member(org_a, Role.VIEWER)
    everyone = ApiClient(token_for(org_a, Role.VIEWER, user=staff)).get("/api/v1/screening/runs")
    body = everyone.json()["items"][0]
    assert body["scope"] == "all" and body["version_id"] == run["version_id"]
    assert (body["total"], body["done"], body["alerts_raised"], body["error"]) == (5, 5, 2, "")


def test_a_failed_runs_error_is_shown_to_staff_only(org_a, api):
    make_partner(org_a, legal_name="Maple Leaf Brokers", country="CA")
    make_version(rescreen=True)
    RescreenRun.objects.update(error="Partner 'Other Org Secret Ltd' could not be screened")
    member = api(org_a).get("/api/v1/screening/runs").json()["items"][0]["error"]
    assert "Secret" not in member and "stopped with an error" in member
    staff = staff_member(org_a, Role.CONTRIBUTOR)
    shown = ApiClient(token_for(org_a, Role.VIEWER, user=staff)).get("/api/v1/screening/runs")
    assert "Secret" in shown.json()["items"][0]["error"]
