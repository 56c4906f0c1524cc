import pytest

from openctpat.inspections import iso6346, services
from openctpat.inspections.models import IncidentType
from openctpat.testing import owner_of
from openctpat.testing.inspections import (
    CONTAINERS,
    make_applied_seal,
    make_batch,
    make_corrective_action,
    make_inspection,
    make_notification,
    make_seal_audit,
)
from openctpat.testing.profiles import make_site

pytestmark = pytest.mark.django_db


def test_smoke(org_a):
    for c in CONTAINERS:
        iso6346.validate(c)
    seal = make_applied_seal(org_a)
    assert seal.state == "applied"
    check, incident = services.verify_seal(
        org_a,
        owner_of(org_a),
        site=make_site(org_a),
        document_seal_number=seal.number,
        found_seal_number="XX1",
        view_ok=True,
        tug_ok=True,
        twist_ok=True,
    )
    assert not check.passed and incident.incident_type == IncidentType.SEAL_DISCREPANCY
    assert incident.cbp_reportable and incident.cbp_report_due_at
    make_notification(org_a)
    make_corrective_action(org_a)
    make_seal_audit(org_a)
    make_inspection(org_a)
    make_batch(org_a)
    report = services.reconciliation_report(org_a)
    assert report.counts
