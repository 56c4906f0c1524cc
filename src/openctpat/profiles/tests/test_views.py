import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.core.permissions import Role
from openctpat.profiles.models import Answer
from openctpat.testing import make_org
from openctpat.testing.profiles import holding_importer, make_document, make_profile

pytestmark = pytest.mark.django_db


def test_pcso_creates_a_profile_from_the_list_page(login, org_a):
    holding_importer(org_a)
    client = login(org_a)
    response = client.post("/profiles/", {"entity_type": "importer"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Importer" in page and "0%" in page


def test_answer_form_shows_must_override_error_and_saves_nothing(login, org_a):
    profile = make_profile(org_a)
    answer = profile.answers.get(criterion__criterion_id="6.2")
    client = login(org_a, Role.CONTRIBUTOR)
    response = client.post(
        f"/profiles/answers/{answer.pk}/",
        {"status": "not_applicable", "na_justification": "No seals"},
    )
    assert response.status_code == 200
    assert "is a Must" in response.content.decode()
    answer.refresh_from_db()
    assert answer.status == "not_started"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_read_only_roles_see_no_answer_form_and_cannot_import(login, org_a, role):
    profile = make_profile(org_a)
    answer = profile.answers.first()
    client = login(org_a, role)
    page = client.get(f"/profiles/answers/{answer.pk}/").content.decode()
    assert "Save answer" not in page
    assert client.post(f"/profiles/{profile.pk}/import/", {}).status_code == 403


def test_wrong_file_type_gets_a_form_error(login, org_a):
    client = login(org_a, Role.CONTRIBUTOR)
    upload = SimpleUploadedFile("run.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post("/profiles/evidence/", {"file": upload})
    assert response.status_code == 200
    assert "does not take" in response.content.decode()


def test_evidence_files_are_served_only_to_members_who_may_see_them(login, org_a):
    document = make_document(org_a, "Confidential seal log")
    url = f"/profiles/evidence/{document.pk}/v/1/file"
    got = login(org_a, Role.AUDITOR).get(url)
    assert b"".join(got.streaming_content) == b"Confidential seal log"
    assert login(org_a, Role.VIEWER).get(url).status_code == 403
    assert login(make_org()).get(url).status_code == 404
    anonymous = login(org_a).__class__().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(org_a).get("/" + document.current.file.url.lstrip("/")).status_code == 404


def test_gap_page_and_review_page(login, org_a):
    profile = make_profile(org_a)
    client = login(org_a)
    gaps = client.get(f"/profiles/{profile.pk}/gaps/", {"requirement": "must"}).content.decode()
    assert "not answered" in gaps and "Should</span>" not in gaps
    soon = timezone.localdate() + datetime.timedelta(days=30)
    client.post(f"/profiles/{profile.pk}/", {"anniversary_date": soon.isoformat()})
    client.post(f"/profiles/{profile.pk}/review/action/", {"action": "start"})
    client.post(f"/profiles/{profile.pk}/review/action/", {"action": "affirm_all"})
    client.post(f"/profiles/{profile.pk}/review/action/", {"action": "complete"})
    page = client.get(f"/profiles/{profile.pk}/review/").content.decode()
    assert f"{soon.year} review" in page
    assert Answer.objects.filter(profile=profile, review_items__outcome="affirmed").count() > 0


def test_dashboard_lists_profiles_with_review_days(login, org_a):
    profile = make_profile(org_a, per_site=False)
    profile.anniversary_date = timezone.localdate() + datetime.timedelta(days=40)
    profile.save()
    page = login(org_a).get("/").content.decode()
    assert "Security profiles" in page and "40 days left" in page


def test_profile_moves_to_a_newer_msc_version_from_its_page(login, org_a, tmp_path):
    from openctpat.catalog import services as catalog
    from openctpat.catalog.tests.test_services import importer_doc, newer_version, write

    profile = make_profile(org_a)
    target = catalog.load_file(write(tmp_path, newer_version(importer_doc()))).criteria_set
    client = login(org_a)
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "Newer MSC version" in page and "MSC 2099" in page
    response = client.post(f"/profiles/{profile.pk}/migrate/", {"criteria_set": target.pk})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.criteria_set == target
    page = client.get(f"/profiles/{profile.pk}/", {"category": 1}).content.decode()
    assert "New in MSC 2099" in page and "Reworded in MSC 2099" in page
    viewer = login(org_a, Role.VIEWER)
    assert viewer.post(f"/profiles/{profile.pk}/migrate/", {}).status_code == 403


def test_import_errors_page_lists_bad_rows(login, org_a):
    import io

    from openpyxl import load_workbook

    from openctpat.profiles import exports

    profile = make_profile(org_a)
    client = login(org_a)
    wb = load_workbook(io.BytesIO(client.get(f"/profiles/{profile.pk}/export.xlsx").content))
    wb[exports.SHEET]["E2"] = "Maybe"
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("p.xlsx", out.getvalue())
    response = client.post(f"/profiles/{profile.pk}/import/", {"file": upload})
    assert response.status_code == 422
    assert "Nothing was imported" in response.content.decode()
    assert "Row 2" in response.content.decode()


def test_review_action_returns_only_to_a_page_of_this_site(login, org_a):
    profile = make_profile(org_a)
    client = login(org_a)
    soon = timezone.localdate() + datetime.timedelta(days=30)
    client.post(f"/profiles/{profile.pk}/", {"anniversary_date": soon.isoformat()})
    client.post(f"/profiles/{profile.pk}/review/action/", {"action": "start"})
    for target in ("https://evil.example/", "//evil.example"):
        response = client.post(
            f"/profiles/{profile.pk}/review/action/", {"action": "affirm_all", "next": target}
        )
        assert response["Location"] == f"/profiles/{profile.pk}/review/"
    answer = f"/profiles/answers/{profile.answers.first().pk}/"
    response = client.post(
        f"/profiles/{profile.pk}/review/action/", {"action": "affirm_all", "next": answer}
    )
    assert response["Location"] == answer
