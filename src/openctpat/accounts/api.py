import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from openctpat.core.ctpat import EntityType
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, Role, require
from openctpat.core.schemas import Id, StrictId, StrictInput, responses

from . import services
from .models import ApiToken, Invitation, Membership, User

router = Router(tags=["accounts"])


class MembershipBrief(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    role: Role


class MeOut(Schema):
    id: int
    email: str
    name: str
    organisation_id: int
    role: Role
    memberships: list[MembershipBrief]


class OrganisationOut(Schema):
    id: int
    name: str
    ctpat_account_number: str
    entity_types: list[str]
    ior_number: str
    continuous_bond_number: str
    continuous_bond_on_file: bool
    pcso_id: int | None
    require_mfa: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class OrganisationPatch(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    ctpat_account_number: str | None = Field(None, max_length=40)
    entity_types: list[EntityType] | None = Field(None, max_length=len(EntityType.values))
    ior_number: str | None = Field(None, max_length=40)
    continuous_bond_number: str | None = Field(None, max_length=40)
    continuous_bond_on_file: StrictBool | None = None
    pcso_id: StrictId | None = None
    require_mfa: StrictBool | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    email: str = Field(..., alias="user.email")
    name: str = Field(..., alias="user.display_name")
    role: Role
    created_at: datetime.datetime


class RoleIn(StrictInput):
    role: Role


class InvitationIn(StrictInput):
    email: str = Field(..., max_length=254)
    role: Role


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    status: str
    expires_at: datetime.datetime
    created_at: datetime.datetime


class TokenIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=100)
    role: Role
    expires_in_days: StrictInt = Field(
        settings.API_TOKEN_DEFAULT_TTL.days, ge=1, le=730, description="Lifetime in days."
    )


class TokenOut(Schema):
    id: int
    name: str
    role: Role
    key_id: str
    owner: str = Field(..., alias="user.email")
    status: str
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    created_at: datetime.datetime


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The secret token. It is shown once and never again.")


@router.get("/me", response=responses({200: MeOut}), summary="The caller and its organisations")
def me(request):
    user: User = request.user
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "organisation_id": request.org.pk,
        "role": request.role,
        "memberships": list(memberships),
    }


@router.get("/organisation", response=responses({200: OrganisationOut}), tags=["organisation"])
def get_organisation(request):
    return request.org


@router.patch("/organisation", response=responses({200: OrganisationOut}), tags=["organisation"])
def update_organisation(request, payload: OrganisationPatch):
    require(request, Perm.MANAGE_ORGANISATION)
    # null means "leave unchanged", except for the PCSO, which can be cleared
    data = {
        k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "pcso_id"
    }
    if "pcso_id" in data:
        pcso_id = data.pop("pcso_id")
        data["pcso"] = (
            get_object_or_404(User, pk=pcso_id, memberships__organisation=request.org)
            if pcso_id is not None
            else None
        )
    return services.update_organisation(request.org, request.user, **data)


@router.get("/members", response=responses({200: list[MemberOut]}), tags=["members"])
@paginate(Pagination)
def list_members(request):
    return Membership.objects.for_org(request.org).select_related("user").order_by("user__email")


def _member(request, membership_id: Id) -> Membership:
    return get_for_org(request, Membership, membership_id, "user")


@router.get("/members/{membership_id}", response=responses({200: MemberOut}), tags=["members"])
def get_member(request, membership_id: Id):
    return _member(request, membership_id)


@router.patch("/members/{membership_id}", response=responses({200: MemberOut}), tags=["members"])
def change_member_role(request, membership_id: Id, payload: RoleIn):
    require(request, Perm.MANAGE_MEMBERS)
    membership = _member(request, membership_id)
    return services.change_role(request.org, request.user, membership, payload.role)


@router.delete("/members/{membership_id}", response=responses({204: None}), tags=["members"])
def remove_member(request, membership_id: Id):
    require(request, Perm.MANAGE_MEMBERS)
    services.remove_member(request.org, request.user, _member(request, membership_id))
    return Status(204, None)


@router.get("/invitations", response=responses({200: list[InvitationOut]}), tags=["members"])
@paginate(Pagination)
def list_invitations(request):
    require(request, Perm.MANAGE_MEMBERS)
    return Invitation.objects.for_org(request.org).order_by("-created_at")


@router.post("/invitations", response=responses({201: InvitationOut}), tags=["members"])
def create_invitation(request, payload: InvitationIn):
    require(request, Perm.MANAGE_MEMBERS)
    invitation, _raw = services.invite_member(
        request.org,
        request.user,
        payload.email,
        payload.role,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return Status(201, invitation)


@router.get(
    "/invitations/{invitation_id}", response=responses({200: InvitationOut}), tags=["members"]
)
def get_invitation(request, invitation_id: Id):
    require(request, Perm.MANAGE_MEMBERS)
    return get_for_org(request, Invitation, invitation_id)


@router.delete("/invitations/{invitation_id}", response=responses({204: None}), tags=["members"])
def revoke_invitation(request, invitation_id: Id):
    require(request, Perm.MANAGE_MEMBERS)
    invitation = get_for_org(request, Invitation, invitation_id)
    services.revoke_invitation(request.org, request.user, invitation)
    return Status(204, None)


@router.get("/tokens", response=responses({200: list[TokenOut]}), tags=["tokens"])
@paginate(Pagination)
def list_tokens(request):
    require(request, Perm.MANAGE_TOKENS)
    return ApiToken.objects.for_org(request.org).select_related("user").order_by("-created_at")


@router.post("/tokens", response=responses({201: TokenCreatedOut}), tags=["tokens"])
def create_token(request, payload: TokenIn):
    require(request, Perm.MANAGE_TOKENS)
    token, raw = services.create_api_token(
        request.org,
        request.user,
        name=payload.name,
        role=payload.role,
        expires_in_days=payload.expires_in_days,
    )
    token.token = raw
    return Status(201, token)


@router.get("/tokens/{token_id}", response=responses({200: TokenOut}), tags=["tokens"])
def get_token(request, token_id: Id):
    require(request, Perm.MANAGE_TOKENS)
    return get_for_org(request, ApiToken, token_id, "user")


@router.delete("/tokens/{token_id}", response=responses({204: None}), tags=["tokens"])
def revoke_token(request, token_id: Id):
    require(request, Perm.MANAGE_TOKENS)
    token = get_for_org(request, ApiToken, token_id)
    services.revoke_api_token(request.org, request.user, token)
    return Status(204, None)
