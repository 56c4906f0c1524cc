"""On a phone at the loading dock: a 7-point inspection sealed with a seal from inventory;
at the receiving site the VVTT check finds another number on the seal, which opens an
incident with its CBP deadline."""

import pytest
from playwright.sync_api import expect

from openctpat.core.permissions import Role
from openctpat.inspections.models import Incident, Seal
from openctpat.testing import PASSWORD, add_member, make_org, make_user
from openctpat.testing.inspections import make_batch
from openctpat.testing.profiles import make_site

from .conftest import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _phone(browser, live_server):
    return open_page(browser, live_server.url, **PHONE)


def _sign_in(page, email):
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_phone_inspection_with_seal_then_vvtt_mismatch_opens_incident(browser, live_server):
    pcso = make_user("pcso@acme.test")
    org = make_org("Acme Imports Inc.", owner=pcso)
    inspector = make_user("dock@acme.test")
    add_member(org, Role.CONTRIBUTOR, inspector)
    add_member(org, Role.CONTRIBUTOR, make_user("receiving@acme.test"))
    make_site(org, name="Monterrey plant", country="MX")
    make_site(org, name="Laredo DC", country="US")
    batch = make_batch(org, first=4_510_000, size=10, prefix="AC")
    batch.issuers.add(inspector)
    seal_number = "AC4510000"

    dock, page = _phone(browser, live_server)
    _sign_in(page, "dock@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inspections").click()
    page.get_by_role("button", name="New inspection").click()
    page.get_by_label("Checklist").select_option(label="7-point container / IIT inspection (v1)")
    page.get_by_label("Site").select_option(label="Monterrey plant")
    # A misread digit is caught by the ISO 6346 check digit.
    page.get_by_label("Container number").fill("CSQU3054384")
    page.get_by_label("Shipment reference").fill("PO-77812")
    page.get_by_role("button", name="Start inspection").click()
    expect(page.locator("form.inspection-form")).to_contain_text("check digit")
    page.get_by_label("Container number").fill("CSQU3054383")
    page.get_by_role("button", name="Start inspection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CSQU3054383")
    assert _fits_the_screen(page)

    # One tap per point; a fail needs a note, then the point passes after a second look.
    front = page.locator(".point").filter(has_text="Front wall")
    front.get_by_role("button", name="Pass").click()
    expect(front.get_by_role("button", name="Pass")).to_have_attribute("aria-pressed", "true")
    floor = page.locator(".point").filter(has_text="Floor (inside)")
    floor.get_by_role("button", name="Fail").click()
    expect(floor.get_by_label("What was found")).to_be_visible()
    floor.get_by_role("button", name="Save failed point").click()
    expect(floor.get_by_label("What was found")).to_be_visible()
    floor.get_by_role("button", name="Pass").click()
    expect(floor.get_by_role("button", name="Pass")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Pass all remaining").click()
    expect(page.get_by_role("button", name="Pass all remaining")).to_have_count(0)

    page.get_by_label("Inspected and signed by").fill("Diego Ramos")
    page.get_by_label("Seal number 1").fill(seal_number)
    page.get_by_role("button", name="Sign and complete").click()
    expect(page.get_by_role("heading", name="Result: Pass")).to_be_visible()
    expect(page.locator(".inspection-outcome")).to_contain_text(seal_number)
    assert _fits_the_screen(page)
    assert page.console_errors == []
    dock.close()
    seal = Seal.objects.get(number=seal_number)
    assert seal.state == "applied" and seal.container_number == "CSQU3054383"
    assert seal.issued_to == inspector

    # The receiving site: the documents say AC4510000, the door carries AC4510007.
    receiving, page = _phone(browser, live_server)
    _sign_in(page, "receiving@acme.test")
    page.goto("/inspections/seals/verify/")
    page.get_by_label("Receiving site").select_option(label="Laredo DC")
    page.get_by_label("Seal number on the documents").fill(seal_number)
    page.get_by_label("Seal number read on the seal").fill("AC4510007")
    page.get_by_label("View: seal and locking hardware intact").check()
    page.get_by_label("Tug: the seal does not come apart").check()
    page.get_by_label("Twist and turn").check()
    page.get_by_role("button", name="Record the VVTT check").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Seal discrepancy")
    expect(page.locator("#cbp")).to_contain_text("Report to CBP by")
    assert _fits_the_screen(page)
    incident = Incident.objects.get()
    assert incident.incident_type == "seal_discrepancy"
    assert incident.seal.number == seal_number
    assert incident.inspection.container_number == "CSQU3054383"
    assert incident.cbp_reportable and incident.cbp_reported_at is None
    assert page.console_errors == []
    receiving.close()
