"""The accounts app's plain resources: members, invitations and API tokens, declared once.

Signing in, two-factor, accepting an invitation, switching organisation and showing a new
token's secret once are workflows, written by hand in views and api.
"""

from openctpat.core.permissions import Perm
from openctpat.core.resources import Api, Page, Resource

from . import schemas, services
from .models import ApiToken, Invitation, Membership

MEMBERS_PAGE = Page("members/", "accounts:members", own_view=True)

members = Resource(
    model=Membership,
    name="member",
    update=services.change_role,
    delete=services.remove_member,
    related=("user",),
    write_perm=Perm.MANAGE_MEMBERS,
    pages={
        "list": MEMBERS_PAGE,
        "delete": Page("members/<int:pk>/remove/", "accounts:member_remove"),
    },
    messages={"deleted": "{obj.user.email} no longer has access to {obj.organisation.name}."},
    api=Api(
        "/members",
        "/members/{membership_id}",
        schemas,
        "Member",
        tags=["members"],
        ops=("list", "get", "update", "delete"),
        names={"update": "change_member_role", "delete": "remove_member"},
    ),
    label=lambda membership: membership.user.email,
    patch={"role": "viewer"},
)

invitations = Resource(
    model=Invitation,
    name="invitation",
    create=services.invite_member,
    create_kwargs=lambda request: {"base_url": request.build_absolute_uri("/").rstrip("/")},
    delete=services.revoke_invitation,
    read_perm=Perm.MANAGE_MEMBERS,
    write_perm=Perm.MANAGE_MEMBERS,
    pages={
        "members": MEMBERS_PAGE,
        "delete": Page("invitations/<int:pk>/revoke/", "accounts:invitation_revoke"),
    },
    after_delete="members",
    messages={"deleted": "Invitation for {obj.email} revoked."},
    api=Api(
        "/invitations",
        "/invitations/{invitation_id}",
        schemas,
        "Invitation",
        tags=["members"],
        ops=("list", "create", "get", "delete"),
        names={"delete": "revoke_invitation"},
    ),
    label=lambda invitation: invitation.email,
    payload=lambda org, n: {"email": f"invitee{n}@example.test", "role": "contributor"},
)

tokens = Resource(
    model=ApiToken,
    name="token",
    create=services.create_api_token,
    delete=services.revoke_api_token,
    related=("user",),
    read_perm=Perm.MANAGE_TOKENS,
    write_perm=Perm.MANAGE_TOKENS,
    pages={
        "list": Page("tokens/", "accounts:tokens", own_view=True),
        "delete": Page("tokens/<int:pk>/revoke/", "accounts:token_revoke"),
    },
    messages={"deleted": "Token '{obj.name}' revoked."},
    api=Api(
        "/tokens",
        "/tokens/{token_id}",
        schemas,
        "Token",
        tags=["tokens"],
        ops=("list", "create", "get", "delete"),
        names={"delete": "revoke_token"},
        secret="token",
    ),
    label=lambda token: token.name,
    payload=lambda org, n: {"name": f"Nightly export {n}", "role": "viewer", "expires_in_days": 30},
)
