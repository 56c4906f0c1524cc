"""A PCSO signs in, turns on two-factor, switches organisation and reads the audit trail."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from openctpat.core.permissions import Role
from openctpat.testing import PASSWORD, add_member, make_org, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def test_sign_in_enrol_totp_switch_organisation_read_audit(page):
    pcso = make_user("pcso@acme.test", first_name="Pat", last_name="Rivera")
    make_org("Acme Imports Inc.", owner=pcso)
    factory = make_org("Acme Manufacturing de Mexico")
    add_member(factory, Role.OWNER, pcso)

    page.goto("/")
    page.get_by_label("Email").fill("pcso@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Imports Inc.")

    page.get_by_role("link", name="pcso@acme.test").click()
    page.get_by_role("button", name="Set up two-factor authentication").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Authentication code").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Switch organisation").select_option(label="Acme Manufacturing de Mexico")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Manufacturing de Mexico")
    expect(page.locator(".messages")).to_contain_text("Now working in Acme Manufacturing de Mexico")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    table = page.locator("#audit-table")
    expect(table).to_contain_text("mfa_enabled")
    expect(table).to_contain_text("login")
    # Filtering swaps the table in place through HTMX and keeps the URL shareable.
    page.get_by_label("Action").select_option("mfa_enabled")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).not_to_contain_text("login")
    assert "action=mfa_enabled" in page.url

    page.get_by_role("link", name="Verify the chain").click()
    expect(page.locator("#chain-status")).to_contain_text("Intact")

    # Signing in again now asks for a code.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("pcso@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your authentication code")).to_be_visible()

    assert page.console_errors == []  # e.g. no Content-Security-Policy violation
