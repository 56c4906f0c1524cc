import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.core.permissions import Role
from openctpat.inspections import services
from openctpat.inspections.models import Incident, Seal, SealAudit, SealBatch
from openctpat.testing import add_member, owner_of
from openctpat.testing.inspections import (
    make_applied_seal,
    make_batch,
    make_seal_audit,
    vvtt_body,
)
from openctpat.testing.profiles import make_site

pytestmark = pytest.mark.django_db


def _batch_data(**extra):
    return {
        "manufacturer": "TydenBrooks",
        "seal_type": "bolt",
        "iso_class": "H",
        "certificate_reference": "ISO 17712:2013 H 42",
        "prefix": "MX",
        "first_number": "1",
        "last_number": "10",
        "digits": "6",
        "received_on": timezone.localdate().isoformat(),
        "storage_location": "Locked cabinet",
        **extra,
    }


def test_pages_render_for_owner_and_viewer(org_a, login):
    batch = make_batch(org_a, size=5)
    seal = batch.seals.first()
    seal_audit = make_seal_audit(org_a)
    urls = [
        "/inspections/seals/",
        f"/inspections/seals/?state=in_stock&batch={batch.pk}&q={seal.number}",
        f"/inspections/seals/batches/{batch.pk}/",
        f"/inspections/seals/{seal.pk}/",
        "/inspections/seals/reconciliation/",
        "/inspections/seals/reconciliation/?days=3",
        "/inspections/seals/audits/",
        f"/inspections/seals/audits/{seal_audit.pk}/",
    ]
    owner, viewer = login(org_a), login(org_a, Role.VIEWER)
    for url in urls:
        for client in (owner, viewer):
            response = client.get(url)
            assert response.status_code == 200, url
    for url in ("/inspections/seals/verify/", "/inspections/seals/batches/new/"):
        assert owner.get(url).status_code == 200
        assert viewer.get(url).status_code == 403
    assert owner.get("/inspections/seals/audits/new/").status_code == 200
    listing = viewer.get("/inspections/seals/").content.decode()
    assert seal.number in listing and "Receive a batch" not in listing
    assert "Receive a batch" in owner.get("/inspections/seals/").content.decode()
    assert "Issue the seal" not in viewer.get(f"/inspections/seals/{seal.pk}/").content.decode()
    partial = owner.get("/inspections/seals/", {"q": seal.number}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and seal.number.encode() in partial.content


def test_viewer_posts_are_refused(org_a, login):
    batch = make_batch(org_a, size=3)
    seal = batch.seals.first()
    seal_audit = make_seal_audit(org_a)
    client = login(org_a, Role.VIEWER)
    for url in (
        "/inspections/seals/batches/new/",
        f"/inspections/seals/batches/{batch.pk}/",
        f"/inspections/seals/{seal.pk}/issue/",
        f"/inspections/seals/{seal.pk}/return/",
        f"/inspections/seals/{seal.pk}/remove/",
        f"/inspections/seals/{seal.pk}/write-off/",
        "/inspections/seals/verify/",
        "/inspections/seals/audits/new/",
        f"/inspections/seals/audits/{seal_audit.pk}/sign-off/",
    ):
        assert client.post(url, {"reason": "x", "event": "lose"}).status_code == 403, url
    assert Seal.objects.for_org(org_a).filter(state="in_stock").count() == 6


def test_receive_a_batch_with_certificate_and_issuers(org_a, login):
    clerk = add_member(org_a, Role.CONTRIBUTOR).user
    site = make_site(org_a)
    client = login(org_a)
    certificate = SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%iso 17712 cert\n%%EOF\n")
    response = client.post(
        "/inspections/seals/batches/new/",
        _batch_data(certificate_file=certificate, site=site.pk, issuers=[clerk.pk]),
    )
    batch = SealBatch.objects.for_org(org_a).get()
    assert response.status_code == 302 and response.url == f"/inspections/seals/batches/{batch.pk}/"
    assert batch.seals.count() == 10 and batch.seals.first().number == "MX000001"
    assert list(batch.issuers.all()) == [clerk] and batch.site == site
    assert batch.certificate.title.startswith("ISO 17712 certificate")
    page = client.get(response.url).content.decode()
    assert "MX000001 to MX000010" in page and clerk.email in page
    # Edit: the storage place and issuers change; the range does not.
    response = client.post(
        f"/inspections/seals/batches/{batch.pk}/",
        {"manufacturer": "TydenBrooks", "storage_location": "Safe, gate house", "issuers": []},
    )
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.storage_location == "Safe, gate house"
    assert not batch.issuers.exists() and batch.certificate is not None


def test_a_class_other_than_h_is_warned_about(org_a, login):
    client = login(org_a)
    response = client.post(
        "/inspections/seals/batches/new/", _batch_data(iso_class="I"), follow=True
    )
    page = response.content.decode()
    assert "not H: MSC 6.2 requires" in page
    assert "MSC 6.2 requires high-security (H)" in page


def test_bad_batch_input_is_a_form_error(org_a, login):
    make_batch(org_a, first=5, size=10, prefix="MX", digits=6)
    client = login(org_a)
    overlap = client.post("/inspections/seals/batches/new/", _batch_data())
    assert overlap.status_code == 200 and b"already in the inventory" in overlap.content
    backwards = client.post(
        "/inspections/seals/batches/new/", _batch_data(first_number="900", last_number="800")
    )
    assert b"The last number comes after the first." in backwards.content
    for bad in ({"received_on": "2024-02-31"}, {"first_number": "abc"}, {"site": "99999"}):
        response = client.post("/inspections/seals/batches/new/", _batch_data(**bad))
        assert response.status_code == 200 and b"status-bad" in response.content, bad
    assert SealBatch.objects.for_org(org_a).count() == 1


def test_issue_return_and_write_off(org_a, login):
    member = add_member(org_a, Role.CONTRIBUTOR).user
    seal = make_batch(org_a, size=3).seals.first()
    client = login(org_a)
    url = f"/inspections/seals/{seal.pk}/"
    response = client.post(url + "issue/", {"to": member.pk})
    seal.refresh_from_db()
    assert response.status_code == 302 and seal.state == "issued" and seal.issued_to == member
    client.post(url + "return/", {"note": "Not needed"})
    seal.refresh_from_db()
    assert seal.state == "in_stock" and seal.issued_to is None
    no_reason = client.post(url + "write-off/", {"event": "damage", "reason": ""})
    assert no_reason.status_code == 200 and b"This field is required" in no_reason.content
    client.post(url + "write-off/", {"event": "damage", "reason": "Bent when unpacking"})
    seal.refresh_from_db()
    assert seal.state == "damaged" and seal.reason == "Bent when unpacking"
    page = client.get(url).content.decode()
    assert "Bent when unpacking" in page and "issue" in page and "return" in page
    assert "nothing more can be recorded" in page


def test_illegal_moves_show_the_conflict(org_a, login):
    seal = make_applied_seal(org_a)
    client = login(org_a)
    response = client.post(f"/inspections/seals/{seal.pk}/issue/", {"to": owner_of(org_a).pk})
    assert response.status_code == 200
    assert "A seal that is applied cannot be issued" in response.content.decode()
    returned = client.post(f"/inspections/seals/{seal.pk}/return/", {})
    assert "cannot be returned to stock" in returned.content.decode()
    client.post(f"/inspections/seals/{seal.pk}/remove/", {"note": "Opened at DC"})
    seal.refresh_from_db()
    assert seal.state == "removed"
    late = client.post(f"/inspections/seals/{seal.pk}/write-off/", {"event": "lose", "reason": "x"})
    assert "its life is over" in late.content.decode()
    seal.refresh_from_db()
    assert seal.state == "removed"


def test_only_issuers_and_owners_issue(org_a, login):
    seal = make_batch(org_a, size=2).seals.first()
    client = login(org_a, Role.CONTRIBUTOR)
    assert "authorised issuers" in client.get(f"/inspections/seals/{seal.pk}/").content.decode()
    response = client.post(f"/inspections/seals/{seal.pk}/issue/", {"to": client.user.pk})
    assert response.status_code == 403
    seal.refresh_from_db()
    assert seal.state == "in_stock"


def test_vvtt_mismatch_opens_an_incident_and_lands_on_it(org_a, login):
    seal = make_applied_seal(org_a)
    site = make_site(org_a)
    client = login(org_a)
    body = vvtt_body(site, seal, "XX999", form=True)
    response = client.post("/inspections/seals/verify/", body, follow=True)
    incident = Incident.objects.for_org(org_a).get()
    assert response.redirect_chain[-1][0] == f"/inspections/incidents/{incident.pk}/"
    page = response.content.decode()
    assert "incident" in page and "VVTT discrepancy" in page and "Report to CBP by" in page
    assert incident.seal == seal and incident.cbp_reportable


def test_vvtt_pass_shows_on_the_seal_page(org_a, login):
    seal = make_applied_seal(org_a)
    client = login(org_a)
    assert (
        seal.number in client.get(f"/inspections/seals/verify/?seal={seal.number}").content.decode()
    )
    body = vvtt_body(make_site(org_a), seal, seal.number.lower(), form=True)
    response = client.post("/inspections/seals/verify/", body, follow=True)
    assert response.redirect_chain[-1][0] == f"/inspections/seals/{seal.pk}/"
    assert "VVTT passed" in response.content.decode() and not Incident.objects.exists()
    seal.refresh_from_db()
    assert seal.state == "verified"


def test_vvtt_bad_input_is_a_form_error(org_a, org_b, login):
    seal = make_applied_seal(org_a)
    client = login(org_a)

    def verify(site, seal):
        return client.post("/inspections/seals/verify/", vvtt_body(site, seal, form=True))

    unknown = verify(make_site(org_a), "NOPE")
    assert unknown.status_code == 200 and b"No seal numbered" in unknown.content
    foreign_site = verify(make_site(org_b), seal)
    assert foreign_site.status_code == 200 and b"Select a valid choice" in foreign_site.content
    not_applied = verify(make_site(org_a), make_batch(org_a, size=1).seals.get())
    assert b"only an applied seal is verified" in not_applied.content


def test_reconciliation_shows_a_gap(org_a, login):
    batch = make_batch(org_a, first=1, size=5, prefix="GP", digits=3)
    third = batch.seals.get(number="GP003")
    services.issue_seal(org_a, owner_of(org_a), third, owner_of(org_a))
    client = login(org_a, Role.VIEWER)
    page = client.get("/inspections/seals/reconciliation/").content.decode()
    assert "Gaps in sequence (1)" in page and "GP001 – GP002" in page
    later = client.get("/inspections/seals/reconciliation/?days=400")
    assert later.status_code == 200 and b"status-bad" in later.content  # 365 at most
    assert client.get("/inspections/seals/reconciliation/?days=x").status_code == 200


def test_seal_audit_count_and_sign_off(org_a, login):
    batch = make_batch(org_a, first=1, size=3, prefix="AU", digits=2)
    contributor = login(org_a, Role.CONTRIBUTOR)
    response = contributor.post(
        "/inspections/seals/audits/new/",
        {"audited_on": timezone.localdate().isoformat(), "counted": "AU01, AU02\nZZ9\n"},
    )
    seal_audit = SealAudit.objects.for_org(org_a).get()
    assert response.status_code == 302
    assert seal_audit.missing == ["AU03"] and seal_audit.unexpected == ["ZZ9"]
    assert seal_audit.expected_in_stock == batch.size
    page = contributor.get(f"/inspections/seals/audits/{seal_audit.pk}/").content.decode()
    assert "AU03" in page and "ZZ9" in page and "Sign off</button>" not in page
    refused = contributor.post(f"/inspections/seals/audits/{seal_audit.pk}/sign-off/", {})
    assert refused.status_code == 403
    owner = login(org_a)
    listing = owner.get("/inspections/seals/audits/").content.decode()
    assert "due today" in listing  # nothing signed off yet
    assert (
        "Sign off</button>"
        in owner.get(f"/inspections/seals/audits/{seal_audit.pk}/").content.decode()
    )
    signed = owner.post(
        f"/inspections/seals/audits/{seal_audit.pk}/sign-off/", {"note": "AU03 found in drawer"}
    )
    seal_audit.refresh_from_db()
    assert signed.status_code == 302 and seal_audit.is_signed_off
    assert "Sign-off: AU03 found in drawer" in seal_audit.notes
    again = owner.post(f"/inspections/seals/audits/{seal_audit.pk}/sign-off/", {})
    assert b"already signed off" in again.content
    assert "due " in owner.get("/inspections/seals/audits/").content.decode()


def test_seal_audit_bad_input(org_a, login):
    make_batch(org_a, size=2)
    client = login(org_a)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    for data in ({"audited_on": future}, {"audited_on": "not a date"}, {"counted": "X" * 41}):
        response = client.post(
            "/inspections/seals/audits/new/", {"audited_on": "2024-01-01", **data}
        )
        assert response.status_code == 200 and b"status-bad" in response.content, data
    assert not SealAudit.objects.exists()


def test_other_organisations_and_bad_ids_are_404(org_a, org_b, login):
    seal = make_batch(org_b, size=2).seals.first()
    client = login(org_a)
    assert client.get(f"/inspections/seals/{seal.pk}/").status_code == 404
    assert client.post(f"/inspections/seals/{seal.pk}/issue/", {}).status_code == 404
    assert client.get(f"/inspections/seals/batches/{seal.batch_id}/").status_code == 404
    assert client.get("/inspections/seals/999999999/").status_code == 404
    assert client.get("/inspections/seals/audits/999999999/").status_code == 404
    assert client.get("/inspections/seals/?batch=abc&state=zzz&page=x").status_code == 200
    # Issuing to someone outside the organisation is a form error, not a 500.
    own = make_batch(org_a, size=1).seals.get()
    response = client.post(f"/inspections/seals/{own.pk}/issue/", {"to": owner_of(org_b).pk})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
