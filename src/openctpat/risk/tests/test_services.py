import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openctpat.core.errors import Conflict, PermissionDenied, ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.profiles import services as profile_services
from openctpat.risk import services
from openctpat.risk.models import ActionStatus, ReferenceSet
from openctpat.testing import add_member, owner_of
from openctpat.testing.profiles import make_profile, make_site
from openctpat.testing.risk import (
    INDICATORS_CSV,
    make_action,
    make_assessment,
    make_lane,
    make_node,
)

pytestmark = pytest.mark.django_db


def upload(text: str, name: str = "upload.csv"):
    return SimpleUploadedFile(name, text.encode())


def rate_everything(org, assessment, rating="Medium"):
    owner = owner_of(org)
    for threat in assessment.threats.all():
        services.rate_threat(
            org, owner, threat, rating=rating, override_reason="Our own judgement."
        )
    for vuln in assessment.vulnerabilities.all():
        services.rate_vulnerability(org, owner, vuln, rating=rating)


def test_packaged_reference_set_is_loaded_once():
    shared = ReferenceSet.objects.filter(organisation=None)
    assert shared.count() == 1 and shared.get().indicators.count() > 40
    services.load_packaged_indicators()
    assert shared.count() == 1


def test_mapping_a_lane_creates_threat_and_vulnerability_rows_with_suggestions(org_a):
    node = make_node(org_a, country="IR", node_type="customs_broker")
    assessment = node.lane.assessment
    threats = {t.category: t for t in assessment.threats.filter(country="IR")}
    assert len(threats) == 6
    assert threats["terrorism"].suggested_rating == "High"
    assert threats["terrorism"].suggestion_basis[0]["source_url"].startswith("http")
    assert threats["corruption"].suggested_rating == ""
    categories = set(node.vulnerabilities.values_list("category", flat=True))
    assert categories == {1, 2, 3, 4, 7, 11, 12}  # a broker handles data, not goods
    services.update_node(org_a, owner_of(org_a), node, country="CA", node_type="manufacturer")
    assert not assessment.threats.filter(country="IR").exists()
    assert set(node.vulnerabilities.values_list("category", flat=True)) == set(range(1, 13))


def test_an_organisations_newer_reference_file_is_used_for_new_assessments(org_a, org_b):
    mine = services.import_indicators(org_a, owner_of(org_a), upload(INDICATORS_CSV))
    assert services.current_reference_set(org_a) == mine
    assert services.current_reference_set(org_b).organisation is None
    node = make_node(org_a, country="MX")
    threat = node.lane.assessment.threats.get(category="contraband_smuggling")
    assert threat.suggestion_basis[0]["indicator"] == "Test major drug transit country"


def test_bad_reference_import_saves_nothing(org_a):
    bad = INDICATORS_CSV + "XX,terrorism,High,x,s,https://a.test,2026-01\n"
    with pytest.raises(ValidationFailed) as refused:
        services.import_indicators(org_a, owner_of(org_a), upload(bad))
    assert refused.value.field_errors["rows"][0].startswith("Row 3:")
    assert not ReferenceSet.objects.filter(organisation=org_a).exists()


def test_override_needs_a_reason_accepting_does_not(org_a):
    node = make_node(org_a, country="IR")
    threat = node.lane.assessment.threats.get(category="terrorism")
    owner = owner_of(org_a)
    with pytest.raises(ValidationFailed, match="suggests High"):
        services.rate_threat(org_a, owner, threat, rating="Low")
    services.rate_threat(org_a, owner, threat, rating="High")
    assert threat.rating == "High" and not threat.is_override
    services.rate_threat(org_a, owner, threat, rating="Medium", override_reason="Port only.")
    assert threat.is_override and threat.override_reason == "Port only."
    assert AuditEntry.objects.for_org(org_a).filter(object_type="risk.countrythreat").count() == 2


