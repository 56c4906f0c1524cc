import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from openctpat.core.permissions import Role
from openctpat.partners.models import BusinessPartner, Questionnaire, QuestionnaireTemplate
from openctpat.testing.partners import (
    SMALL_CSV,
    answer_all,
    make_partner,
    send,
)
from openctpat.testing.resources import form_data

pytestmark = pytest.mark.django_db


def test_registry_lists_searches_and_paginates(org_a, login):
    make_partner(org_a, legal_name="Shenzhen Bright Toys Co. Ltd")
    make_partner(org_a, legal_name="Pacific Star Line", country="SG")
    client = login(org_a, Role.VIEWER)
    page = client.get("/partners/").content.decode()
    assert "Shenzhen Bright Toys" in page and "Pacific Star Line" in page
    assert "Add partner" not in page  # a viewer cannot change
    found = client.get("/partners/", {"q": "pacific"}).content.decode()
    assert "Pacific Star Line" in found and "Bright Toys" not in found
    partial = client.get("/partners/", {"country": "SG"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Pacific Star Line" in partial.content


def test_a_contributor_adds_a_partner(org_a, login):
    """A plain edit of it: the kit's test_page_edit_by_role."""
    client = login(org_a, Role.CONTRIBUTOR)
    base = {"partner_type": "foreign_manufacturer", "country": "VN", "status": "active"}
    bad = client.post("/partners/new/", {**base, "legal_name": "Acme", "duns": "123"})
    assert bad.status_code == 200 and b"DUNS must have 9 digits" in bad.content
    response = client.post(
        "/partners/new/",
        {
            **base,
            "legal_name": "Acme Plastics Ltd",
            "services": ["manufacturing", "stuffing"],
            "other_names": "Acme VN\nCông ty Acme",
        },
    )
    partner = BusinessPartner.objects.for_org(org_a).get()
    assert response.status_code == 302 and partner.other_names == ["Acme VN", "Công ty Acme"]
    detail = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "Risk tier" in detail and "Highest-risk activity: stuffing." in detail


def test_certification_contact_and_action_from_the_partner_page(org_a, login):
    partner = make_partner(org_a, country="MX")
    client = login(org_a)
    client.post(
        f"/partners/{partner.pk}/certifications/",
        {
            "program": "mra",
            "country": "MX",
            "reference": "OEA-9",
            "status": "certified",
            "verified_on": "2026-01-10",
        },
    )
    client.post(f"/partners/{partner.pk}/contacts/", {"name": "Ana Ruiz", "email": "ana@mx.test"})
    client.post(f"/partners/{partner.pk}/actions/", {"title": "Visit the plant", "status": "open"})
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "OEA-9" in page and "Ana Ruiz" in page and "Visit the plant" in page
    refused = client.post(
        f"/partners/{partner.pk}/certifications/",
        {"program": "mra", "country": "CN", "status": "certified"},
        follow=True,
    )
    assert b"Mutual Recognition" in refused.content


def test_import_through_the_pages_with_an_error_report(org_a, login):
    client = login(org_a)
    bad = SMALL_CSV + "Nowhere Inc,Supplier,Atlantis,,,,\n"
    response = client.post("/partners/import/", {"file": SimpleUploadedFile("p.csv", bad.encode())})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Country &#x27;Atlantis&#x27; is not a known country." in page
    assert "1 with errors" in page
    committed = client.post(response["Location"], {"action": "commit"})
    assert b"nothing was imported" in committed.content
    good = client.post(
        "/partners/import/", {"file": SimpleUploadedFile("p.csv", SMALL_CSV.encode())}
    )
    done = client.post(good["Location"], {"action": "commit"}, follow=True)
    assert b"3 partners imported" in done.content
    assert BusinessPartner.objects.for_org(org_a).count() == 3


def test_remapping_columns_in_the_page(org_a, login):
    client = login(org_a)
    text = "Firm,Kind,Nation\nAndes Cargo SAC,Consolidator,Peru\n"
    started = client.post("/partners/import/", {"file": SimpleUploadedFile("p.csv", text.encode())})
    page = client.get(started["Location"]).content.decode()
    assert "map Legal name, Type, Country" in page
    client.post(
        started["Location"], {"legal_name": "Firm", "partner_type": "Kind", "country": "Nation"}
    )
    page = client.get(started["Location"]).content.decode()
    assert "1 ready to import" in page


def test_templates_and_questionnaire_review_pages(org_a, login):
    client = login(org_a)
    created = client.post(
        "/partners/templates/", {"partner_type": "supplier", "entity_type": "importer"}
    )
    template = QuestionnaireTemplate.objects.for_org(org_a).get()
    assert created["Location"] == f"/partners/templates/{template.pk}/"
    question = template.questions.first()
    client.post(f"/partners/questions/{question.pk}/", {"text": "Do you vet your own partners?"})
    question.refresh_from_db()
    assert question.text == "Do you vet your own partners?"
    partner = make_partner(org_a)
    sent = client.post(
        f"/partners/{partner.pk}/questionnaires/",
        {
            "template": template.pk,
            "contact_name": "Li",
            "contact_email": "li@s.test",
            "due_date": "2999-01-01",
            "valid_days": 30,
        },
    )
    assert sent.status_code == 200 and b"/partner-link/" in sent.content
    assert mail.outbox[-1].to == ["li@s.test"]
    q = Questionnaire.objects.for_org(org_a).get()
    answer_all(q, reply="no")
    page = client.get(f"/partners/questionnaires/{q.pk}/").content.decode()
    assert "Submitted" in page and "Mark the" in page
    findings = client.get(f"/partners/questionnaires/{q.pk}/", {"show": "findings"})
    assert (
        findings.content.count(b'class="weakness"') == 0
        and b"Only no, partially" in findings.content
    )
    client.post(f"/partners/questionnaires/{q.pk}/weaknesses/")
    item = q.items.first()
    client.post(
        f"/partners/items/{item.pk}/review/", {"weakness": "on", "review_note": "No policy"}
    )
    item.refresh_from_db()
    assert item.weakness and item.review_note == "No policy"
    client.post(f"/partners/questionnaires/{q.pk}/review/", {"summary": "Weak"})
    q.refresh_from_db()
    assert q.status == "reviewed"


def test_revoke_and_reissue_from_the_page(org_a, login):
    q, _link = send(org_a)
    client = login(org_a)
    client.post(f"/partners/questionnaires/{q.pk}/revoke/")
    q.refresh_from_db()
    assert q.link_state == "revoked"
    again = client.post(f"/partners/questionnaires/{q.pk}/reissue/")
    assert b"/partner-link/" in again.content


def test_tier_weights_page(org_a, login):
    partner = make_partner(org_a)
    client = login(org_a)
    values = form_data(client.get("/partners/tiers/").context["form"], high_from=2, medium_from=1)
    client.post("/partners/tiers/", values)
    partner.refresh_from_db()
    assert partner.risk_tier == "High"
    bad = client.post("/partners/tiers/", {**values, "high_from": 1, "medium_from": 5})
    assert bad.status_code == 200 and "Medium from" in bad.content.decode()


def test_exports_download(org_a, login):
    make_partner(org_a, legal_name="Acme Plastics Ltd")
    client = login(org_a, Role.AUDITOR)
    csv = client.get("/partners/export.csv")
    assert csv["Content-Disposition"].startswith("attachment;")
    assert "Acme Plastics Ltd" in csv.content.decode("utf-8-sig")
    assert client.get("/partners/export.xlsx").content[:2] == b"PK"


def test_a_lane_party_is_linked_to_a_partner_by_its_legal_name(org_a, login):
    from openctpat.testing.risk import make_node

    partner = make_partner(org_a, legal_name="Saigon Garment Works")
    node = make_node(org_a, country="VN")
    client = login(org_a)
    values = {
        "node_type": "manufacturer",
        "name": node.name,
        "country": "VN",
        "impact": "High",
        "activities": ["stuffing"],
        "partner": "saigon garment works",
    }
    client.post(f"/risk/nodes/{node.pk}/", values)
    node.refresh_from_db()
    assert node.partner == partner
    missing = client.post(f"/risk/nodes/{node.pk}/", {**values, "partner": "Nobody Ltd"})
    assert b"No partner in the registry has this legal name." in missing.content
    lane = client.get(f"/risk/lanes/{node.lane_id}/").content.decode()
    assert f'href="/partners/{partner.pk}/"' in lane
    assert "Trade lanes" in client.get(f"/partners/{partner.pk}/").content.decode()


def test_documents_are_uploaded_linked_and_unlinked_on_the_partner_page(org_a, login):
    partner = make_partner(org_a)
    client = login(org_a)
    pdf = SimpleUploadedFile("svi-letter.pdf", b"%PDF-1.4\n%svi\n%%EOF\n")
    client.post(f"/partners/{partner.pk}/documents/", {"file": pdf, "title": "SVI letter"})
    document = partner.documents.get()
    assert document.title == "SVI letter"
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
    refused = client.post(f"/partners/{partner.pk}/documents/", {"file": fake}, follow=True)
    assert partner.documents.count() == 1 and b"message-error" in refused.content
    client.post(f"/partners/{partner.pk}/documents/unlink/", {"document": document.pk})
    assert not partner.documents.exists()
    client.post(f"/partners/{partner.pk}/documents/", {"document": document.pk})
    assert partner.documents.get() == document


def test_a_done_follow_up_is_dated_and_a_viewer_reads_a_contact(org_a, login):
    """Plain edits and deletes of certifications, contacts and follow-ups, and a viewer's
    403: the kit's test_page_edit_by_role and test_page_delete_by_role."""
    from openctpat.testing.partners import make_action, make_contact

    contact, action = make_contact(org_a), make_action(org_a)
    client = login(org_a)
    client.post(f"/partners/actions/{action.pk}/", {"title": action.title, "status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at
    page = client.get(f"/partners/contacts/{contact.pk}/")
    assert page.status_code == 200 and b"Li Wei" in page.content
    viewer = login(org_a, Role.VIEWER)
    assert b"<dl>" in viewer.get(f"/partners/contacts/{contact.pk}/").content


def test_the_review_can_show_only_the_findings(org_a, login):
    from openctpat.partners import services

    q, _ = send(org_a)
    items = list(q.items.all())
    replies = {i.pk: {"reply": "no" if i == items[1] else "yes"} for i in items}
    services.partner_save(q, replies, submit=True)
    client = login(org_a)
    every = client.get(f"/partners/questionnaires/{q.pk}/").content.decode()
    only = client.get(f"/partners/questionnaires/{q.pk}/", {"show": "findings"}).content.decode()
    assert every.count('<tr id="item-') == len(items)
    assert only.count('<tr id="item-') == 1 and f'id="item-{items[1].pk}"' in only
