import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openctpat.core.errors import Conflict, ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.reminders import SOURCES
from openctpat.partners import services
from openctpat.partners.models import (
    ActionStatus,
    BusinessPartner,
    QuestionnaireStatus,
    Reply,
)
from openctpat.partners.names import name_key
from openctpat.testing import owner_of
from openctpat.testing.partners import (
    SMALL_CSV,
    answer_all,
    make_certification,
    make_import,
    make_partner,
    make_submitted,
    make_template,
    send,
)
from openctpat.testing.risk import make_node

pytestmark = pytest.mark.django_db


def test_names_fold_for_search_and_duplicates():
    assert name_key("ACME Trading Co., Ltd.") == name_key("Acme Trading Company Limited")
    assert name_key("Shenzhen Bright Toys Co. Ltd") == "shenzhen bright toys"
    assert name_key("ООО Ромашка") == "romashka"
    assert name_key("Ltd") == "ltd"  # a name made only of legal words keeps them


def test_create_partner_cleans_and_audits(org_a):
    p = make_partner(org_a, legal_name="  Bright Toys Ltd ", country="cn", duns="12-345-6789")
    assert p.legal_name == "Bright Toys Ltd" and p.country == "CN" and p.duns == "123456789"
    assert p.risk_tier in ("High", "Medium", "Low") and p.tier_reasons
    entry = AuditEntry.objects.for_org(org_a).filter(object_type="partners.businesspartner").get()
    assert entry.changes["legal_name"] == [None, "Bright Toys Ltd"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "not an ISO 3166-1 country code"),
        ("duns", "12345", "DUNS must have 9 digits"),
        ("lei", "5493001KJTIIGC8Y1R13", "LEI check digits do not match"),
        ("scac", "ABCDE", "SCAC must be 2 to 4 letters"),
        ("services", ["teleportation"], "Unknown services"),
        ("partner_type", "pirate", "Choose one of the partner types"),
    ],
)
def test_bad_partner_fields_are_refused(org_a, field, value, message):
    with pytest.raises(ValidationFailed) as err:
        make_partner(org_a, **{field: value})
    assert message in err.value.message and field in err.value.field_errors


def test_a_valid_lei_is_accepted(org_a):
    assert make_partner(org_a, lei="5493001KJTIIGC8Y1R12").lei == "5493001KJTIIGC8Y1R12"


def test_the_same_identifier_twice_is_a_conflict(org_a, org_b):
    make_partner(org_a, duns="123456789")
    with pytest.raises(Conflict):
        make_partner(org_a, duns="123456789")
    make_partner(org_b, duns="123456789")  # another organisation's registry is separate


def test_search_by_name_word_identifier_and_filters(org_a):
    toys = make_partner(org_a, legal_name="Shenzhen Bright Toys Co. Ltd", mid="CNBRITOY123SHE")
    make_partner(org_a, legal_name="Pacific Star Line", country="SG", partner_type="sea_carrier")
    assert list(services.search_partners(org_a, q="bright")) == [toys]
    assert list(services.search_partners(org_a, q="BRIGHT TOYS")) == [toys]
    assert list(services.search_partners(org_a, q="cnbritoy123she")) == [toys]
    assert services.search_partners(org_a, country="sg").count() == 1
    assert services.search_partners(org_a, partner_type="sea_carrier").count() == 1


def test_delete_is_refused_once_questionnaires_exist(org_a):
    q, _link = send(org_a)
    with pytest.raises(Conflict):
        services.delete_partner(org_a, owner_of(org_a), q.partner)
    lonely = make_partner(org_a)
    services.delete_partner(org_a, owner_of(org_a), lonely)
    assert not BusinessPartner.objects.filter(pk=lonely.pk).exists()


