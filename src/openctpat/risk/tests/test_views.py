import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openctpat.core.permissions import Role
from openctpat.risk.models import Assessment
from openctpat.testing.risk import LANE_HEADER, make_assessment, make_node

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_read_only_roles_see_every_step_but_change_nothing(login, org_a, role):
    node = make_node(org_a, country="IR")
    assessment = node.lane.assessment
    threat = assessment.threats.get(category="terrorism")
    client = login(org_a, role)
    for step in ("", "lanes/", "threats/", "vulnerabilities/", "risks/", "method/"):
        page = client.get(f"/risk/{assessment.pk}/{step}")
        assert page.status_code == 200, step
        assert b'<form method="post" action="/risk/threats/' not in page.content
    assert client.post(f"/risk/threats/{threat.pk}/rate/", {"rating": "High"}).status_code == 403
    assert client.post(f"/risk/{assessment.pk}/lanes/", {"name": "X"}).status_code == 403
    # Starting an assessment: the kit's TestAssessments.test_page_create_by_role.
    threat.refresh_from_db()
    assert threat.rating == ""


def test_contributor_cannot_sign_off_or_change_the_matrix(login, org_a):
    assessment = make_assessment(org_a)
    client = login(org_a, Role.CONTRIBUTOR)
    assert client.post(f"/risk/{assessment.pk}/sign-off/").status_code == 403
    assert client.post("/risk/matrix/", {"low": 1}).status_code == 403
    page = client.get(f"/risk/{assessment.pk}/method/").content.decode()
    assert "An owner (the PCSO) signs off" in page


def test_threat_override_without_reason_shows_the_error(login, org_a):
    node = make_node(org_a, country="IR")
    threat = node.lane.assessment.threats.get(category="terrorism")
    client = login(org_a)
    response = client.post(f"/risk/threats/{threat.pk}/rate/", {"rating": "Low"}, follow=True)
    assert "say why you rate Low" in response.content.decode()
    threat.refresh_from_db()
    assert threat.rating == ""


def test_bad_lane_csv_shows_every_bad_row(login, org_a):
    assessment = make_assessment(org_a)
    csv = LANE_HEADER + "\nA,1,supplier,,Good,CN,stuffing\nA,2,teleporter,,Bad,CN,\n"
    response = login(org_a).post(
        f"/risk/{assessment.pk}/lanes/import/", {"file": SimpleUploadedFile("l.csv", csv.encode())}
    )
    assert response.status_code == 422
    assert "Row 3" in response.content.decode()
    assert not assessment.lanes.exists()


def test_start_assessment_and_matrix_page(login, org_a):
    client = login(org_a)
    response = client.post("/risk/", {"title": "RA", "assessment_date": "2026-11-01"})
    assessment = Assessment.objects.for_org(org_a).get()
    assert response["Location"] == f"/risk/{assessment.pk}/lanes/"
    page = client.get("/risk/matrix/").content.decode()
    assert "9 · High" in page and "1 · Low" in page
    client.post(
        "/risk/matrix/",
        {"low": 1, "medium": 2, "high": 3, "medium_from": 2, "high_from": 4},
    )
    assert "4 · High" in client.get("/risk/matrix/").content.decode()
    bad = client.post(
        "/risk/matrix/", {"low": 1, "medium": 2, "high": 3, "medium_from": 5, "high_from": 4}
    )
    assert "Thresholds must" in bad.content.decode()


def test_reference_page_imports_and_lists(login, org_a):
    client = login(org_a)
    page = client.get("/risk/reference/", {"country": "IR"}).content.decode()
    assert "State Sponsor" in page or "FATF" in page
    bad = client.post(
        "/risk/reference/", {"file": SimpleUploadedFile("r.csv", b"country\nIR\n")}
    ).content.decode()
    assert "header must be exactly" in bad


def test_overview_flags_overdue_actions(login, org_a):
    import datetime

    from openctpat.testing.risk import make_action

    make_action(org_a, title="Replace the broken fence", due_date=datetime.date(2020, 5, 1))
    page = login(org_a, Role.VIEWER).get("/").content.decode()
    assert "Overdue risk actions" in page and "Replace the broken fence" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_rating_returns_only_to_a_page_of_this_site(login, org_a, target):
    node = make_node(org_a, country="IR")
    threat = node.lane.assessment.threats.get(category="terrorism")
    vuln = node.vulnerabilities.first()
    client = login(org_a)
    rated = client.post(f"/risk/threats/{threat.pk}/rate/", {"rating": "High", "next": target})
    assert rated["Location"] == f"/risk/{threat.assessment_id}/threats/"
    rated = client.post(
        f"/risk/vulnerabilities/{vuln.pk}/rate/", {"rating": "High", "next": target}
    )
    assert rated["Location"] == f"/risk/{vuln.assessment_id}/vulnerabilities/"
    local = f"/risk/{threat.assessment_id}/threats/?page=2#threat-{threat.pk}"
    back = client.post(f"/risk/threats/{threat.pk}/rate/", {"rating": "High", "next": local})
    assert back["Location"] == local
