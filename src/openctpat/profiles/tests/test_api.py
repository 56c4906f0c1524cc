import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.api import ApiClient
from openctpat.testing.profiles import (
    make_document,
    make_profile,
)

pytestmark = pytest.mark.django_db


def multipart(token, path, data):
    return Client().post(path, data, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("role", Role.values)
def test_upload_by_role(org_a, role):
    token = token_for(org_a, role)
    upload = SimpleUploadedFile("sop.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = multipart(token, "/api/v1/evidence", {"file": upload, "title": "Seal SOP"})
    expected = 201 if role in (Role.OWNER, Role.CONTRIBUTOR) else 403
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["current"]["content_type"] == "application/pdf"
        assert len(body["current"]["sha256"]) == 64


def test_upload_refusals_have_clear_messages(org_a):
    token = token_for(org_a, Role.OWNER)
    renamed = SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    response = multipart(token, "/api/v1/evidence", {"file": renamed})
    assert response.status_code == 422
    assert "PNG image" in response.json()["error"]["fields"]["file"][0]
    bad_date = SimpleUploadedFile("a.txt", b"text")
    response = multipart(token, "/api/v1/evidence", {"file": bad_date, "review_date": "soon"})
    assert response.status_code == 422 and "review_date" in response.json()["error"]["fields"]


def test_new_version_and_download_permissions(org_a):
    document = make_document(org_a, "v1 text")
    owner = token_for(org_a, Role.OWNER)
    v2 = SimpleUploadedFile("policy.txt", b"v2 text")
    response = multipart(owner, f"/api/v1/evidence/{document.pk}/versions", {"file": v2})
    assert response.status_code == 201
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]
    url = f"/api/v1/evidence/{document.pk}/versions/1/file"
    got = ApiClient(token_for(org_a, Role.AUDITOR)).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"v1 text"
    assert got["Content-Disposition"].startswith("attachment")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert ApiClient(token_for(org_a, Role.VIEWER)).get(url).status_code == 403
    assert ApiClient(token_for(make_org(), Role.OWNER)).get(url).status_code == 404
    assert AuditEntry.objects.for_org(org_a).filter(action="export").exists()


def test_answers_list_patch_and_role_checks(org_a):
    profile = make_profile(org_a)
    owner = ApiClient(token_for(org_a, Role.OWNER))
    body = owner.get(f"/api/v1/profiles/{profile.pk}/answers", category=6, limit=200).json()
    assert body["count"] == profile.answers.filter(criterion__category=6).count()
    answer = next(a for a in body["items"] if a["criterion_id"] == "6.2")
    url = f"/api/v1/answers/{answer['id']}"
    refused = owner.patch(url, {"status": "not_applicable", "na_justification": "No seals"})
    assert refused.status_code == 422
    assert "must_override_reason" in refused.json()["error"]["fields"]
    ok = owner.patch(url, {"status": "meets", "narrative": "ISO 17712 H bolt seals."})
    assert ok.status_code == 200 and ok.json()["status"] == "meets"
    contributor = ApiClient(token_for(org_a, Role.CONTRIBUTOR))
    assert contributor.patch(url, {"owner_id": owner_of(make_org()).pk}).status_code == 422


def test_evidence_links_comments_completeness_and_gaps(org_a):
    profile = make_profile(org_a)
    document = make_document(org_a)
    client = ApiClient(token_for(org_a, Role.CONTRIBUTOR))
    answer = profile.answers.get(criterion__criterion_id="1.1")
    linked = client.post(f"/api/v1/answers/{answer.pk}/evidence", {"document_id": document.pk})
    assert linked.json()["evidence_ids"] == [document.pk]
    comment = client.post(f"/api/v1/answers/{answer.pk}/comments", {"body": "Please re-sign."})
    assert comment.status_code == 201
    listed = client.get(f"/api/v1/answers/{answer.pk}/comments").json()
    assert listed["items"][0]["body"] == "Please re-sign."
    completeness = client.get(f"/api/v1/profiles/{profile.pk}/completeness").json()
    assert completeness["overall"]["without_evidence"] == completeness["overall"]["total"] - 1
    gaps = client.get(f"/api/v1/profiles/{profile.pk}/gaps", requirement="must").json()
    assert gaps["count"] > 0 and all(g["requirement"] == "must" for g in gaps["items"])
    assert "not answered" in gaps["items"][0]["reasons"]
    unlinked = client.delete(f"/api/v1/answers/{answer.pk}/evidence/{document.pk}")
    assert unlinked.json()["evidence_ids"] == []


def test_review_flow_over_the_api(org_a):
    profile = make_profile(org_a)
    client = ApiClient(token_for(org_a, Role.OWNER))
    too_early = client.post(f"/api/v1/profiles/{profile.pk}/reviews")
    assert too_early.status_code == 422
    soon = (timezone.localdate() + datetime.timedelta(days=45)).isoformat()
    client.patch(f"/api/v1/profiles/{profile.pk}", {"anniversary_date": soon})
    review = client.post(f"/api/v1/profiles/{profile.pk}/reviews").json()
    assert review["done"] == 0 and review["total"] == profile.answers.count()
    answer = profile.answers.first()
    one = client.post(f"/api/v1/reviews/{review['id']}/affirm", {"answer_id": answer.pk}).json()
    assert one["affirmed"] == 1
    assert client.post(f"/api/v1/reviews/{review['id']}/complete").status_code == 409
    client.post(f"/api/v1/reviews/{review['id']}/affirm", {})
    done = client.post(f"/api/v1/reviews/{review['id']}/complete").json()
    assert done["status"] == "completed" and done["done"] == done["total"]


def test_exports_over_the_api(org_a):
    profile = make_profile(org_a)
    client = ApiClient(token_for(org_a, Role.VIEWER))
    xlsx = client.get(f"/api/v1/profiles/{profile.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(f"/api/v1/profiles/{profile.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
