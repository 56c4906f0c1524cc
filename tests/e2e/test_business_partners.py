"""The PCSO imports its business partners, sends one a security questionnaire from the MSC
catalog, the partner answers it on a phone through the link, and the PCSO reviews it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from openctpat.accounts.services import update_organisation
from openctpat.testing import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTNERS_CSV = """Legal name,Type,Country,Services,Contact name,Contact email
Shenzhen Bright Toys Co. Ltd,Supplier,CN,manufacturing;stuffing,Li Wei,li.wei@brighttoys.test
Pacific Star Line,Sea Carrier,Singapore,sea_transport,Tan Mei,tan@pacificstar.test
Border Brokers SA de CV,Customs Broker,MEX,customs_brokerage,,
Saigon Garment Works,Foreign Manufacturer,{country},manufacturing;packing,,
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _collect_console_errors(page):
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )


def test_import_send_answer_on_a_phone_and_review(page, browser, live_server, tmp_path):
    pcso = make_user("pcso@acme.test", first_name="Pat", last_name="Rivera")
    org = make_org("Acme Imports Inc.", owner=pcso)
    update_organisation(org, pcso, entity_types=["importer"])
    page.goto("/")
    page.get_by_label("Email").fill("pcso@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # 1. Import the registry: a bad country is refused with its line, the fixed file imports.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Business partners")
    page.get_by_role("button", name="Import CSV / XLSX").click()
    bad = tmp_path / "partners.csv"
    bad.write_text(PARTNERS_CSV.format(country="Atlantis"))
    page.get_by_label("File").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#import-summary")).to_have_text(
        "3 ready to import · 1 with errors · 0 possible duplicates"
    )
    error_row = page.locator("#import-errors tbody tr")
    expect(error_row).to_have_count(1)
    expect(error_row.locator("td").first).to_have_text("5")
    expect(error_row).to_contain_text("Country 'Atlantis' is not a known country.")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    page.get_by_role("link", name="← Import").click()
    fixed = tmp_path / "partners-fixed.csv"
    fixed.write_text(PARTNERS_CSV.format(country="Viet Nam"))
    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#import-summary")).to_have_text(
        "4 ready to import · 0 with errors · 0 possible duplicates"
    )
    expect(page.locator("#import-errors")).to_have_count(0)
    page.get_by_role("button", name="Import 4 partners").click()
    expect(page.locator(".messages")).to_contain_text("4 partners imported from partners-fixed.csv")
    rows = page.locator("#partner-rows tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Saigon Garment Works")).to_contain_text("VN")

    # Search narrows the list as one types (HTMX).
    page.get_by_label("Search").fill("pacific")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Pacific Star Line")
    page.get_by_label("Search").fill("")
    expect(rows).to_have_count(4)

    # 2. A template from the importer MSC: one question removed, one reworded.
    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_label("For partners of type").select_option("supplier")
    page.get_by_label("Questions from the MSC of").select_option("importer")
    page.get_by_label("Name", exact=True).fill("Supplier security questionnaire 2026")
    page.get_by_role("button", name="Create template").click()
    expect(page.locator(".messages")).to_contain_text("Template created from the MSC catalog")
    questions = page.locator("ol.questions > li")
    count = questions.count()
    assert count > 50, count
    questions.nth(1).get_by_role("button", name="Remove").click()
    expect(page.locator(".messages")).to_contain_text("Question removed.")
    expect(questions).to_have_count(count - 1)
    reworded = "Does your management support a written supply chain security program?"
    first = questions.first
    first.get_by_role("textbox").first.fill(reworded)
    first.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Question saved.")
    expect(questions.first.get_by_role("textbox").first).to_have_value(reworded)

    # Send it to the supplier's contact from the partner page; the link is shown once.
    page.get_by_role("link", name="← Questionnaire templates").click()
    page.get_by_role("link", name="← Business partners").click()
    page.get_by_role("link", name="Shenzhen Bright Toys Co. Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Shenzhen Bright Toys Co. Ltd")
    partner_url = page.url
    send = page.locator("form", has=page.get_by_role("button", name="Send questionnaire"))
    send.get_by_label("Questionnaire", exact=True).select_option(
        label="Supplier security questionnaire 2026 (v1)"
    )
    expect(send.get_by_label("Contact email")).to_have_value("li.wei@brighttoys.test")
    send.get_by_role("button", name="Send questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire sent to Li Wei")
    link = page.locator("#partner-link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/partner-link/\d+/[\w-]+/", link), link
    invitations = [m for m in mail.outbox if m.to == ["li.wei@brighttoys.test"]]
    assert len(invitations) == 1
    assert link in invitations[0].body
    assert "Shenzhen Bright Toys Co. Ltd" in invitations[0].subject

    # 3. The partner, on a phone and signed in nowhere, answers through the link.
    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    try:
        partner = phone.new_page()
        partner.set_default_timeout(15_000)
        _collect_console_errors(partner)
        partner.goto(link)
        expect(partner.get_by_role("heading", level=1)).to_have_text(
            "Supplier security questionnaire 2026"
        )
        fieldsets = partner.locator("fieldset.question")
        total = fieldsets.count()
        assert total == count - 1
        expect(fieldsets.first.locator("legend")).to_contain_text(reworded)
        # The page fits the phone's width: nothing scrolls sideways.
        assert partner.evaluate("document.documentElement.scrollWidth") <= 390

        for i in range(3):
            fieldsets.nth(i).get_by_label("Yes", exact=True).check()
        fieldsets.first.get_by_label("Comment").fill("Signed by our general manager in 2025.")
        partner.get_by_role("button", name="Save draft").click()
        expect(partner.get_by_role("status")).to_contain_text("Draft saved.")
        partner.goto(link)
        expect(partner.get_by_text(f"3 of {total} answered")).to_be_visible()
        expect(fieldsets.first.get_by_label("Yes", exact=True)).to_be_checked()
        expect(fieldsets.first.get_by_label("Comment")).to_have_value(
            "Signed by our general manager in 2025."
        )

        no_index = 5
        no_reference = fieldsets.nth(no_index).locator("legend strong").inner_text()
        for i in range(3, total):
            answer = "No" if i == no_index else "Yes"
            fieldsets.nth(i).get_by_label(answer, exact=True).check()
        evidence = fieldsets.nth(1)
        evidence_reference = evidence.locator("legend strong").inner_text()
        evidence.get_by_label("Supporting file").set_input_files(
            files=[{"name": "security-policy.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        partner.get_by_role("button", name="Submit answers").click()
        expect(partner.locator("#submitted")).to_contain_text("Thank you")
        expect(
            partner.get_by_role("listitem").filter(has_text="security-policy.pdf")
        ).to_contain_text(evidence_reference)

        expect(partner.locator("#submitted")).to_contain_text("UTC")
        # The link opens this questionnaire only: no session, and the rest of the application
        # wants a login.
        assert not [c["name"] for c in phone.cookies() if "session" in c["name"]]
        partner.goto("/partners/")
        expect(partner).to_have_url(re.compile(r"/accounts/login/"))
        partner.goto(partner_url)
        expect(partner).to_have_url(re.compile(r"/accounts/login/"))
        assert partner.console_errors == []
    finally:
        phone.close()
    notices = [m for m in mail.outbox if m.to == ["pcso@acme.test"]]
    assert len(notices) == 1 and "submitted" in notices[0].subject

    # 4. The PCSO reviews: score, suggested weakness, a follow-up action, the tier's reasons.
    score = round(100 * (total - 1) / total)
    page.goto(partner_url)
    questionnaire_row = page.locator("#questionnaires tbody tr")
    expect(questionnaire_row).to_contain_text("Submitted")
    expect(questionnaire_row).to_contain_text(f"{score}%")
    questionnaire_row.get_by_role("link", name="Supplier security questionnaire 2026").click()
    expect(page.locator("#questionnaire-status")).to_have_text("Submitted")
    expect(page.get_by_text(f"{score}% of applicable questions met")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Mark the 1 .no. and .partially. answers")).click()
    expect(page.locator(".messages")).to_contain_text("marked as weaknesses")
    weakness = page.locator("tr.weakness")
    expect(weakness).to_have_count(1)
    expect(weakness.locator("td").first).to_contain_text(no_reference)
    expect(page.locator("tr").filter(has_text=evidence_reference)).to_contain_text(
        "security-policy.pdf"
    )
    weakness.get_by_text("Follow-up action").click()
    weakness.get_by_label("Title").fill("Install CCTV at the loading dock")
    weakness.get_by_label("Partner contact").fill("Li Wei")
    weakness.get_by_role("button", name="Create action").click()
    expect(page.locator(".messages")).to_contain_text("Follow-up action created.")
    # Back on the review, in the row of the weakness.
    expect(page.locator("tr.weakness .item-action")).to_contain_text(
        "Install CCTV at the loading dock"
    )
    page.get_by_label("Summary").fill("Good answers; CCTV at the dock to follow up.")
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator(".messages")).to_contain_text("Review completed.")
    expect(page.locator("#questionnaire-status")).to_have_text("Reviewed")

    page.get_by_role("link", name="← Shenzhen Bright Toys Co. Ltd").click()
    expect(questionnaire_row).to_contain_text("Reviewed")
    action = page.locator("#actions tbody tr")
    expect(action).to_contain_text("Install CCTV at the loading dock")
    expect(action).to_contain_text(f"Question {no_reference}")
    reasons = page.locator("article", has=page.get_by_role("heading", name=re.compile("Risk tier")))
    expect(reasons.get_by_role("row").filter(has_text="Security questionnaire")).to_contain_text(
        f"Questionnaire: {score}% of applicable questions met."
    )
    expect(reasons.get_by_role("row").filter(has_text="Open weaknesses")).to_contain_text(
        "1 open weakness"
    )
    assert page.console_errors == []
