"""The accounts API's answers and bodies; the declared resources find theirs by name."""

import datetime

from django.conf import settings
from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from openctpat.core.ctpat import EntityType
from openctpat.core.permissions import Role
from openctpat.core.schemas import StrictId, StrictInput


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


class MemberPatch(StrictInput):
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
