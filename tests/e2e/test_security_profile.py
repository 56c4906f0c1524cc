"""A PCSO answers the importer MSC with evidence, runs the annual review and downloads
the binder and workbook a validator reads."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from openctpat.accounts.services import update_organisation
from openctpat.testing import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pcso_answers_attaches_evidence_reviews_and_exports(page, tmp_path):
    pcso = make_user("pcso@acme.test", first_name="Pat", last_name="Rivera")
    org = make_org("Acme Imports Inc.", owner=pcso)
    update_organisation(org, pcso, entity_types=["importer"])

    page.goto("/")
    page.get_by_label("Email").fill("pcso@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Start the importer profile.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Security profiles").click()
    page.get_by_label("Entity type").select_option("importer")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer")
    expect(page.locator("#answered-pct")).to_have_text("0%")

    # Filter to Seal Security through HTMX and answer 6.2.
    page.get_by_label("Category").select_option("6")
    expect(page.locator("#answers tbody tr").first).to_contain_text("6.")
    page.locator("#answers").get_by_role("link", name="6.2", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("6.2")

    # A Must cannot be N/A without an override reason.
    page.get_by_label("Status", exact=True).select_option("not_applicable")
    page.get_by_label("N/A justification").fill("We do not seal.")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("alert").first).to_contain_text("is a Must")

    page.get_by_label("Status", exact=True).select_option("meets")
    narrative = "Every container is sealed with an ISO 17712 H bolt seal."
    page.get_by_label("Narrative", exact=True).fill(narrative)
    page.get_by_label("N/A justification").fill("")
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator(".messages")).to_contain_text("6.2 saved")

    # Upload a document and link it to the answer.
    page.get_by_text("Upload a new document and link it").click()
    evidence = tmp_path / "seal-procedure.txt"
    evidence.write_text("Seal procedure: VVTT on every seal.\n")
    upload = page.locator("form", has=page.get_by_role("button", name="Upload and link"))
    upload.get_by_label("File").set_input_files(str(evidence))
    upload.get_by_label("Title").fill("Seal procedure")
    upload.get_by_role("button", name="Upload and link").click()
    expect(page.locator(".messages")).to_contain_text("Uploaded and linked Seal procedure")
    expect(page.get_by_role("link", name="Seal procedure")).to_be_visible()

    # Completeness moved.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Importer").click()
    expect(page.locator("#answered-pct")).not_to_have_text("0%")

    # Annual review: set the anniversary inside the 90-day window, re-affirm, complete.
    anniversary = timezone.localdate() + datetime.timedelta(days=45)
    page.get_by_label("Anniversary date").fill(anniversary.isoformat())
    page.get_by_role("button", name="Save date").click()
    page.get_by_role("button", name="Annual review").click()
    page.get_by_role("button", name="Start this year's review").click()
    expect(page.locator("#review-progress")).to_contain_text("0 of")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Re-affirm all remaining").click()
    expect(page.locator(".messages")).to_contain_text("criteria re-affirmed")
    page.get_by_role("button", name="Complete review").click()
    expect(page.locator(".messages")).to_contain_text("Annual review completed")
    expect(page.get_by_role("link", name=f"{anniversary.year} review")).to_be_visible()

    # Download the PDF binder and the XLSX workbook.
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Importer").click()
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download PDF binder").click()
    pdf_path = tmp_path / "binder.pdf"
    pdf_download.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Acme Imports Inc." in text and "Seal Security" in text
    assert "ISO 17712 H bolt seal" in text
    for criterion_id in ("1.1", "6.2", "12.8"):
        assert criterion_id in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download XLSX").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    assert page.console_errors == []
