"""The PCSO walks CBP's five risk-assessment steps and downloads the signed-off report."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from openctpat.accounts.services import update_organisation
from openctpat.testing import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANES_CSV = """lane,position,node_type,mode,name,country,activities
Shenzhen toys by sea,1,supplier,,Shenzhen Bright Toys Co.,CN,stuffing;sealing
Shenzhen toys by sea,2,carrier_leg,sea,Pacific Star Line,CN,transport
Shenzhen toys by sea,3,warehouse,,Newark DC,US,storage
Monterrey parts by road,1,manufacturer,,Acme Manufacturing de Mexico,MX,stuffing;sealing
Monterrey parts by road,2,carrier_leg,highway,Transportes del Norte,MX,transport
Monterrey parts by road,3,warehouse,,Newark DC,US,storage
Saigon apparel by sea,1,manufacturer,,Saigon Garment Works,VN,stuffing
Saigon apparel by sea,2,customs_broker,,Liberty Customs Brokers,US,document_handling
"""


def test_five_steps_sign_off_and_report(page, tmp_path):
    pcso = make_user("pcso@acme.test", first_name="Pat", last_name="Rivera")
    org = make_org("Acme Imports Inc.", owner=pcso)
    update_organisation(org, pcso, entity_types=["importer"])
    page.goto("/")
    page.get_by_label("Email").fill("pcso@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Risk assessment").click()
    page.get_by_label("Title").fill("Risk assessment 2026")
    page.get_by_role("button", name="Start").click()

    # Step 1: three lanes in four countries from a CSV; each drawn as a diagram.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1: map the cargo flow")
    lanes_file = tmp_path / "lanes.csv"
    lanes_file.write_text(LANES_CSV)
    page.get_by_label("File").set_input_files(str(lanes_file))
    page.get_by_role("button", name="Import CSV").click()
    expect(page.locator(".messages")).to_contain_text("Imported 8 parties, 3 new lanes")
    expect(page.locator(".diagram svg")).to_have_count(3)
    expect(page.locator(".diagram").filter(has_text="Saigon")).to_contain_text("VN · Viet")

    # Step 2: accept the reference suggestions, override one with a reason, rate the rest.
    page.get_by_role("link", name="2. Country threats").click()
    page.get_by_role("button", name="Accept every open suggestion").click()
    expect(page.locator(".messages")).to_contain_text("suggestions accepted")
    mexico = (
        page.get_by_role("row")
        .filter(has_text="Contraband smuggling")
        .filter(has=page.get_by_role("cell", name="MX", exact=True))
    )
    mexico.get_by_label("Rating for MX Contraband smuggling (drugs, weapons)").select_option(
        "Medium"
    )
    mexico.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("say why")
    mexico = (
        page.get_by_role("row")
        .filter(has_text="Contraband smuggling")
        .filter(has=page.get_by_role("cell", name="MX", exact=True))
    )
    mexico.get_by_label("Rating for MX Contraband smuggling (drugs, weapons)").select_option(
        "Medium"
    )
    mexico.get_by_label("Override reason for MX Contraband smuggling (drugs, weapons)").fill(
        "Our lane is a bonded FAST crossing."
    )
    mexico.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Override: Our lane is a bonded FAST crossing.")).to_be_visible()
    while page.locator("#bulk-country").count():
        page.get_by_role("button", name="Rate", exact=True).first.click()
        expect(page.locator(".messages")).to_contain_text("open threat ratings set")
    expect(page.get_by_text("undecided")).to_have_count(0)

    # Step 3: rate each party's open MSC categories.
    page.get_by_role("link", name="3. Vulnerabilities").click()
    while page.locator(".bulk-nodes li").count():
        page.locator(".bulk-nodes li").first.get_by_role("button", name="Medium").click()
        expect(page.locator(".messages")).to_contain_text("open categories rated")

    # Step 4: heat map, ranked risks, an action.
    page.get_by_role("link", name="4. Risks and actions").click()
    expect(page.locator("#ranked-risks tbody tr").first).to_contain_text("Medium")
    page.get_by_label("Title").fill("Audit Transportes del Norte's seal control")
    page.get_by_label("Party").select_option(
        label="Monterrey parts by road #2: Transportes del Norte"
    )
    page.get_by_role("button", name="Add action").click()
    expect(page.locator(".messages")).to_contain_text("Action added")

    # Step 5: method, sign-off, frozen.
    page.get_by_role("link", name="5. Method and sign-off").click()
    page.get_by_label("Participants").fill("Pat Rivera (PCSO), logistics team")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#readiness")).to_contain_text("0 threat and 0 vulnerability")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign off as PCSO").click()
    expect(page.locator(".messages")).to_contain_text("signed off")
    expect(page.get_by_text("this assessment is read-only")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF report").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    for expected in (
        "Supply chain security risk assessment",
        "Saigon apparel by sea",
        "Our lane is a bonded FAST crossing.",
        "Audit Transportes del Norte",
        "Approved by Pat Rivera",
    ):
        assert expected in text, expected
    assert page.console_errors == []