# -- certifications and tiers ----------------------------------------------------------------
def test_an_mra_certification_takes_the_program_name_from_the_reference_list(org_a):
    p = make_partner(org_a, country="MX")
    cert = make_certification(org_a, p, program="mra", country="MX", reference="OEA-1")
    assert "NEEC" in cert.program_name or "OEA" in cert.program_name
    assert cert.reverify_due == timezone.localdate() + datetime.timedelta(days=365)
    with pytest.raises(ValidationFailed) as err:
        make_certification(org_a, p, program="mra", country="CN", reference="", verified_on=None)
    assert "country" in err.value.field_errors


def test_a_verified_ctpat_certification_lowers_the_tier(org_a):
    p = make_partner(org_a, country="CA", services=["customs_brokerage"])
    before = p.risk_score
    make_certification(org_a, p, reference="SVI-9")
    p.refresh_from_db()
    assert p.risk_score < before
    cert_reason = next(r for r in p.tier_reasons if r["factor"] == "certification")
    assert cert_reason["detail"].startswith("CTPAT certified")


def test_the_lane_role_and_the_risk_assessment_feed_the_tier(org_a):
    p = make_partner(org_a, country="CA", services=["it_services"])
    role = next(r for r in p.tier_reasons if r["factor"] == "role")
    assert role["risk"] == 0.3
    node = make_node(org_a, country="CA", activities=["stuffing"])
    node.partner = p
    node.save()
    services.recompute_tiers(org_a, [p])
    p.refresh_from_db()
    role = next(r for r in p.tier_reasons if r["factor"] == "role")
    country = next(r for r in p.tier_reasons if r["factor"] == "country")
    assert role["risk"] == 1.0
    assert "risk assessment" in country["detail"]


def test_tier_settings_are_validated_and_recompute_every_tier(org_a):
    p = make_partner(org_a)
    services.update_tier_settings(org_a, owner_of(org_a), high_from=2, medium_from=1)
    p.refresh_from_db()
    assert p.risk_tier == "High"
    with pytest.raises(ValidationFailed):
        services.update_tier_settings(org_a, owner_of(org_a), high_from=10, medium_from=20)
    with pytest.raises(ValidationFailed):
        services.update_tier_settings(org_a, owner_of(org_a), months_high=0)


