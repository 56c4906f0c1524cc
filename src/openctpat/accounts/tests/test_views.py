import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openctpat.accounts.models import Invitation, Membership, Organisation
from openctpat.accounts.services import invite_member
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import PASSWORD, add_member, make_user, owner_of


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def reset_throttle():
    """django-otp delays the next try after a wrong code; tests retry at once."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.mark.django_db
class TestSignIn:
    def test_login_and_logout_are_audited(self, org_a):
        owner = owner_of(org_a)
        client = Client()
        assert sign_in(client, owner.email).status_code == 302
        assert client.get("/").status_code == 200
        client.post("/accounts/logout/")
        actions = set(AuditEntry.objects.for_org(org_a).values_list("action", flat=True))
        assert {"login", "logout"} <= actions

    def test_failed_login_is_audited_once_in_the_system_chain(self, org_a, org_b):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.VIEWER)
        response = sign_in(Client(), owner.email, "wrong")
        assert response.status_code == 200 and b"Please enter a correct" in response.content
        entry = AuditEntry.objects.filter(action="login_failed").get()
        assert entry.chain == "system" and entry.object_id == str(owner.pk)
        assert entry.actor_user_id is None and entry.ip == "127.0.0.1"
        assert not AuditEntry.objects.filter(organisation__in=[org_a, org_b], action="login_failed")

    def test_unknown_user_failure_goes_to_system_chain(self, db):
        sign_in(Client(), "ghost@example.test", "whatever")
        entry = AuditEntry.objects.filter(chain="system", action="login_failed").get()
        assert entry.object_repr == "ghost@example.test"

    def test_lockout_after_five_failures(self, org_a):
        owner = owner_of(org_a)
        client = Client()
        for _ in range(5):
            sign_in(client, owner.email, "wrong")
        response = sign_in(client, owner.email)  # even the right password is refused now
        assert response.status_code == 429
        assert b"Too many failed sign-ins" in response.content
        lockout = AuditEntry.objects.filter(chain="system", action="lockout").get()
        assert lockout.changes == {"failures": 5, "locked_minutes": 15}

    def test_pages_need_login(self, db):
        response = Client().get("/accounts/members/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_security_headers(self, org_a, login):
        response = login(org_a).get("/")
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_csrf_is_enforced(self, org_a):
        client = Client(enforce_csrf_checks=True)
        client.force_login(owner_of(org_a))
        assert (
            client.post("/accounts/members/", {"email": "a@b.test", "role": "viewer"}).status_code
            == 403
        )

    def test_password_reset_email(self, org_a):
        owner = owner_of(org_a)
        response = Client().post("/accounts/password-reset/", {"email": owner.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
        client = Client()
        page = client.get(link, follow=True)
        assert page.status_code == 200 and b"Choose a new password" in page.content
        new = "a-brand-new-passphrase-77"
        client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert sign_in(Client(), owner.email, new).status_code == 302


@pytest.mark.django_db
class TestTwoFactor:
    def enrol(self, client):
        client.get("/accounts/two-factor/setup/")
        device = TOTPDevice.objects.get(confirmed=False)
        response = client.post("/accounts/two-factor/setup/", {"code": current_code(device)})
        assert b"backup codes" in response.content
        device.refresh_from_db()
        return device, re.findall(rb"<li>(\w+)</li>", response.content)

    def test_enrol_then_code_required_at_sign_in(self, org_a):
        owner = owner_of(org_a)
        client = Client()
        sign_in(client, owner.email)
        device, codes = self.enrol(client)
        assert device.confirmed and len(codes) == 10
        assert AuditEntry.objects.for_org(org_a).filter(action="mfa_enabled").exists()

        second = Client()
        sign_in(second, owner.email)
        response = second.get("/accounts/members/")
        assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
        # the API refuses an unverified session too
        assert second.get("/api/v1/me").status_code == 401
        assert second.post("/accounts/two-factor/verify/", {"code": "000000"}).status_code == 200
        reset_throttle()
        response = second.post(
            "/accounts/two-factor/verify/?next=/accounts/members/", {"code": codes[0].decode()}
        )
        assert response["Location"] == "/accounts/members/"
        assert second.get("/accounts/members/").status_code == 200

    def test_wrong_code_does_not_enrol(self, org_a, login):
        client = login(org_a)
        client.get("/accounts/two-factor/setup/")
        response = client.post("/accounts/two-factor/setup/", {"code": "123456"})
        assert b"not right" in response.content
        assert not TOTPDevice.objects.filter(confirmed=True).exists()

    def test_organisation_can_require_two_factor(self, org_a, login):
        Organisation.objects.filter(pk=org_a.pk).update(require_mfa=True)
        viewer = login(org_a, Role.VIEWER)
        response = viewer.get("/")
        assert response.status_code == 302 and response["Location"].endswith("/two-factor/setup/")
        self.enrol(viewer)
        assert viewer.get("/").status_code == 200
        response = viewer.post("/accounts/two-factor/disable/", {"code": "x"}, follow=True)
        assert b"requires two-factor" in response.content
        assert TOTPDevice.objects.filter(confirmed=True).exists()

    def test_disable_needs_a_current_code(self, org_a, login):
        client = login(org_a)
        device, _codes = self.enrol(client)
        client.post("/accounts/two-factor/disable/", {"code": "000000"})
        assert TOTPDevice.objects.filter(confirmed=True).exists()
        device.refresh_from_db()
        device.last_t = -1
        device.save()
        reset_throttle()
        client.post("/accounts/two-factor/disable/", {"code": current_code(device)})
        assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
class TestOrganisationPages:
    def test_switch_organisation(self, org_a, org_b, login):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.VIEWER)
        client = login(org_a)
        assert b"Alpha Imports LLC" in client.get("/").content
        client.post("/accounts/switch/", {"organisation": org_b.pk})
        page = client.get("/").content
        assert b"Bravo Logistics GmbH</h1>" in page and b"viewer" in page
        response = client.post("/accounts/switch/", {"organisation": 999999}, follow=True)
        assert b"not a member" in response.content

    def test_owner_edits_settings_with_audit(self, org_a, login):
        client = login(org_a)
        response = client.post(
            "/accounts/organisation/",
            {
                "name": "Alpha Imports LLC",
                "ctpat_account_number": "C-42",
                "entity_types": ["importer", "exporter"],
                "ior_number": "",
                "continuous_bond_number": "",
                "pcso": owner_of(org_a).pk,
                "require_mfa": "",
            },
        )
        assert response.status_code == 302
        org_a.refresh_from_db()
        assert (
            org_a.entity_types == ["importer", "exporter"] and org_a.ctpat_account_number == "C-42"
        )
        entry = AuditEntry.objects.for_org(org_a).filter(action="update").get()
        assert entry.changes["ctpat_account_number"] == ["", "C-42"]

    @pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR])
    def test_non_owner_cannot_edit_settings(self, org_a, login, role):
        client = login(org_a, role)
        assert client.get("/accounts/organisation/").status_code == 200
        client.post("/accounts/organisation/", {"name": "Hijacked"})
        org_a.refresh_from_db()
        assert org_a.name == "Alpha Imports LLC"

    @pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR])
    def test_only_owner_manages_members_and_tokens(self, org_a, login, role):
        member = add_member(org_a, Role.VIEWER)
        client = login(org_a, role)
        assert (
            client.post(f"/accounts/members/{member.pk}/role/", {"role": "owner"}).status_code
            == 403
        )
        assert client.post(f"/accounts/members/{member.pk}/remove/").status_code == 403
        assert client.get("/accounts/tokens/").status_code == 403
        client.post("/accounts/members/", {"email": "x@example.test", "role": "owner"})
        assert not Invitation.objects.exists()
        member.refresh_from_db()
        assert member.role == Role.VIEWER

    def test_audit_pages_for_owner_and_auditor_only(self, org_a, login):
        for role, status in [
            (Role.OWNER, 200),
            (Role.AUDITOR, 200),
            (Role.VIEWER, 403),
            (Role.CONTRIBUTOR, 403),
        ]:
            client = login(org_a, role)
            assert client.get("/audit/").status_code == status
            assert client.get("/audit/verify/").status_code == status

    def test_role_change_with_htmx_returns_row(self, org_a, login):
        member = add_member(org_a, Role.VIEWER)
        response = login(org_a).post(
            f"/accounts/members/{member.pk}/role/",
            {"role": "auditor"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert f'id="member-{member.pk}"'.encode() in response.content
        member.refresh_from_db()
        assert member.role == Role.AUDITOR
        assert AuditEntry.objects.for_org(org_a).filter(action="permission_change").exists()

    def test_token_created_and_shown_once(self, org_a, login):
        client = login(org_a)
        response = client.post(
            "/accounts/tokens/", {"name": "ERP", "role": "viewer", "expires_in_days": 30}
        )
        raw = re.search(rb'id="new-token">(ctpat_[^<]+)<', response.content).group(1).decode()
        assert raw not in client.get("/accounts/tokens/").content.decode()

    def test_audit_filter_htmx_fragment(self, org_a, login):
        client = login(org_a, Role.AUDITOR)
        response = client.get("/audit/?action=create", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert b"<html" not in response.content and b"create" in response.content


@pytest.mark.django_db
class TestInvitations:
    def test_new_user_signs_up_through_link(self, org_a):
        _inv, raw = invite_member(org_a, owner_of(org_a), "newbie@example.test", Role.CONTRIBUTOR)
        client = Client()
        page = client.get(f"/accounts/invitations/{raw}/")
        assert b"newbie@example.test" in page.content
        response = client.post(
            f"/accounts/invitations/{raw}/",
            {
                "first_name": "New",
                "last_name": "Bie",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
        )
        assert response.status_code == 302
        assert Membership.objects.get(user__email="newbie@example.test").role == Role.CONTRIBUTOR
        assert client.get(f"/accounts/invitations/{raw}/").status_code == 404  # single use

    def test_existing_user_accepts_after_login(self, org_a):
        user = make_user("known@example.test")
        _inv, raw = invite_member(org_a, owner_of(org_a), user.email, Role.VIEWER)
        client = Client()
        assert "/accounts/login/" in client.get(f"/accounts/invitations/{raw}/")["Location"]
        sign_in(client, user.email)
        client.post(f"/accounts/invitations/{raw}/")
        assert Membership.objects.filter(user=user, organisation=org_a).exists()

    def test_wrong_user_cannot_accept(self, org_a, login, org_b):
        _inv, raw = invite_member(org_a, owner_of(org_a), "someone@example.test", Role.VIEWER)
        client = login(org_b)
        response = client.post(f"/accounts/invitations/{raw}/", follow=True)
        assert b"sign in with that address" in response.content
        assert not Membership.objects.filter(organisation=org_a, user=client.user).exists()

    def test_expired_link(self, org_a):
        inv, raw = invite_member(org_a, owner_of(org_a), "late@example.test", Role.VIEWER)
        Invitation.objects.filter(pk=inv.pk).update(expires_at="2000-01-01T00:00:00Z")
        assert Client().get(f"/accounts/invitations/{raw}/").status_code == 404
