import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openctpat.core.permissions import Role
from openctpat.inspections import services
from openctpat.inspections.models import Incident, IncidentStatus
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing.api import ApiClient, APIResourceTests, session_api
from openctpat.testing.inspections import (
    make_applied_seal,
    make_batch,
    make_incident,
    make_inspection,
    make_seal,
    make_seal_audit,
    make_template,
    vvtt_body,
)
from openctpat.testing.profiles import make_site

pytestmark = pytest.mark.django_db
API = "/api/v1"


def multipart(token, path, data):
    return Client().post(path, data, headers={"Authorization": f"Bearer {token}"})


def owner_api(org):
    return ApiClient(token_for(org, Role.OWNER))


# -- the resources, with the shared list/read/role/tenancy tests -----------------------------


class TestSealsAPI(APIResourceTests):
    path = f"{API}/seals"

    def make_object(self, org):
        return make_seal(org)


# -- checklists and inspections --------------------------------------------------------------
def test_checklist_points_and_copy(org_a):
    client = owner_api(org_a)
    made = client.post(
        f"{API}/checklists", {"name": "ULD", "conveyance_type": "uld", "description": "Air"}
    )
    assert made.status_code == 201, made.content
    checklist = made.json()
    assert checklist["points"] == [] and checklist["point_count"] == 0
    point = client.post(f"{API}/checklists/{checklist['id']}/points", {"title": "Floor"})
    assert point.status_code == 201 and point.json()["position"] == 1
    second = client.post(f"{API}/checklists/{checklist['id']}/points", {"title": "Walls"}).json()
    assert client.delete(f"{API}/checklist-points/{second['id']}").status_code == 204
    last = client.delete(f"{API}/checklist-points/{point.json()['id']}")
    assert last.status_code == 409
    patched = client.patch(f"{API}/checklist-points/{point.json()['id']}", {"guidance": "Look"})
    assert patched.json()["guidance"] == "Look"
    copy = client.post(
        f"{API}/checklists",
        {"name": "ULD 2", "conveyance_type": "uld", "copy_from_id": checklist["id"]},
    ).json()
    assert [p["title"] for p in copy["points"]] == ["Floor"]
    clash = client.post(f"{API}/checklists", {"name": "ULD", "conveyance_type": "uld"})
    assert clash.status_code == 409 and clash.json()["error"]["fields"] == {
        "name": ["This name is taken."]
    }