def test_reassessment_is_due_by_tier(org_a):
    services.update_tier_settings(org_a, owner_of(org_a), high_from=2, medium_from=1)
    p = make_partner(org_a)
    assert p.risk_tier == "High"
    assert p.next_assessment_due == services.tiers._next_due(p.created_at.date(), 12)
    assert services.tiers._next_due(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


# -- import ----------------------------------------------------------------------------------
def test_import_guesses_the_mapping_and_creates_every_row(org_a):
    imp = make_import(org_a)
    assert imp.mapping["legal_name"] == "Legal name" and imp.mapping["duns"] == "DUNS"
    preview = services.preview(org_a, imp)
    assert preview.ok and preview.importable == 3
    assert services.commit_import(org_a, owner_of(org_a), imp) == 3
    border = BusinessPartner.objects.for_org(org_a).get(legal_name="Border Brokers SA de CV")
    assert (border.country, border.partner_type) == ("MX", "customs_broker")
    toys = BusinessPartner.objects.for_org(org_a).get(duns="123456789")
    assert toys.services == ["manufacturing", "stuffing"]
    assert toys.contacts.get().email == "li.wei@brighttoys.test"
    assert toys.risk_tier
    with pytest.raises(Conflict):
        services.commit_import(org_a, owner_of(org_a), imp)


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(org_a):
    text = SMALL_CSV + "Nowhere Inc,Supplier,Atlantis,,,,\n,Supplier,CN,,,,\n"
    imp = make_import(org_a, text)
    with pytest.raises(ValidationFailed) as err:
        services.commit_import(org_a, owner_of(org_a), imp)
    fields = err.value.field_errors
    assert fields["line 5"] == ["Country 'Atlantis' is not a known country."]
    assert fields["line 6"] == ["Legal name is required."]
    assert not BusinessPartner.objects.for_org(org_a).exists()


def test_duplicates_by_identifier_and_similar_name_are_caught(org_a):
    make_partner(org_a, legal_name="Shenzhen Bright Toys Company Limited", country="CN")
    make_partner(org_a, legal_name="Other Co", country="SG", duns="999999999")
    text = (
        "Legal name,Type,Country,DUNS\n"
        "Shenzhen Bright Toys Co. Ltd,Supplier,CN,\n"  # similar name, same country
        "Completely New Ltd,Supplier,SG,999999999\n"  # same DUNS
        "Fresh Partner,Supplier,DE,\n"
        "Fresh Partner GmbH,Supplier,DE,\n"  # duplicate within the file
        "Shenzhen Bright Toys,Supplier,VN,\n"  # similar name, other country: not a duplicate
    )
    imp = make_import(org_a, text)
    dupes = services.preview(org_a, imp).duplicates
    assert set(dupes) == {2, 3, 5}
    assert "Very similar to 'Shenzhen Bright Toys Company Limited'" in dupes[2]
    assert "Same DUNS" in dupes[3] and "line 4" in dupes[5]
    with pytest.raises(ValidationFailed):
        services.commit_import(org_a, owner_of(org_a), imp)
    assert services.commit_import(org_a, owner_of(org_a), imp, skip_duplicates=True) == 2


def test_an_xlsx_file_with_other_headers_is_mapped_by_hand(org_a):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Firm", "Kind", "Nation", "Since"])
    wb.active.append(["Andes Cargo SAC", "Consolidator", "Peru", datetime.date(2020, 5, 1)])
    out = io.BytesIO()
    wb.save(out)
    imp = services.start_import(
        org_a, owner_of(org_a), SimpleUploadedFile("partners.xlsx", out.getvalue())
    )
    assert services.preview(org_a, imp).missing == ["Legal name", "Type", "Country"]
    with pytest.raises(ValidationFailed):
        services.commit_import(org_a, owner_of(org_a), imp)
    with pytest.raises(ValidationFailed) as err:
        services.set_mapping(org_a, owner_of(org_a), imp, {"legal_name": "Nope"})
    assert "legal_name" in err.value.field_errors
    services.set_mapping(
        org_a,
        owner_of(org_a),
        imp,
        {"legal_name": "Firm", "partner_type": "Kind", "country": "Nation", "start_date": "Since"},
    )
    assert services.commit_import(org_a, owner_of(org_a), imp) == 1
    andes = BusinessPartner.objects.for_org(org_a).get()
    assert (andes.country, andes.start_date) == ("PE", datetime.date(2020, 5, 1))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("partners.xlsx", b"not a workbook", "not an Excel workbook"),
        ("partners.csv", b"", "no header row"),
        ("partners.csv", b"Legal name,Type,Country\n", "no partners"),
        ("partners.csv", b"A,A\n1,2\n", "appears twice"),
        ("partners.xlsx", b"PK\x03\x04garbage", "could not be read"),
    ],
)
def test_unreadable_files_are_refused(org_a, name, data, message):
    with pytest.raises(ValidationFailed) as err:
        services.start_import(org_a, owner_of(org_a), SimpleUploadedFile(name, data))
    assert message in err.value.message


# -- templates and questionnaires ------------------------------------------------------------
def test_a_template_has_one_question_per_criterion_and_versions_on_edit(org_a):
    template = make_template(org_a, entity_type="importer")
    assert template.questions.count() == template.criteria_set.criteria.count() > 50
    first = template.questions.first()
    assert first.reference and first.text
    services.update_question(org_a, owner_of(org_a), first, text="Reworded?")
    template.refresh_from_db()
    assert template.version == 1  # never sent: edits stay in version 1
    q, _link = send(org_a, template=template)
    services.add_question(org_a, owner_of(org_a), template, text="Do you use ISO 17712 seals?")
    template.refresh_from_db()
    assert template.version == 2 and q.template_version == 1
    assert q.items.count() == template.questions.count() - 1  # the sent copy is unchanged


