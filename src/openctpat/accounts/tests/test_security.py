"""Tokens and two-factor, password changes, sign-in throttling behind a proxy, audit volume."""

import re
from collections import Counter

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openctpat.accounts.models import ApiToken, Membership, Organisation
from openctpat.core.client_address import client_ip
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import PASSWORD, add_member, owner_of, token_for
from openctpat.testing.api import ApiClient

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
FAILED_SIGN_INS = ("login_failed", "lockout", "login_refused")


def require_two_factor(org) -> None:
    Organisation.objects.filter(pk=org.pk).update(require_mfa=True)


def enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


class TestTokensAndTwoFactor:
    def test_token_of_a_member_without_required_two_factor_is_refused(self, org_a):
        owner = owner_of(org_a)
        token = ApiClient(token_for(org_a, Role.OWNER))
        assert token.get("/api/v1/me").status_code == 200
        require_two_factor(org_a)
        for response in (
            token.get("/api/v1/me"),
            token.post("/api/v1/screening/screen", {"name": "x"}),
            token.post("/api/v1/tokens", {"name": "long", "role": "owner"}),
            token.patch("/api/v1/organisation", {"require_mfa": False}),
        ):
            assert response.status_code == 403
            error = response.json()["error"]
            assert error["code"] == "permission_denied"
            assert "requires two-factor" in error["message"] and "set it up" in error["message"]
        org_a.refresh_from_db()
        assert org_a.require_mfa is True
        assert ApiToken.objects.filter(user=owner).count() == 1
        enrol(owner)
        assert token.get("/api/v1/me").status_code == 200  # works again once enrolled

    def test_only_the_token_organisation_policy_applies(self, org_a, org_b):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.OWNER)
        token_b = ApiClient(token_for(org_b, Role.VIEWER, user=owner))
        require_two_factor(org_a)
        assert token_b.get("/api/v1/me").status_code == 200
        assert ApiClient(token_for(org_a, Role.VIEWER)).get("/api/v1/me").status_code == 403

    @pytest.mark.parametrize(
        "method,path,body",
        [
            ("post", "/api/v1/tokens", {"name": "new owner token", "role": "owner"}),
            ("patch", "/api/v1/organisation", {"require_mfa": False}),
            ("post", "/api/v1/invitations", {"email": "evil@example.test", "role": "owner"}),
            ("patch", "/api/v1/screening/settings", {"four_eyes": False}),
            ("patch", "/api/v1/partner-tier-settings", {"weight_screening": 0}),
        ],
    )
    def test_an_owner_token_cannot_mint_tokens_or_change_settings(self, org_a, method, path, body):
        enrol(owner_of(org_a))  # even with two-factor set up: the token carries no second factor
        Organisation.objects.filter(pk=org_a.pk).update(require_mfa=True)
        response = getattr(ApiClient(token_for(org_a, Role.OWNER)), method)(path, body)
        assert response.status_code == 403, response.content
        assert "cannot change members, tokens" in response.json()["error"]["message"]
        assert ApiToken.objects.count() == 1
        org_a.refresh_from_db()
        assert org_a.require_mfa is True

    def test_an_owner_token_cannot_revoke_tokens_or_change_roles(self, org_a):
        owner = owner_of(org_a)
        member = add_member(org_a, Role.VIEWER)
        token = ApiClient(token_for(org_a, Role.OWNER))
        other = ApiToken.objects.get()
        assert token.delete(f"/api/v1/tokens/{other.pk}").status_code == 403
        assert token.patch(f"/api/v1/members/{member.pk}", {"role": "owner"}).status_code == 403
        assert token.delete(f"/api/v1/members/{member.pk}").status_code == 403
        assert token.get("/api/v1/tokens").status_code == 200  # reading is allowed
        assert token.get("/api/v1/invitations").status_code == 200
        member.refresh_from_db()
        assert member.role == Role.VIEWER and not ApiToken.objects.get().revoked_at
        assert owner.is_active

    def test_a_verified_session_mints_tokens_and_changes_the_policy(self, org_a, session):
        client = session(org_a)
        created = client.post("/api/v1/tokens", {"name": "CI", "role": "viewer"})
        assert created.status_code == 201
        assert client.patch("/api/v1/organisation", {"require_mfa": True}).status_code == 200
        # now required and not enrolled: the session must enrol first, like the pages
        assert client.post("/api/v1/tokens", {"name": "CI 2", "role": "viewer"}).status_code == 401

    def test_tokens_page_says_which_tokens_two_factor_stops(self, org_a, login):
        owner = owner_of(org_a)
        enrol(owner)
        member = add_member(org_a, Role.CONTRIBUTOR).user
        token_for(org_a, Role.VIEWER, user=member)
        token_for(org_a, Role.VIEWER, user=owner)
        client = login(org_a)
        session = client.session  # the owner passed two-factor in this session
        session["otp_device_id"] = TOTPDevice.objects.get(user=owner).persistent_id
        session.save()
        assert b"Refused until" not in client.get("/accounts/tokens/").content
        require_two_factor(org_a)
        body = client.get("/accounts/tokens/").content.decode()
        assert f"Refused until {member.email} sets up two-factor authentication" in body
        assert f"Refused until {owner.email}" not in body
        assert "requires two-factor authentication, so a token works only" in body