def test_inspect_and_complete_with_a_seal(org_a):
    client = owner_api(org_a)
    seal = make_seal(org_a)
    made = client.post(
        f"{API}/inspections",
        {
            "checklist_id": make_template(org_a).pk,
            "site_id": make_site(org_a).pk,
            "container_number": "MSKU9070323",
        },
    )
    assert made.status_code == 201, made.content
    inspection = made.json()
    assert len(inspection["points"]) >= 7 and inspection["status"] == "in_progress"
    first = inspection["points"][0]
    refused = client.patch(f"{API}/inspection-points/{first['id']}", {"result": "fail"})
    assert refused.status_code == 422 and "note" in refused.json()["error"]["fields"]
    ok = client.patch(f"{API}/inspection-points/{first['id']}", {"result": "na"})
    assert ok.status_code == 200 and ok.json()["result"] == "na"
    early = client.post(
        f"{API}/inspections/{inspection['id']}/complete", {"signature_name": "Ines"}
    )
    assert early.status_code == 422 and "points" in early.json()["error"]["fields"]
    passed = client.post(f"{API}/inspections/{inspection['id']}/pass-remaining").json()
    assert passed["passed"] == len(inspection["points"]) - 1
    unknown = client.post(
        f"{API}/inspections/{inspection['id']}/complete",
        {"signature_name": "Ines", "seal_numbers": ["NOPE-1"]},
    )
    assert unknown.status_code == 422 and "seal_numbers" in unknown.json()["error"]["fields"]
    done = client.post(
        f"{API}/inspections/{inspection['id']}/complete",
        {"signature_name": "Ines Inspector", "seal_numbers": [seal.number]},
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "completed" and body["result"] == "pass"
    assert body["seal_numbers"] == [seal.number] and body["signed_at"]
    sealed = client.get(f"{API}/seals/{seal.pk}").json()
    assert sealed["state"] == "applied" and sealed["inspection_id"] == inspection["id"]
    assert [m["event"] for m in sealed["movements"]] == ["issue", "apply"]
    locked = client.patch(f"{API}/inspections/{inspection['id']}", {"notes": "late"})
    assert locked.status_code == 409
    assert client.delete(f"{API}/inspections/{inspection['id']}").status_code == 409


def test_inspection_filters(org_a):
    client = owner_api(org_a)
    site = make_site(org_a)
    mine = make_inspection(org_a, site=site, container_number="TGHU1234567")
    make_inspection(org_a, container_number="MAEU1234567")
    by_site = client.get(f"{API}/inspections", site_id=site.pk).json()
    assert [i["id"] for i in by_site["items"]] == [mine.pk]
    by_number = client.get(f"{API}/inspections", q="tghu").json()
    assert [i["id"] for i in by_number["items"]] == [mine.pk]
    today = timezone.localdate()
    assert client.get(f"{API}/inspections", date_from=today.isoformat()).json()["count"] == 2
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert client.get(f"{API}/inspections", date_from=tomorrow).json()["count"] == 0
    assert client.get(f"{API}/inspections", status="completed").json()["count"] == 0
    assert client.get(f"{API}/inspections", date_from="0").status_code == 422


def test_inspection_datetimes_must_be_iso_with_offset(org_a):
    client = owner_api(org_a)
    base = {
        "checklist_id": make_template(org_a).pk,
        "site_id": make_site(org_a).pk,
        "container_number": "CSQU3054383",
    }
    for bad in (0, "2026-01-01", "2026-01-01T10:00:00", "0001-01-01T00:00:00+01:00"):
        response = client.post(f"{API}/inspections", {**base, "inspected_at": bad})
        assert response.status_code == 422, (bad, response.content)
    future = client.post(f"{API}/inspections", {**base, "inspected_at": "2999-01-01T00:00:00Z"})
    assert future.status_code == 422
    assert "inspected_at" in future.json()["error"]["fields"]
    when = "2026-01-01T10:00:00+02:00"
    made = client.post(f"{API}/inspections", {**base, "inspected_at": when})
    assert made.status_code == 201, made.content


def test_point_photo(org_a):
    token = token_for(org_a, Role.OWNER)
    point = make_inspection(org_a).points.first()
    photo = SimpleUploadedFile("door.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    response = multipart(
        token,
        f"{API}/inspection-points/{point.pk}/photo",
        {"file": photo, "result": "fail", "note": "Fresh welds on the door"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["photo_id"] and response.json()["result"] == "fail"
    again = SimpleUploadedFile("door.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    retry = multipart(token, f"{API}/inspection-points/{point.pk}/photo", {"file": again})
    assert retry.status_code == 200 and retry.json()["photo_id"] == response.json()["photo_id"]


# -- seals -----------------------------------------------------------------------------------
def test_applying_a_used_or_voided_seal_is_409(org_a):
    client = owner_api(org_a)
    used = make_applied_seal(org_a)
    inspection = make_inspection(org_a)
    client.post(f"{API}/inspections/{inspection.pk}/pass-remaining")
    response = client.post(
        f"{API}/inspections/{inspection.pk}/complete",
        {"signature_name": "Ines", "seal_numbers": [used.number]},
    )
    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert used.number in message and "already used" in message
    voided = make_seal(org_a)
    no_reason = client.post(f"{API}/seals/{voided.pk}/events", {"event": "void"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["fields"]
    void = client.post(
        f"{API}/seals/{voided.pk}/events", {"event": "void", "reason": "Bent while fitting"}
    )
    assert void.status_code == 200 and void.json()["state"] == "voided"
    response = client.post(
        f"{API}/inspections/{inspection.pk}/complete",
        {"signature_name": "Ines", "seal_numbers": [voided.number]},
    )
    assert response.status_code == 409
    assert "voided" in response.json()["error"]["message"]
    assert "Bent while fitting" in response.json()["error"]["message"]
    assert client.get(f"{API}/inspections/{inspection.pk}").json()["status"] == "in_progress"


def test_seal_events_and_filters(org_a):
    client = owner_api(org_a)
    batch = make_batch(org_a, size=3)
    first, second, _third = batch.seals.all()
    contributor = ApiClient(token_for(org_a, Role.CONTRIBUTOR))
    refused = contributor.post(f"{API}/seals/{first.pk}/events", {"event": "issue"})
    assert refused.status_code == 403 and "MSC 6.1" in refused.json()["error"]["message"]
    issued = client.post(f"{API}/seals/{first.pk}/events", {"event": "issue"})
    assert issued.status_code == 200 and issued.json()["issued_to"] == owner_of(org_a).email
    twice = client.post(f"{API}/seals/{first.pk}/events", {"event": "issue"})
    assert twice.status_code == 409
    back = client.post(f"{API}/seals/{first.pk}/events", {"event": "return", "note": "unused"})
    assert back.json()["state"] == "in_stock" and back.json()["issued_to"] is None
    lost = client.post(f"{API}/seals/{second.pk}/events", {"event": "lose", "note": "Dropped"})
    assert lost.json()["state"] == "lost" and lost.json()["reason"] == "Dropped"
    listed = client.get(f"{API}/seals", state="lost").json()
    assert [s["number"] for s in listed["items"]] == [second.number]
    assert client.get(f"{API}/seals", batch_id=batch.pk).json()["count"] == 3
    assert client.get(f"{API}/seals", number=first.number[-3:]).json()["count"] >= 1
    bad = client.post(f"{API}/seals/{first.pk}/events", {"event": "apply"})
    assert bad.status_code == 422


def test_vvtt_mismatch_opens_an_incident(org_a):
    client = owner_api(org_a)
    seal = make_applied_seal(org_a)
    site = make_site(org_a)
    response = client.post(f"{API}/seal-verifications", vvtt_body(site, seal, "TB999999"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verification"]["passed"] is False
    assert body["verification"]["number_matches"] is False
    incident = client.get(f"{API}/incidents/{body['incident_id']}").json()
    assert incident["incident_type"] == "seal_discrepancy" and incident["seal_id"] == seal.pk
    assert incident["cbp_reportable"] and incident["cbp_report_due_at"]
    detail = client.get(f"{API}/seals/{seal.pk}").json()
    assert detail["state"] == "verified" and len(detail["verifications"]) == 1
    again = client.post(f"{API}/seal-verifications", vvtt_body(site, seal, view_ok="yes"))
    assert again.status_code == 422


def test_vvtt_pass_opens_no_incident(org_a):
    client = owner_api(org_a)
    seal = make_applied_seal(org_a)
    body = vvtt_body(make_site(org_a), seal, seal.number.lower())
    response = client.post(f"{API}/seal-verifications", body)
    assert response.status_code == 201, response.content
    assert response.json()["incident_id"] is None
    assert response.json()["verification"]["passed"] is True


def test_reconciliation(org_a):
    client = owner_api(org_a)
    batch = make_batch(org_a, size=5)
    seals = list(batch.seals.all())
    client.post(f"{API}/seals/{seals[2].pk}/events", {"event": "lose", "reason": "Gone"})
    client.post(f"{API}/seals/{seals[4].pk}/events", {"event": "issue"})
    report = client.get(f"{API}/seals/reconciliation")
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["clean"] is False
    assert body["counts"] == {"in_stock": 3, "issued": 1, "lost": 1}
    assert body["unaccounted"] == [{"number": seals[2].number, "why": "reported lost"}]
    assert [(g["first"], g["last"], g["count"]) for g in body["gaps"]] == [
        (seals[0].number, seals[1].number, 2),
        (seals[3].number, seals[3].number, 1),
    ]
    assert body["issued_unapplied"] == [] and body["issued_unapplied_days"] == 7
    assert client.get(f"{API}/seals/reconciliation", days=0).status_code == 422
    assert client.get(f"{API}/seals/reconciliation", days=30).json()["issued_unapplied_days"] == 30


def test_seal_batch_detail_counts_and_overlap(org_a):
    client = owner_api(org_a)
    batch = make_batch(org_a, first=1000, size=4)
    detail = client.get(f"{API}/seal-batches/{batch.pk}").json()
    assert detail["state_counts"] == {"in_stock": 4} and detail["size"] == 4
    base = {"manufacturer": "X", "received_on": "2026-01-01", "storage_location": "Safe"}

    def receive(first, last, **extra):
        return client.post(
            f"{API}/seal-batches", {**base, "first_number": first, "last_number": last, **extra}
        )

    assert receive(1002, 1010, prefix="TB").status_code == 409  # overlaps the batch
    backwards = receive(10, 1)
    assert backwards.status_code == 422 and "last_number" in backwards.json()["error"]["fields"]
    assert receive("1", 2).status_code == 422


def test_seal_audit_sign_off_is_for_owners(org_a):
    make_batch(org_a, size=3)
    client = owner_api(org_a)
    made = client.post(
        f"{API}/seal-audits",
        {"audited_on": timezone.localdate().isoformat(), "counted_numbers": ["NOT-OURS"]},
    )
    assert made.status_code == 201, made.content
    audit = made.json()
    assert audit["expected_in_stock"] == 3 and len(audit["missing"]) == 3
    assert audit["unexpected"] == ["NOT-OURS"] and audit["signed_off_at"] is None
    contributor = ApiClient(token_for(org_a, Role.CONTRIBUTOR))
    refused = contributor.post(f"{API}/seal-audits/{audit['id']}/sign-off", {})
    assert refused.status_code == 403
    assert "owner" in refused.json()["error"]["message"]
    viewer = ApiClient(token_for(org_a, Role.VIEWER))
    assert viewer.post(f"{API}/seal-audits/{audit['id']}/sign-off", {}).status_code == 403
    signed = client.post(f"{API}/seal-audits/{audit['id']}/sign-off", {"note": "Counted twice"})
    assert signed.status_code == 200, signed.content
    assert signed.json()["signed_off_by"] == owner_of(org_a).email
    assert "Counted twice" in signed.json()["notes"]
    assert client.post(f"{API}/seal-audits/{audit['id']}/sign-off", {}).status_code == 409
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    late = client.post(f"{API}/seal-audits", {"audited_on": future, "counted_numbers": []})
    assert late.status_code == 422


# -- incidents -------------------------------------------------------------------------------
def test_incident_cannot_close_before_cbp_is_told(org_a):
    client = owner_api(org_a)
    made = client.post(
        f"{API}/incidents",
        {
            "title": "Broken seal at the border",
            "incident_type": "tampering",
            "description": "Seal cut and replaced.",
            "occurred_at": "2026-01-01T08:00:00Z",
        },
    )
    assert made.status_code == 201, made.content
    incident = made.json()
    assert incident["cbp_reportable"] and incident["cbp_overdue"]
    overdue = client.get(f"{API}/incidents", cbp_overdue=True).json()
    assert [i["id"] for i in overdue["items"]] == [incident["id"]]
    close = {"root_cause": "Driver stopped off route", "closure_note": "Carrier retrained"}
    contributor = ApiClient(token_for(org_a, Role.CONTRIBUTOR))
    assert contributor.post(f"{API}/incidents/{incident['id']}/close", close).status_code == 403
    refused = client.post(f"{API}/incidents/{incident['id']}/close", close)
    assert refused.status_code == 409
    assert "CBP" in refused.json()["error"]["message"]
    action = client.post(
        f"{API}/incidents/{incident['id']}/actions", {"title": "Retrain the carrier"}
    ).json()
    told = client.post(
        f"{API}/incidents/{incident['id']}/notifications",
        {"party": "cbp", "contact": "Port of Laredo", "method": "phone", "reference": "R-1"},
    )
    assert told.status_code == 201, told.content
    still_open = client.post(f"{API}/incidents/{incident['id']}/close", close)
    assert still_open.status_code == 409 and "corrective" in still_open.json()["error"]["message"]
    done = client.patch(f"{API}/corrective-actions/{action['id']}", {"status": "done"})
    assert done.status_code == 200 and done.json()["completed_at"]
    closed = client.post(f"{API}/incidents/{incident['id']}/close", close)
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["status"] == "closed" and body["cbp_report_reference"] == "R-1"
    assert body["closed_by"] == owner_of(org_a).email and not body["cbp_overdue"]
    assert [n["party"] for n in body["notifications"]] == ["cbp"]
    assert client.patch(f"{API}/incidents/{incident['id']}", {"severity": "low"}).status_code == 409


def test_incident_actions_on_the_risk_plan_and_files(org_a):
    from openctpat.testing.risk import make_assessment

    client = owner_api(org_a)
    incident = make_incident(org_a)
    no_plan = client.post(
        f"{API}/incidents/{incident.pk}/actions", {"title": "Lights", "on_risk_plan": True}
    )
    assert no_plan.status_code == 422 and "on_risk_plan" in no_plan.json()["error"]["fields"]
    make_assessment(org_a)
    made = client.post(
        f"{API}/incidents/{incident.pk}/actions", {"title": "Lights", "on_risk_plan": True}
    )
    assert made.status_code == 201 and made.json()["risk_action_id"]
    assert client.get(f"{API}/incidents/{incident.pk}").json()["status"] == "investigating"
    token = token_for(org_a, Role.OWNER)
    upload = SimpleUploadedFile("fence.pdf", b"%PDF-1.4\n%fence\n", content_type="application/pdf")
    attached = multipart(token, f"{API}/incidents/{incident.pk}/files", {"file": upload})
    assert attached.status_code == 201, attached.content
    assert len(attached.json()["file_ids"]) == 1


def test_incident_patch_clears_links_and_filters(org_a):
    client = owner_api(org_a)
    site = make_site(org_a)
    incident = make_incident(org_a, site=site)
    cleared = client.patch(f"{API}/incidents/{incident.pk}", {"site_id": None})
    assert cleared.status_code == 200 and cleared.json()["site_id"] is None
    typed = client.patch(f"{API}/incidents/{incident.pk}", {"incident_type": "contraband"})
    assert typed.json()["cbp_reportable"] is True
    assert client.get(f"{API}/incidents", incident_type="contraband").json()["count"] == 1
    assert client.get(f"{API}/incidents", status="closed").json()["count"] == 0
    other_site = make_site(make_org())
    foreign = client.patch(f"{API}/incidents/{incident.pk}", {"site_id": other_site.pk})
    assert foreign.status_code == 404


def test_settings(org_a):
    client = session_api(org_a)
    assert client.get(f"{API}/inspection-settings").json()["cbp_report_hours"] == 24
    changed = client.patch(f"{API}/inspection-settings", {"cbp_report_hours": 12})
    assert changed.status_code == 200 and changed.json()["cbp_report_hours"] == 12
    assert client.patch(f"{API}/inspection-settings", {"cbp_report_hours": 0}).status_code == 422


# -- tenancy ---------------------------------------------------------------------------------
def test_other_organisations_objects_are_404(org_a, org_b):
    seal = make_applied_seal(org_a)
    inspection = seal.inspection
    point = inspection.points.first()
    incident = make_incident(org_a)
    audit = make_seal_audit(org_a)
    template = make_template(org_a, name="Alpha only")
    b = owner_api(org_b)
    site_b = make_site(org_b)
    # Reading the declared resources' objects: the kit's test_api_of_another_organisation_is_404.
    assert b.patch(f"{API}/inspection-points/{point.pk}", {"result": "pass"}).status_code == 404
    assert (
        b.post(f"{API}/seals/{seal.pk}/events", {"event": "lose", "reason": "x"}).status_code == 404
    )
    assert b.post(f"{API}/seal-audits/{audit.pk}/sign-off", {}).status_code == 404
    close = {"root_cause": "x", "closure_note": "y"}
    assert b.post(f"{API}/incidents/{incident.pk}/close", close).status_code == 404
    # Another organisation's ids in a body are not found either.
    foreign = b.post(
        f"{API}/inspections",
        {"checklist_id": template.pk, "site_id": site_b.pk, "container_number": "CSQU3054383"},
    )
    assert foreign.status_code == 404
    vvtt = b.post(f"{API}/seal-verifications", vvtt_body(site_b, seal))
    assert vvtt.status_code == 422  # no such seal number in B's inventory
    assert b.get(f"{API}/seals", number=seal.number).json()["count"] == 0
    assert Incident.objects.filter(organisation=org_b).count() == 0
    assert services.reconciliation_report(org_b).counts == {}
    assert Incident.objects.get(pk=incident.pk).status == IncidentStatus.OPEN
