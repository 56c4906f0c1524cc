import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.core.models import ActionStatus
from openctpat.core.permissions import Role
from openctpat.inspections.models import Incident
from openctpat.testing import add_member
from openctpat.testing.inspections import (
    make_corrective_action,
    make_incident,
    make_inspection,
    make_seal,
    notify,
)
from openctpat.testing.partners import make_partner
from openctpat.testing.profiles import make_site
from openctpat.testing.resources import form_data
from openctpat.testing.risk import make_assessment

pytestmark = pytest.mark.django_db


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _new(**extra):
    return {
        "incident_type": "tampering",
        "title": "Door hinge bolts replaced",
        "occurred_at": _local(timezone.now() - datetime.timedelta(hours=1)),
        "severity": "high",
        "description": "Rivets on the right door hinge do not match.",
        **extra,
    }


def test_pages_render_for_owner_and_viewer(org_a, login):
    """Who opens the list, detail, new and edit pages: the kit's test_pages_by_role."""
    incident = make_incident(org_a)
    make_corrective_action(org_a)
    owner, viewer = login(org_a), login(org_a, Role.VIEWER)
    filtered = "/inspections/incidents/?status=not_closed&incident_type=tampering&cbp=overdue"
    assert owner.get(filtered).status_code == 200 and viewer.get(filtered).status_code == 200
    page = viewer.get(f"/inspections/incidents/{incident.pk}/").content.decode()
    assert incident.title in page and "Record a notification" not in page
    assert "Close with sign-off</button>" not in page
    assert "Report an incident" not in viewer.get("/inspections/incidents/").content.decode()
    partial = owner.get(
        "/inspections/incidents/", {"status": "open"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in partial.content and incident.title.encode() in partial.content


def test_viewer_posts_are_refused(org_a, login):
    action = make_corrective_action(org_a)
    incident = action.incident
    client = login(org_a, Role.VIEWER)
    base = f"/inspections/incidents/{incident.pk}/"
    for url in (  # the edit page: the kit's test_page_edit_by_role
        "/inspections/incidents/new/",
        base + "notifications/",
        base + "files/",
        base + "actions/",
        base + "close/",
        f"/inspections/incidents/actions/{action.pk}/",
    ):
        assert client.post(url, {"title": "x"}).status_code == 403, url


def test_new_incident_sets_the_cbp_deadline(org_a, login, django_capture_on_commit_callbacks):
    site = make_site(org_a)
    client = login(org_a)
    form = client.get("/inspections/incidents/new/").content.decode()
    assert "A deadline of <strong>24 hours</strong>" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inspections/incidents/new/", _new(site=site.pk))
    incident = Incident.objects.for_org(org_a).get()
    assert response.status_code == 302
    assert incident.cbp_reportable and incident.site == site
    assert incident.cbp_report_due_at == incident.occurred_at + datetime.timedelta(hours=24)
    assert mail.outbox and "Security incident" in mail.outbox[0].subject
    page = client.get(response.url).content.decode()
    assert "Report to CBP by" in page


def test_overdue_badge_in_the_register(org_a, login):
    late = make_incident(
        org_a,
        incident_type="contraband",
        title="Packages in the floor",
        occurred_at=timezone.now() - datetime.timedelta(days=3),
    )
    make_incident(org_a, title="Drone over the yard")
    client = login(org_a)
    page = client.get("/inspections/incidents/").content.decode()
    assert "overdue</span>" in page and "not reportable" in page
    overdue = client.get("/inspections/incidents/?cbp=overdue").content.decode()
    assert late.title in overdue and "Drone over the yard" not in overdue
    detail = client.get(f"/inspections/incidents/{late.pk}/").content.decode()
    assert "CBP report overdue" in detail


def test_new_from_an_inspection_and_a_seal(org_a, login):
    partner = make_partner(org_a)
    inspection = make_inspection(org_a, partner=partner)
    seal = make_seal(org_a)
    client = login(org_a)
    form = client.get(f"/inspections/incidents/new/?inspection={inspection.pk}&seal={seal.pk}")
    page = form.content.decode()
    assert form.status_code == 200
    assert f'value="{inspection.shipment_reference}"' in page and f'value="{seal.number}"' in page
    assert f'<option value="{partner.pk}" selected>' in page
    assert f'<option value="{inspection.site_id}" selected>' in page
    assert f'<option value="{inspection.pk}" selected>' in page
    response = client.post(
        "/inspections/incidents/new/",
        _new(
            inspection=inspection.pk,
            seal_number=seal.number,
            partner=partner.pk,
            site=inspection.site_id,
            shipment_reference=inspection.shipment_reference,
        ),
    )
    incident = Incident.objects.for_org(org_a).get()
    assert response.status_code == 302
    assert (incident.inspection, incident.seal, incident.partner) == (inspection, seal, partner)
    unknown = client.post("/inspections/incidents/new/", _new(seal_number="NOPE1"))
    assert unknown.status_code == 200 and b"No seal numbered" in unknown.content


def test_new_with_bad_or_foreign_ids(org_a, org_b, login):
    client = login(org_a)
    foreign = make_inspection(org_b)
    assert client.get(f"/inspections/incidents/new/?inspection={foreign.pk}").status_code == 404
    assert client.get("/inspections/incidents/new/?inspection=abc").status_code == 404
    assert client.get("/inspections/incidents/new/?seal=99999999").status_code == 404
    for bad in (
        {"occurred_at": "2024-13-45T99:99"},
        {"occurred_at": _local(timezone.now() + datetime.timedelta(days=2))},
        {"inspection": foreign.pk},
        {"partner": make_partner(org_b).pk},
        {"incident_type": "alien"},
        {"title": ""},
    ):
        response = client.post("/inspections/incidents/new/", _new(**bad))
        assert response.status_code == 200 and b"status-bad" in response.content, bad
    assert not Incident.objects.for_org(org_a).exists()
    assert client.get("/inspections/incidents/999999999/").status_code == 404


def test_investigation_notifications_actions_and_close(org_a, login):
    assessment = make_assessment(org_a)
    member = add_member(org_a, Role.CONTRIBUTOR).user
    incident = make_incident(
        org_a, incident_type="seal_discrepancy", title="Seal number differs", severity="high"
    )
    client = login(org_a)
    base = f"/inspections/incidents/{incident.pk}/"
    # Investigation notes move it to "investigating".
    form = client.get(base + "edit/").context["form"]
    notes = form_data(form, investigation_notes="Driver interviewed; CCTV requested.")
    response = client.post(base + "edit/", notes)
    incident.refresh_from_db()
    assert response.status_code == 302 and incident.status == "investigating"
    # A corrective action that also goes on the risk action plan.
    client.post(
        base + "actions/",
        {
            "title": "Retrain drivers on seal checks",
            "owner": member.pk,
            "due_date": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
            "on_risk_plan": "on",
        },
    )
    action = incident.actions.get()
    assert action.risk_action.assessment == assessment and action.owner == member
    page = client.get(base).content.decode()
    assert "On the risk action plan" in page and "Retrain drivers" in page
    # Closing is refused until CBP is told.
    close = {"root_cause": "Seal swapped at a rest stop.", "closure_note": "Carrier warned."}
    refused = client.post(base + "close/", close)
    assert refused.status_code == 200
    assert "must be reported to CBP before it is closed" in refused.content.decode()
    response = client.post(
        base + "notifications/",
        {
            "party": "cbp",
            "contact": "Port of Laredo, CBP duty officer",
            "notified_at": _local(timezone.now()),
            "method": "phone",
            "reference": "LRD-2024-17",
        },
    )
    incident.refresh_from_db()
    assert response.status_code == 302 and incident.cbp_reported_at
    assert incident.cbp_report_reference == "LRD-2024-17"
    page = client.get(base).content.decode()
    assert "Reported to CBP at" in page and "LRD-2024-17" in page
    still_open = client.post(base + "close/", close)
    assert "corrective action(s) are still open" in still_open.content.decode()
    done = client.post(
        f"/inspections/incidents/actions/{action.pk}/",
        {f"a{action.pk}-status": "done", f"a{action.pk}-completion_note": "All trained."},
    )
    action.refresh_from_db()
    action.risk_action.refresh_from_db()
    assert done.status_code == 302 and action.status == ActionStatus.DONE
    assert action.risk_action.status == ActionStatus.DONE
    closed = client.post(base + "close/", close)
    incident.refresh_from_db()
    assert closed.status_code == 302 and incident.is_closed
    assert incident.root_cause == close["root_cause"] and incident.closed_by == client.user
    page = client.get(base).content.decode()
    assert "Carrier warned." in page and "Record a notification" not in page
    # Nothing changes after closing.
    late = client.post(
        f"/inspections/incidents/actions/{action.pk}/", {f"a{action.pk}-status": "open"}
    )
    action.refresh_from_db()
    assert late.status_code == 200 and action.status == ActionStatus.DONE
    assert b"closed" in late.content


def test_corrective_action_without_a_risk_assessment_is_a_form_error(org_a, login):
    incident = make_incident(org_a)
    client = login(org_a)
    response = client.post(
        f"/inspections/incidents/{incident.pk}/actions/", {"title": "Fix", "on_risk_plan": "on"}
    )
    assert response.status_code == 200 and b"no risk assessment yet" in response.content
    assert not incident.actions.exists()
    bad = client.post(
        f"/inspections/incidents/{incident.pk}/actions/", {"title": "Fix", "due_date": "2024-02-30"}
    )
    assert bad.status_code == 200 and not incident.actions.exists()


def test_only_owners_close(org_a, login):
    incident = make_incident(org_a)
    client = login(org_a, Role.CONTRIBUTOR)
    page = client.get(f"/inspections/incidents/{incident.pk}/").content.decode()
    assert "Close with sign-off</button>" not in page
    response = client.post(
        f"/inspections/incidents/{incident.pk}/close/",
        {"root_cause": "Fence gap", "closure_note": "Repaired"},
    )
    incident.refresh_from_db()
    assert response.status_code == 403 and not incident.is_closed
    assert (
        "Close with sign-off</button>"
        in login(org_a).get(f"/inspections/incidents/{incident.pk}/").content.decode()
    )


def test_files_are_attached(org_a, login):
    incident = make_incident(org_a)
    client = login(org_a)
    files = [
        SimpleUploadedFile("photo1.pdf", b"%PDF-1.4\n%photo one\n%%EOF\n"),
        SimpleUploadedFile("photo2.pdf", b"%PDF-1.4\n%photo two\n%%EOF\n"),
    ]
    response = client.post(f"/inspections/incidents/{incident.pk}/files/", {"files": files})
    assert response.status_code == 302 and incident.files.count() == 2
    page = client.get(f"/inspections/incidents/{incident.pk}/").content.decode()
    assert "photo1.pdf" in page and "photo2.pdf" in page
    empty = client.post(f"/inspections/incidents/{incident.pk}/files/", {})
    assert empty.status_code == 200 and b"Choose one or more files." in empty.content
    again = client.post(
        f"/inspections/incidents/{incident.pk}/files/",
        {"files": [SimpleUploadedFile("copy.pdf", b"%PDF-1.4\n%photo one\n%%EOF\n")]},
    )
    assert again.status_code == 200 and b"already in the evidence library" in again.content
    assert incident.files.count() == 2


def test_notification_bad_input(org_a, login):
    incident = make_incident(org_a)
    client = login(org_a)
    now = _local(timezone.now())
    for bad in (
        {"party": "martians"},
        {"notified_at": "yesterday"},
        {"notified_at": _local(timezone.now() + datetime.timedelta(days=1))},
        {"contact": ""},
    ):
        data = {"party": "scss", "contact": "SCSS", "notified_at": now, "method": "email", **bad}
        response = client.post(f"/inspections/incidents/{incident.pk}/notifications/", data)
        assert response.status_code == 200 and b"status-bad" in response.content, bad
    assert not incident.notifications.exists()
    notify(org_a, incident, party="scss", contact="X", method="email")
    assert client.get(f"/inspections/incidents/{incident.pk}/").status_code == 200