def test_sending_emails_a_link_whose_token_is_only_stored_hashed(org_a):
    q, link = send(org_a)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in q.token_hash and len(token) > 60
    assert mail.outbox[-1].to == ["li.wei@supplier.test"] and link in mail.outbox[-1].body
    assert services.questionnaire_for_link(org_a.pk, token) == q


def _token(link):
    return link.rstrip("/").rsplit("/", 1)[1]


def test_expired_revoked_guessed_and_other_organisation_links_are_refused(org_a, org_b):
    q, link = send(org_a)
    token = _token(link)
    with pytest.raises(services.LinkRefused, match="unknown"):
        services.questionnaire_for_link(org_b.pk, token)
    with pytest.raises(services.LinkRefused, match="unknown"):
        services.questionnaire_for_link(org_a.pk, token[:-1] + ("0" if token[-1] != "0" else "1"))
    with pytest.raises(services.LinkRefused, match="unknown"):
        services.questionnaire_for_link(org_a.pk, f"{q.pk}-" + "0" * 64)
    q.link_expires_at = timezone.now() - datetime.timedelta(seconds=1)
    q.save()
    with pytest.raises(services.LinkRefused, match="expired"):
        services.questionnaire_for_link(org_a.pk, token)
    new_link = services.reissue_link(org_a, owner_of(org_a), q)
    with pytest.raises(services.LinkRefused):
        services.questionnaire_for_link(org_a.pk, token)  # the old link died with reissue
    assert services.questionnaire_for_link(org_a.pk, _token(new_link)) == q
    services.revoke_link(org_a, owner_of(org_a), q)
    with pytest.raises(services.LinkRefused, match="revoked"):
        services.questionnaire_for_link(org_a.pk, _token(new_link))


def test_the_partner_saves_a_draft_uploads_a_file_and_submits(org_a):
    q, _link = send(org_a)
    items = list(q.items.all())
    pdf = SimpleUploadedFile("policy.pdf", b"%PDF-1.4\n%partner policy\n%%EOF\n")
    services.partner_save(
        q, {items[0].pk: {"reply": "yes", "comment": "See policy"}}, {items[0].pk: pdf}
    )
    q.refresh_from_db()
    assert q.status == QuestionnaireStatus.IN_PROGRESS
    items[0].refresh_from_db()
    assert items[0].document and items[0].file_name == "policy.pdf"
    assert items[0].document in q.partner.documents.all()
    with pytest.raises(ValidationFailed) as err:
        services.partner_save(q, {}, submit=True)
    assert "Answer every question" in err.value.message
    replies = {i.pk: {"reply": Reply.NO if i == items[1] else Reply.YES} for i in items[1:]}
    services.partner_save(q, replies, submit=True)
    q.refresh_from_db()
    assert q.status == QuestionnaireStatus.SUBMITTED and q.score == round(
        100 * (len(items) - 1) / len(items)
    )
    assert "submitted its security questionnaire" in mail.outbox[-1].subject
    with pytest.raises(Conflict):
        services.partner_save(q, {items[0].pk: {"reply": "no"}})
    entry = AuditEntry.objects.for_org(org_a).filter(actor_label__startswith="partner link").first()
    assert entry.actor_label == "partner link: li.wei@supplier.test"


def test_the_partner_cannot_write_another_questionnaires_items(org_a):
    q1, _ = send(org_a)
    q2, _ = send(org_a)
    other_item = q2.items.first()
    with pytest.raises(ValidationFailed):
        services.partner_save(q1, {other_item.pk: {"reply": "yes"}})
    other_item.refresh_from_db()
    assert other_item.reply == ""


def test_a_refused_file_is_refused_for_the_partner_too(org_a):
    q, _ = send(org_a)
    item = q.items.first()
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 this is an exe")
    with pytest.raises(ValidationFailed):
        services.partner_save(q, {}, {item.pk: fake})