class TestPasswords:
    def test_reset_revokes_every_token_and_is_audited(self, org_a, org_b):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.OWNER)
        raw_a = token_for(org_a, Role.OWNER)
        raw_b = token_for(org_b, Role.VIEWER, user=owner)
        Client().post("/accounts/password-reset/", {"email": owner.email})
        link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
        client = Client()
        page = client.get(link, follow=True)
        assert b"revokes every API token" in page.content
        new = "a-brand-new-passphrase-77"
        done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert ApiClient(raw_a).get("/api/v1/me").status_code == 401
        assert ApiClient(raw_b).get("/api/v1/me").status_code == 401
        for org in (org_a, org_b):
            entries = AuditEntry.objects.for_org(org)
            reset = entries.filter(action="password_reset").get()
            assert reset.changes == {"tokens_revoked": 2} and reset.actor_user_id == owner.pk
            assert entries.filter(action="token_revoked").count() == 1

    def test_change_asks_and_revokes_by_default(self, org_a, login):
        client = login(org_a)
        owner = client.user
        raw = token_for(org_a, Role.OWNER)
        page = client.get("/accounts/password/").content.decode()
        assert "You have 1 active API token" in page
        assert re.search(r'name="revoke_tokens"[^>]*checked', page)
        new = "another-new-passphrase-88"
        response = client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password1": new,
                "new_password2": new,
                "revoke_tokens": "on",
            },
            follow=True,
        )
        assert b"1 API token revoked" in response.content
        assert ApiClient(raw).get("/api/v1/me").status_code == 401
        entry = AuditEntry.objects.for_org(org_a).filter(action="password_changed").get()
        assert entry.changes == {"tokens_revoked": 1} and entry.actor_user_id == owner.pk

    def test_change_can_keep_the_tokens(self, org_a, login):
        client = login(org_a)
        raw = token_for(org_a, Role.OWNER)
        new = "another-new-passphrase-88"
        client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert ApiClient(raw).get("/api/v1/me").status_code == 200
        entry = AuditEntry.objects.for_org(org_a).filter(action="password_changed").get()
        assert entry.changes == {"tokens_revoked": 0}

    def test_reset_requests_are_limited_per_account(self, org_a):
        email = owner_of(org_a).email
        for n in range(3):
            client = Client(REMOTE_ADDR=f"192.0.2.{n}")
            assert client.post("/accounts/password-reset/", {"email": email}).status_code == 302
        refused = Client(REMOTE_ADDR="192.0.2.99").post(
            "/accounts/password-reset/", {"email": email.upper()}
        )
        assert refused.status_code == 429 and b"Too many password reset" in refused.content
        assert len(mail.outbox) == 3
        other = Client(REMOTE_ADDR="192.0.2.99").post(
            "/accounts/password-reset/", {"email": "someone-else@example.test"}
        )
        assert other.status_code == 302

    def test_reset_requests_are_limited_per_address(self, db):
        client = Client(REMOTE_ADDR="192.0.2.50")
        for n in range(10):
            sent = client.post("/accounts/password-reset/", {"email": f"n{n}@example.test"})
            assert sent.status_code == 302
        refused = client.post("/accounts/password-reset/", {"email": "n99@example.test"})
        assert refused.status_code == 429
        elsewhere = Client(REMOTE_ADDR="192.0.2.51")
        assert (
            elsewhere.post("/accounts/password-reset/", {"email": "n99@example.test"}).status_code
            == 302
        )


