"""API schemas the profile app's resources and operations share."""

import datetime

from ninja import Field, Schema

from openctpat.core.schemas import StrictInput, patch_of

from .models import SiteType


class SiteIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=200)
    address: str = Field("", max_length=2000)
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    site_type: SiteType


SitePatch = patch_of(SiteIn, "SitePatch")


class SiteOut(Schema):
    id: int
    name: str
    address: str
    country: str
    site_type: SiteType
    created_at: datetime.datetime
    updated_at: datetime.datetime
