import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openctpat.core.permissions import Role
from openctpat.partners.models import BusinessPartner
from openctpat.testing import token_for
from openctpat.testing.api import ApiClient, APIResourceTests
from openctpat.testing.partners import (
    SMALL_CSV,
    make_partner,
    make_questionnaire,
)

pytestmark = pytest.mark.django_db


# Partners, contacts, certifications, follow-ups and templates are declared resources:
# their API tests are the kit's (tests/test_resources.py).
class TestQuestionnairesAPI(APIResourceTests):
    path = "/api/v1/questionnaires"

    def make_object(self, org):
        return make_questionnaire(org)

    def list_path(self, questionnaire):
        return f"/api/v1/partners/{questionnaire.partner_id}/questionnaires"


def test_registry_search_and_tier_reasons(org_a, api):
    client = api(org_a)
    made = client.post(
        "/api/v1/partners",
        {
            "legal_name": "Shenzhen Bright Toys Co. Ltd",
            "partner_type": "supplier",
            "country": "cn",
            "duns": "123-456-789",
            "services": ["stuffing"],
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["country"] == "CN" and body["duns"] == "123456789" and body["risk_tier"]
    assert {r["factor"] for r in body["tier_reasons"]} >= {"country", "role", "screening"}
    dup = client.post(
        "/api/v1/partners",
        {"legal_name": "Other", "partner_type": "supplier", "country": "CN", "duns": "123456789"},
    )
    assert dup.status_code == 409
    bad = client.post(
        "/api/v1/partners", {"legal_name": "X", "partner_type": "supplier", "country": "ZZ"}
    )
    assert bad.status_code == 422 and "country" in bad.json()["error"]["fields"]
    found = client.get("/api/v1/partners", q="bright toys").json()
    assert found["count"] == 1 and found["items"][0]["id"] == body["id"]
    assert client.get("/api/v1/partners", tier="Low", country="US").json()["count"] == 0


def test_certification_with_an_mra_program(org_a, api):
    client = api(org_a)
    mra = client.get("/api/v1/mra-programs").json()
    assert mra["as_of"] and any(p["country"] == "EU" for p in mra["programs"])
    partner = make_partner(org_a, country="DE")
    cert = client.post(
        f"/api/v1/partners/{partner.pk}/certifications",
        {"program": "mra", "country": "EU", "reference": "DEAEOF1234", "status": "certified"},
    )
    assert cert.status_code == 201, cert.content
    assert "Authorised Economic Operator" in cert.json()["program_name"]
    refused = client.post(
        f"/api/v1/partners/{partner.pk}/certifications",
        {
            "program": "ctpat",
            "status": "certified",
            "importer_tier": 2,
            "verified_on": "2999-01-01",
        },
    )
    assert refused.status_code == 422 and "verified_on" in refused.json()["error"]["fields"]


def test_import_over_the_api(org_a):
    token = token_for(org_a, Role.CONTRIBUTOR)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    upload = SimpleUploadedFile("partners.csv", SMALL_CSV.encode())
    started = client.post("/api/v1/partner-imports", {"file": upload})
    assert started.status_code == 201, started.content
    imp = started.json()
    assert imp["row_count"] == 3 and imp["mapping"]["country"] == "Country"
    api = ApiClient(token)
    preview = api.get(f"/api/v1/partner-imports/{imp['id']}/preview").json()
    assert preview == {
        "rows": 3,
        "importable": 3,
        "missing_fields": [],
        "errors": [],
        "more_errors": 0,
        "duplicates": [],
        "more_duplicates": 0,
    }
    bad = api.put(f"/api/v1/partner-imports/{imp['id']}/mapping", {"mapping": {"duns": "Nope"}})
    assert bad.status_code == 422
    done = api.post(f"/api/v1/partner-imports/{imp['id']}/commit", {})
    assert done.json() == {"created": 3, "skipped_duplicates": 0}
    assert api.post(f"/api/v1/partner-imports/{imp['id']}/commit", {}).status_code == 409
    csv = api.get("/api/v1/partners/export.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Shenzhen Bright Toys Co. Ltd" in csv.content.decode("utf-8-sig")
    assert BusinessPartner.objects.for_org(org_a).count() == 3


def test_the_export_refuses_to_carry_formulas(org_a, api):
    make_partner(org_a, legal_name='=HYPERLINK("http://evil")', notes="+1 555")
    text = api(org_a).get("/api/v1/partners/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 555" in text
    from io import BytesIO

    from openpyxl import load_workbook

    xlsx = api(org_a).get("/api/v1/partners/export.xlsx").content
    cell = load_workbook(BytesIO(xlsx)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_questionnaire_send_review_and_actions_over_the_api(org_a, api):
    client = api(org_a)
    template = client.post(
        "/api/v1/questionnaire-templates", {"partner_type": "supplier", "entity_type": "importer"}
    ).json()
    assert template["question_count"] > 50 and template["version"] == 1
    q_id = template["questions"][0]["id"]
    assert (
        client.patch(f"/api/v1/questionnaire-questions/{q_id}", {"text": "Reworded"}).json()["text"]
        == "Reworded"
    )
    partner = make_partner(org_a)
    sent = client.post(
        f"/api/v1/partners/{partner.pk}/questionnaires",
        {
            "template_id": template["id"],
            "contact_name": "Li Wei",
            "contact_email": "li@supplier.test",
            "due_date": "2999-01-01",
        },
    )
    assert sent.status_code == 201, sent.content
    link = sent.json()["link"]
    assert "/partner-link/" in link
    assert "link" not in client.get(f"/api/v1/questionnaires/{sent.json()['id']}").json()
    items = client.get(f"/api/v1/questionnaires/{sent.json()['id']}/items", limit=200).json()
    assert items["items"][0]["text"] == "Reworded"
    early = client.patch(
        f"/api/v1/questionnaire-items/{items['items'][0]['id']}", {"weakness": True}
    )
    assert early.status_code == 409
    added = client.post(
        f"/api/v1/questionnaire-templates/{template['id']}/questions", {"text": "Seals?"}
    )
    assert added.status_code == 201
    assert client.get(f"/api/v1/questionnaire-templates/{template['id']}").json()["version"] == 2
    revoked = client.post(f"/api/v1/questionnaires/{sent.json()['id']}/revoke")
    assert revoked.json()["link_state"] == "revoked"
    reissued = client.post(f"/api/v1/questionnaires/{sent.json()['id']}/reissue", {})
    assert reissued.json()["link"] != link and reissued.json()["link_state"] == "open"


def test_follow_up_action_owner_must_be_a_member(org_a, org_b, api):
    from openctpat.testing import owner_of

    partner = make_partner(org_a)
    refused = api(org_a).post(
        f"/api/v1/partners/{partner.pk}/actions",
        {"title": "Fix", "owner_id": owner_of(org_b).pk},
    )
    assert refused.status_code == 422 and "owner_id" in refused.json()["error"]["fields"]


def test_tier_settings_are_validated(org_a, api, session):
    """Who reads and who saves them: tests/test_settings_pattern.py."""
    assert api(org_a, Role.VIEWER).get("/api/v1/partner-tier-settings").json()["high_from"] == 60
    owner = session(org_a)
    bad = owner.patch("/api/v1/partner-tier-settings", {"high_from": 10, "medium_from": 20})
    assert bad.status_code == 422
    saved = owner.patch("/api/v1/partner-tier-settings", {"weight_screening": 0})
    assert saved.json()["weight_screening"] == 0


def test_a_lane_party_links_only_to_its_own_organisations_partner(org_a, org_b, api):
    from openctpat.testing.risk import make_lane

    lane = make_lane(org_a)
    foreign = make_partner(org_b)
    own = make_partner(org_a)
    path = f"/api/v1/risk/lanes/{lane.pk}/nodes"
    body = {"node_type": "supplier", "name": "Bright", "country": "CN", "activities": ["stuffing"]}
    assert api(org_a).post(path, {**body, "partner_id": foreign.pk}).status_code == 404
    made = api(org_a).post(path, {**body, "partner_id": own.pk})
    assert made.status_code == 201 and made.json()["partner_id"] == own.pk
    own.refresh_from_db()
    role = next(r for r in own.tier_reasons if r["factor"] == "role")
    assert role["risk"] == 1.0