def test_site_vulnerability_is_suggested_from_the_security_profile(org_a):
    owner = owner_of(org_a)
    site = make_site(org_a, name="Newark DC")
    profile = make_profile(org_a, site=site)
    for answer in profile.answers.filter(criterion__category=6):
        profile_services.update_answer(org_a, owner, answer, status="meets")
    node = make_node(org_a, node_type="warehouse", country="US", site=site)
    seals = node.vulnerabilities.get(category=6)
    assert seals.suggested_rating == "Low" and "criteria met" in seals.basis
    assert node.vulnerabilities.get(category=4).suggested_rating == "High"


def test_risks_are_threat_times_vulnerability_and_ranked(org_a):
    lane = make_lane(org_a)
    risky = make_node(org_a, lane, country="IR", name="Risky supplier")
    safe = make_node(
        org_a, lane, country="CA", name="Safe carrier", node_type="carrier_leg", mode="sea"
    )
    assessment = lane.assessment
    owner = owner_of(org_a)
    services.accept_suggestions(org_a, owner, assessment)
    for threat in assessment.threats.filter(rating=""):
        services.rate_threat(org_a, owner, threat, rating="Low")
    for vuln in assessment.vulnerabilities.all():
        services.rate_vulnerability(
            org_a, owner, vuln, rating="High" if vuln.node == risky else "Low"
        )
    scored = services.risks(assessment)
    assert scored[0].node == risky and scored[0].score == 9 and scored[0].band == "High"
    assert scored[-1].node == safe and scored[-1].score == 1 and scored[-1].band == "Low"
    lane_map = services.lane_heatmap(assessment, scored)
    assert lane_map.rows[0][1][4] == "High"  # category 5 column
    countries = services.country_heatmap(assessment)
    assert [label[:2] for label, _ in countries.rows] == ["CA", "IR"]


def test_impact_and_a_custom_matrix_change_the_scores(org_a):
    owner = owner_of(org_a)
    with pytest.raises(ValidationFailed, match="Thresholds"):
        services.update_matrix(org_a, owner, high_from=20)
    services.update_matrix(org_a, owner, use_impact=True, medium_from=8, high_from=18)
    node = make_node(org_a, country="IR", impact="High")
    rate_everything(org_a, node.lane.assessment, "High")
    top = services.risks(node.lane.assessment)[0]
    assert top.score == 27 and top.impact == "High"


def test_sign_off_needs_every_rating_and_an_owner_then_freezes(org_a):
    node = make_node(org_a, country="MX")
    assessment = node.lane.assessment
    owner = owner_of(org_a)
    with pytest.raises(Conflict, match="still to decide"):
        services.sign_off(org_a, owner, assessment, Role.OWNER)
    rate_everything(org_a, assessment)
    contributor = add_member(org_a, Role.CONTRIBUTOR).user
    with pytest.raises(PermissionDenied):
        services.sign_off(org_a, contributor, assessment, Role.CONTRIBUTOR)
    services.sign_off(org_a, owner, assessment, Role.OWNER)
    assert assessment.is_frozen and assessment.matrix["high_from"] == 6
    for change in (
        lambda: services.create_lane(org_a, owner, assessment, name="Late lane"),
        lambda: services.update_node(org_a, owner, node, name="Renamed"),
        lambda: services.rate_threat(
            org_a, owner, assessment.threats.first(), rating="Low", override_reason="x"
        ),
        lambda: services.update_assessment(org_a, owner, assessment, scope="changed"),
    ):
        with pytest.raises(Conflict, match="read-only"):
            change()
    # the matrix it was scored with stays, even when the organisation's changes
    services.update_matrix(org_a, owner, medium_from=2, high_from=4)
    assert services.matrix_of(assessment).high_from == 6
    # its action plan can still be worked
    action = services.create_action(org_a, owner, assessment, title="Visit the supplier")
    services.update_action(org_a, owner, action, status=ActionStatus.DONE, completion_note="Done")
    assert action.completed_at is not None


