"""A new partner hits the list; the PCSO clears one alert as a false positive, marks another
as a true match, and a second reviewer confirms it (four eyes)."""

import pytest
from playwright.sync_api import expect

from openctpat.core.permissions import Role
from openctpat.screening import services
from openctpat.testing import PASSWORD, add_member, make_org, make_user
from openctpat.testing.screening import make_version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email):
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _add_partner(page, name, country_label):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    page.get_by_role("button", name="Add partner").click()
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Type", exact=True).select_option("sea_carrier")
    page.get_by_label("Main country").select_option(label=country_label)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_alerts_false_positive_and_four_eyes_true_match(page, browser, live_server):
    services._index_cache.clear()
    pcso = make_user("pcso@acme.test")
    org = make_org("Acme Imports Inc.", owner=pcso)
    add_member(org, Role.CONTRIBUTOR, make_user("second@acme.test"))
    make_version()
    _sign_in(page, "pcso@acme.test")

    # Four eyes on: a true match needs a second reviewer.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Screening").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("A true match needs a second reviewer's confirmation").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Screening settings saved.")

    # A new partner is screened at once and raises an alert.
    _add_partner(page, "Golden Crescent Shipping Co.", "Iran, Islamic Republic of")
    expect(page.locator("#screening-outcome")).to_contain_text("Potential match")
    page.locator("#screening").get_by_role("link", name="SDN 1001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SDN 1001")
    expect(page.locator("table.explanation")).to_contain_text("Why it matched")
    page.get_by_label("Reason").fill("Different company: Canadian registration, other owners")
    page.get_by_role("button", name="False positive").click()
    expect(page.locator("#alert-status")).to_have_text("False positive")
    # Screening again does not raise it again.
    page.get_by_role("link", name="Golden Crescent Shipping Co.").first.click()
    page.get_by_role("button", name="Screen now").click()
    expect(page.locator("#screening-outcome")).to_contain_text("No match")

    # Another partner: marked as a true match, awaiting the second reviewer.
    _add_partner(page, "Novotech Industrial Supply LLC", "Russian Federation")
    page.locator("#screening").get_by_role("link", name="SDN 1003").click()
    page.get_by_label("Reason").fill("Same address and directors as the listed entity")
    page.get_by_role("button", name="True match").click()
    expect(page.locator("#alert-status")).to_have_text("True match, awaiting a second reviewer")
    expect(page.get_by_role("button", name="Confirm the true match")).to_have_count(0)
    alert_url = page.url

    second = browser.new_context(base_url=live_server.url).new_page()
    _sign_in(second, "second@acme.test")
    second.get_by_role("navigation", name="Main").get_by_role("link", name="Screening").click()
    second.get_by_role("link", name="SDN 1003 — NOVOTECH INDUSTRIAL SUPPLY LLC").click()
    second.get_by_label("Reason").fill("Checked the registry extract")
    second.get_by_role("button", name="Confirm the true match").click()
    expect(second.locator("#alert-status")).to_have_text("True match")
    second.context.close()

    page.goto(alert_url)
    page.get_by_role("link", name="Novotech Industrial Supply LLC").first.click()
    expect(page.locator("#screening-outcome")).to_contain_text("Confirmed match")
    expect(page.get_by_role("heading", level=1)).to_contain_text("High risk")
    expect(page.locator("main")).to_contain_text("Suspended")

    # The ad-hoc search box explains its hits.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Screening").click()
    page.get_by_label("Name to screen").fill("Ali Mohammed Hassan")
    page.get_by_role("button", name="Screen a name").click()
    expect(page.locator("#search-outcome")).to_contain_text("Potential match")
    expect(page.locator("main")).to_contain_text("SDN 1002")
    assert page.console_errors == []