def test_review_weaknesses_actions_and_tier(org_a):
    q, _ = send(org_a)
    answer_all(q, submit=False)
    item = q.items.first()
    services.partner_save(q, {item.pk: {"reply": Reply.NO}}, submit=True)
    assert services.mark_suggested_weaknesses(org_a, owner_of(org_a), q) == 1
    item.refresh_from_db()
    assert item.weakness and not item.weakness_closed
    partner = BusinessPartner.objects.get(pk=q.partner_id)
    weak = next(r for r in partner.tier_reasons if r["factor"] == "weaknesses")
    assert weak["detail"].startswith("1 open weakness")
    action = services.create_action(
        org_a, owner_of(org_a), partner, title="Fix it", item=item, owner=owner_of(org_a)
    )
    services.update_action(org_a, owner_of(org_a), action, status=ActionStatus.DONE)
    item.refresh_from_db()
    assert item.weakness_closed
    services.complete_review(org_a, owner_of(org_a), q, summary="One gap, closed.")
    partner.refresh_from_db()
    assert partner.last_assessed_on == timezone.localdate()
    weak = next(r for r in partner.tier_reasons if r["factor"] == "weaknesses")
    assert weak["detail"] == "No open weaknesses."


def test_review_waits_for_submission(org_a):
    q, _ = send(org_a)
    with pytest.raises(Conflict):
        services.review_item(org_a, owner_of(org_a), q.items.first(), weakness=True)


def test_reminders_cover_reverification_reassessment_and_questionnaires(org_a):
    from openctpat.partners.reminders import due_reminders

    assert due_reminders in SOURCES
    q, link = send(org_a)
    q.due_date = timezone.localdate() + datetime.timedelta(days=3)
    q.save()
    p = make_partner(org_a)
    make_certification(
        org_a, p, reference="", verified_on=timezone.localdate() - datetime.timedelta(days=350)
    )
    due = {d.kind: d for d in due_reminders(org_a, timezone.localdate())}
    assert due["partner_questionnaire"].recipients == ["li.wei@supplier.test"]
    assert link.split("/partner-link/")[1] in due["partner_questionnaire"].line
    assert "Re-verify" in due["partner_certification"].line
    later = due_reminders(org_a, timezone.localdate() + datetime.timedelta(days=3 * 365))
    assert any(d.kind == "partner_reassessment" for d in later)


def test_submitted_questionnaires_score_and_feed_the_tier(org_a):
    q = make_submitted(org_a)
    partner = BusinessPartner.objects.get(pk=q.partner_id)
    reason = next(r for r in partner.tier_reasons if r["factor"] == "questionnaire")
    assert reason["detail"] == "Questionnaire: 100% of applicable questions met."


def test_a_partners_questionnaire_suggests_its_lane_vulnerabilities(org_a):
    from openctpat.risk import services as risk_services

    q, _ = send(org_a)
    node = make_node(org_a, country="CN", activities=["stuffing"])
    risk_services.update_node(org_a, owner_of(org_a), node, partner=q.partner)
    vuln = node.vulnerabilities.order_by("category").first()
    assert vuln.suggested_rating == "" and "No answered questionnaire" in vuln.basis
    replies = {i.pk: {"reply": Reply.NO} for i in q.items.all()}
    services.partner_save(q, replies, submit=True)
    vuln.refresh_from_db()
    assert vuln.suggested_rating == "High"
    assert vuln.basis.startswith("Partner questionnaire") and "0 of" in vuln.basis
    partner = BusinessPartner.objects.get(pk=q.partner_id)
    role = next(r for r in partner.tier_reasons if r["factor"] == "role")
    assert role["detail"] == "Highest-risk activity: stuffing."


@pytest.mark.parametrize(
    ("written", "code"),
    [("Turkey", "TR"), ("UK", "GB"), ("South Korea", "KR"), ("Viet Nam", "VN"), ("mex", "MX")],
)
def test_country_names_people_write_are_understood(written, code):
    from openctpat.partners.importing import country_code

    assert country_code(written) == code