def test_copy_forward_marks_every_rating_for_reconfirmation(org_a):
    node = make_node(org_a, country="MX")
    assessment = node.lane.assessment
    owner = owner_of(org_a)
    rate_everything(org_a, assessment)
    services.sign_off(org_a, owner, assessment, Role.OWNER)
    new = services.copy_forward(org_a, owner, assessment, title="Risk assessment 2027")
    assert new.previous == assessment and not new.is_frozen
    assert new.lanes.get().nodes.count() == 1
    assert new.threats.count() == assessment.threats.count()
    assert all(t.needs_reconfirmation and t.rating for t in new.threats.all())
    assert all(v.needs_reconfirmation for v in new.vulnerabilities.all())
    state = services.readiness(new)
    assert state.threats_open == new.threats.count() and not state.ready
    rate_everything(org_a, new)
    assert services.readiness(new).ready
    assert assessment.threats.filter(needs_reconfirmation=True).count() == 0


def test_lane_csv_import_all_or_nothing(org_a):
    assessment = make_assessment(org_a)
    make_site(org_a, name="Newark DC")
    good = (
        "lane,position,node_type,mode,name,country,activities,site,impact\n"
        "Asia sea,1,supplier,,Bright Toys,CN,stuffing;sealing,,High\n"
        "Asia sea,2,carrier_leg,sea,Star Line,CN,transport,,\n"
        "Asia sea,3,warehouse,,Newark DC,US,storage,Newark DC,\n"
        "Mexico road,,manufacturer,,Acme MX,MX,stuffing,,\n"
    )
    result = services.import_lanes_csv(org_a, owner_of(org_a), assessment, upload(good))
    assert result == {"lanes_created": 2, "nodes_created": 4}
    asia = assessment.lanes.get(name="Asia sea")
    assert [n.name for n in asia.nodes.all()] == ["Bright Toys", "Star Line", "Newark DC"]
    assert asia.nodes.get(position=3).site.name == "Newark DC"
    bad = (
        "lane,position,node_type,mode,name,country,activities\n"
        "Europe,1,supplier,,Ok GmbH,DE,stuffing\n"
        "Europe,2,carrier_leg,,No mode,DE,transport\n"
        "Europe,x,supplier,,Bad pos,DE,\n"
        "Europe,3,supplier,,Bad country,QQ,\n"
        "Europe,4,spaceport,,Bad type,DE,\n"
        "Europe,5,supplier,,Bad activity,DE,juggling\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.import_lanes_csv(org_a, owner_of(org_a), assessment, upload(bad))
    rows = refused.value.field_errors["rows"]
    assert [r.split(":")[0] for r in rows] == ["Row 3", "Row 4", "Row 5", "Row 6", "Row 7"]
    assert not assessment.lanes.filter(name="Europe").exists()
    with pytest.raises(ValidationFailed, match="missing columns"):
        services.import_lanes_csv(org_a, owner_of(org_a), assessment, upload("lane,name\nA,B\n"))


def test_overdue_actions(org_a):
    assessment, due = make_assessment(org_a), datetime.date(2020, 1, 1)
    late = make_action(org_a, assessment, title="Late", due_date=due, owner=owner_of(org_a))
    make_action(org_a, assessment, title="Closed", due_date=due, status=ActionStatus.DONE)
    assert list(services.overdue_actions(org_a)) == [late]


def test_due_and_overdue_actions_are_reminded(org_a):
    from django.core import mail

    from openctpat.profiles.reminders import send_reminders

    make_action(org_a, title="Fix seals", due_date=datetime.date(2026, 11, 1))
    assert send_reminders(datetime.date(2026, 11, 23)) == 1
    body = mail.outbox[0].body
    assert "'Fix seals'" in body and "overdue since 2026-11-01" in body
    assert send_reminders(datetime.date(2026, 11, 23)) == 0
