import pytest
from django.core import mail

from openctpat.accounts.models import ApiToken, Invitation, Membership
from openctpat.accounts.services import create_api_token, invite_member, revoke_api_token
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.testing import add_member, owner_of, token_for
from openctpat.testing.api import ApiClient


@pytest.mark.django_db
class TestOrganisationAPI:
    def test_read_for_every_role(self, org_a, api):
        for role in Role.values:
            body = api(org_a, role).get("/api/v1/organisation").json()
            assert body["name"] == "Alpha Imports LLC"

    def test_only_owner_updates(self, org_a, api, session):
        for role in (Role.CONTRIBUTOR, Role.VIEWER, Role.AUDITOR):
            response = api(org_a, role).patch("/api/v1/organisation", {"ior_number": "X"})
            assert response.status_code == 403
        response = session(org_a).patch(
            "/api/v1/organisation",
            {"ior_number": "12-3456789AB", "entity_types": ["importer"], "require_mfa": True},
        )
        assert response.status_code == 200, response.content
        assert response.json()["entity_types"] == ["importer"]
        entry = AuditEntry.objects.for_org(org_a).filter(action="update").first()
        assert entry.changes["ior_number"] == ["", "12-3456789AB"]
        assert entry.changes["require_mfa"] == [False, True]
        assert entry.via == "api"

    def test_pcso_must_be_a_member(self, org_a, org_b, session):
        outsider = owner_of(org_b)
        response = session(org_a).patch("/api/v1/organisation", {"pcso_id": outsider.pk})
        assert response.status_code == 404

    def test_bad_entity_type(self, org_a, api):
        response = api(org_a).patch("/api/v1/organisation", {"entity_types": ["pirate"]})
        assert response.status_code == 422
        assert "entity_types.0" in response.json()["error"]["fields"]