class TestClientAddress:
    def address(self, settings, hops, remote="10.0.0.1", forwarded=None):
        settings.CTPAT_TRUSTED_PROXY_COUNT = hops
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **extra))

    def test_without_proxies_the_header_is_ignored(self, settings):
        assert self.address(settings, 0, "198.51.100.4", "203.0.113.9") == "198.51.100.4"

    def test_the_entry_the_trusted_proxy_added_is_used(self, settings):
        assert self.address(settings, 1, PROXY, "203.0.113.9") == "203.0.113.9"
        spoofed = self.address(settings, 1, PROXY, "1.2.3.4, 5.6.7.8, 203.0.113.9")
        assert spoofed == "203.0.113.9"
        assert self.address(settings, 2, PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.2") == "203.0.113.9"

    def test_missing_or_bad_entries_fall_back_to_the_connecting_address(self, settings):
        assert self.address(settings, 1, PROXY) == PROXY
        assert self.address(settings, 2, PROXY, "203.0.113.9") == PROXY
        assert self.address(settings, 1, PROXY, "203.0.113.9, not-an-address") == PROXY

    def test_lockout_behind_a_proxy_is_per_client(self, org_a, settings):
        settings.CTPAT_TRUSTED_PROXY_COUNT = 1
        email = owner_of(org_a).email
        attacker = Client(REMOTE_ADDR=PROXY)
        for n in range(5):
            # changing the spoofed leftmost entry does not escape the lockout
            headers = {"X-Forwarded-For": f"10.8.0.{n}, 203.0.113.66"}
            sign_in(attacker, email, "wrong", headers=headers)
        locked = sign_in(attacker, email, headers={"X-Forwarded-For": "10.8.0.9, 203.0.113.66"})
        assert locked.status_code == 429
        user = Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": "198.51.100.7"})
        assert sign_in(user, email).status_code == 302
        login = AuditEntry.objects.for_org(org_a).filter(action="login").get()
        assert login.ip == "198.51.100.7"
        failed = AuditEntry.objects.filter(action="login_failed")
        assert set(failed.values_list("ip", flat=True)) == {"203.0.113.66"}

    def test_without_the_setting_a_forwarded_header_changes_nothing(self, org_a):
        email = owner_of(org_a).email
        for n in range(5):
            sign_in(Client(headers={"X-Forwarded-For": f"203.0.113.{n}"}), email, "wrong")
        spoofed = Client(headers={"X-Forwarded-For": "198.51.100.7"})
        assert sign_in(spoofed, email).status_code == 429
        ips = AuditEntry.objects.filter(action__in=FAILED_SIGN_INS).values_list("ip", flat=True)
        assert set(ips) == {"127.0.0.1"}


class TestFailedSignInAudit:
    def test_failures_and_a_lockout_write_a_bounded_number_of_system_entries(self, org_a, org_b):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.VIEWER)
        before = AuditEntry.objects.count()
        client = Client()
        for _ in range(8):
            sign_in(client, owner.email, "wrong")
        assert AuditEntry.objects.count() - before == 7  # 22 before entries were bounded
        system = AuditEntry.objects.filter(action__in=FAILED_SIGN_INS).order_by("seq")
        assert set(system.values_list("chain", flat=True)) == {"system"}
        actions = Counter(system.values_list("action", flat=True))
        assert actions == {"login_failed": 5, "lockout": 1, "login_refused": 1}
        refused = system.get(action="login_refused")
        assert refused.changes == {"refused_while_locked": 1}
        assert refused.object_id == str(owner.pk)

    def test_refused_attempts_are_counted_in_powers_of_ten(self, org_a):
        email = owner_of(org_a).email
        client = Client()
        for _ in range(5 + 120):
            sign_in(client, email, "wrong")
        refused = AuditEntry.objects.filter(action="login_refused").order_by("seq")
        counts = [e.changes["refused_while_locked"] for e in refused]
        assert counts == [1, 10, 100]
        assert AuditEntry.objects.filter(action="login_failed").count() == 5
        assert AuditEntry.objects.filter(action="lockout").count() == 1

    def test_unknown_address_failures_go_to_the_system_chain(self, db):
        sign_in(Client(), "ghost@example.test", "whatever")
        entry = AuditEntry.objects.filter(action__in=FAILED_SIGN_INS).get()
        assert entry.chain == "system" and entry.object_repr == "ghost@example.test"


def test_two_factor_verification_returns_only_to_a_page_of_this_site(org_a):
    owner = owner_of(org_a)
    device = StaticDevice.objects.create(user=owner, name="Backup codes", confirmed=True)
    device.token_set.create(token="backup01")
    device.token_set.create(token="backup02")
    client = Client()
    sign_in(client, owner.email)
    page = client.get("/accounts/two-factor/verify/?next=https://evil.example/")
    assert b"evil.example" not in page.content
    response = client.post(
        "/accounts/two-factor/verify/", {"code": "backup01", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    second = Client()
    sign_in(second, owner.email)
    asked = second.get("/accounts/members/?page=1&q=a")
    assert (
        asked["Location"]
        == "/accounts/two-factor/verify/?next=%2Faccounts%2Fmembers%2F%3Fpage%3D1%26q%3Da"
    )
    back = second.post(asked["Location"], {"code": "backup02"})
    assert back["Location"] == "/accounts/members/?page=1&q=a"