@pytest.mark.django_db
class TestBadInput:
    def test_malformed_json(self, org_a, api):
        response = api(org_a).post("/api/v1/tokens", raw="{not json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"

    def test_unknown_field(self, org_a, api):
        response = api(org_a).patch("/api/v1/organisation", {"colour": "blue"})
        assert response.status_code == 422
        assert "colour" in response.json()["error"]["fields"]

    def test_overlong_string(self, org_a, api):
        response = api(org_a).patch("/api/v1/organisation", {"name": "x" * 201})
        assert response.status_code == 422
        assert "name" in response.json()["error"]["fields"]

    def test_wrong_type(self, org_a, api):
        response = api(org_a).patch("/api/v1/organisation", {"require_mfa": {"a": 1}})
        assert response.status_code == 422
        response = api(org_a).post(
            "/api/v1/tokens", {"name": "t", "role": "viewer", "expires_in_days": "soon"}
        )
        assert response.status_code == 422
        assert "expires_in_days" in response.json()["error"]["fields"]

    def test_body_that_is_not_an_object(self, org_a, api):
        response = api(org_a).post("/api/v1/tokens", [1, 2, 3])
        assert response.status_code in (400, 422)

    def test_pagination_limits(self, org_a, api):
        assert api(org_a).get("/api/v1/members", limit=0).status_code == 422
        assert api(org_a).get("/api/v1/members", limit=10_000).status_code == 422
        assert api(org_a).get("/api/v1/members", offset=-1).status_code == 422

    def test_unknown_path_is_404_json(self, org_a, api):
        assert api(org_a).get("/api/v1/members/999999").status_code == 404


@pytest.mark.django_db
class TestTokens:
    def test_token_is_shown_once_and_hashed(self, org_a, api, session):
        response = session(org_a).post("/api/v1/tokens", {"name": "CI", "role": "viewer"})
        raw = response.json()["token"]
        stored = ApiToken.objects.get(pk=response.json()["id"])
        assert raw not in (stored.key_hash, stored.key_id)
        assert ApiClient(raw).get("/api/v1/me").json()["role"] == "viewer"
        listed = api(org_a).get("/api/v1/tokens").json()["items"]
        assert all("token" not in t for t in listed)

    def test_revoked_and_expired_tokens_are_refused(self, org_a):
        owner = owner_of(org_a)
        token, raw = create_api_token(org_a, owner, name="t", role=Role.VIEWER)
        assert ApiClient(raw).get("/api/v1/me").status_code == 200
        revoke_api_token(org_a, owner, token)
        assert ApiClient(raw).get("/api/v1/me").status_code == 401
        token2, raw2 = create_api_token(
            org_a, owner, name="t2", role=Role.VIEWER, expires_in_days=1
        )
        ApiToken.objects.filter(pk=token2.pk).update(expires_at="2000-01-01T00:00:00Z")
        assert ApiClient(raw2).get("/api/v1/me").status_code == 401

    def test_tampered_token_is_refused(self, org_a):
        raw = token_for(org_a, Role.OWNER)
        assert ApiClient(raw[:-2] + "xx").get("/api/v1/me").status_code == 401
        assert ApiClient("garbage").get("/api/v1/me").status_code == 401

    def test_token_cannot_exceed_holder_role(self, org_a, api):
        contributor = add_member(org_a, Role.CONTRIBUTOR).user
        with pytest.raises(Exception, match="more rights"):
            create_api_token(org_a, contributor, name="x", role=Role.OWNER)

    def test_token_scoped_to_one_organisation(self, org_a, org_b):
        owner = owner_of(org_a)
        Membership.objects.create(organisation=org_b, user=owner, role=Role.OWNER)
        raw = token_for(org_a, Role.OWNER, user=owner)
        me = ApiClient(raw).get("/api/v1/me").json()
        assert me["organisation_id"] == org_a.pk
        assert ApiClient(raw).get("/api/v1/organisation").json()["id"] == org_a.pk

    def test_member_removed_token_stops_working(self, org_a, session):
        member = add_member(org_a, Role.CONTRIBUTOR)
        raw = token_for(org_a, Role.VIEWER, user=member.user)
        assert session(org_a).delete(f"/api/v1/members/{member.pk}").status_code == 204
        assert ApiClient(raw).get("/api/v1/me").status_code == 401
        revoked = AuditEntry.objects.for_org(org_a).filter(action="token_revoked").get()
        assert revoked.object_repr.startswith("test viewer")

    def test_demoted_member_token_is_capped(self, org_a, session):
        member = add_member(org_a, Role.CONTRIBUTOR)
        raw = token_for(org_a, Role.CONTRIBUTOR, user=member.user)
        session(org_a).patch(f"/api/v1/members/{member.pk}", {"role": "viewer"})
        assert ApiClient(raw).get("/api/v1/me").status_code == 401


@pytest.mark.django_db
class TestMembersAndInvitations:
    def test_last_owner_cannot_leave_or_be_demoted(self, org_a, session):
        owner_membership = Membership.objects.get(organisation=org_a, role=Role.OWNER)
        client = session(org_a)
        response = client.patch(f"/api/v1/members/{owner_membership.pk}", {"role": "viewer"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conflict"
        assert client.delete(f"/api/v1/members/{owner_membership.pk}").status_code == 409

    def test_invitation_email_and_audit(self, org_a, session):
        response = session(org_a).post(
            "/api/v1/invitations", {"email": "New@Example.test", "role": "auditor"}
        )
        assert response.status_code == 201
        assert response.json()["email"] == "new@example.test"
        assert len(mail.outbox) == 1 and "/accounts/invitations/" in mail.outbox[0].body
        assert AuditEntry.objects.for_org(org_a).filter(action="invite_sent").exists()

    def test_invite_existing_member_conflicts(self, org_a, session):
        email = owner_of(org_a).email
        response = session(org_a).post("/api/v1/invitations", {"email": email, "role": "viewer"})
        assert response.status_code == 409

    def test_invalid_email(self, org_a, session):
        response = session(org_a).post("/api/v1/invitations", {"email": "nope", "role": "viewer"})
        assert response.status_code == 422

    def test_revoke_twice_conflicts(self, org_a, session):
        inv, _ = invite_member(org_a, owner_of(org_a), "x@example.test", Role.VIEWER)
        assert session(org_a).delete(f"/api/v1/invitations/{inv.pk}").status_code == 204
        assert session(org_a).delete(f"/api/v1/invitations/{inv.pk}").status_code == 409
        assert Invitation.objects.get(pk=inv.pk).status == "revoked"


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/members" in paths and "/api/v1/audit" in paths


@pytest.mark.django_db
def test_add_member_service_audits_and_refuses_duplicates(org_a):
    from openctpat.accounts.services import add_member as add_member_service
    from openctpat.core.errors import Conflict
    from openctpat.testing import make_user

    owner = owner_of(org_a)
    user = make_user()
    membership = add_member_service(org_a, owner, user, Role.AUDITOR)
    entry = AuditEntry.objects.for_org(org_a).filter(object_id=str(membership.pk)).get()
    assert entry.changes == {"role": [None, "auditor"]}
    with pytest.raises(Conflict):
        add_member_service(org_a, owner, user, Role.VIEWER)


@pytest.mark.django_db
def test_session_api_writes_need_csrf(org_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner_of(org_a))
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/tokens", {"name": "x", "role": "viewer"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    client.get("/accounts/tokens/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/tokens",
        {"name": "x", "role": "viewer"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_reinviting_revokes_the_earlier_link(org_a):
    owner = owner_of(org_a)
    first, _ = invite_member(org_a, owner, "twice@example.test", Role.VIEWER)
    second, _ = invite_member(org_a, owner, "twice@example.test", Role.AUDITOR)
    first.refresh_from_db()
    assert first.status == "revoked" and second.status == "pending"
    assert AuditEntry.objects.for_org(org_a).filter(action="invite_revoked").count() == 1
