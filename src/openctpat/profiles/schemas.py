"""API schemas the profile app's resources and operations share."""

import datetime

from ninja import Field, Schema

from openctpat.catalog.models import Requirement
from openctpat.core.ctpat import EntityType
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, patch_of

from . import services
from .models import AnswerStatus, SiteType


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


class ProfileIn(StrictInput):
    entity_type: EntityType
    site_id: StrictId | None = None
    msc_version: str | None = Field(None, max_length=20, description="Latest when omitted.")


class ProfilePatch(StrictInput):
    anniversary_date: IsoDate | None = None


class ProfileOut(Schema):
    id: int
    entity_type: EntityType
    site_id: int | None
    criteria_set_id: int
    msc_version: str = Field(..., alias="criteria_set.msc_version")
    catalog_coverage: str = Field(..., alias="criteria_set.coverage")
    anniversary_date: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class AnswerOut(Schema):
    id: int
    profile_id: int
    criterion_pk: int = Field(..., alias="criterion.pk")
    criterion_id: str = Field(..., alias="criterion.criterion_id")
    category: int = Field(..., alias="criterion.category")
    requirement: Requirement = Field(..., alias="criterion.requirement")
    summary: str = Field(..., alias="criterion.summary")
    status: AnswerStatus
    narrative: str
    owner_id: int | None
    due_date: datetime.date | None
    na_justification: str
    must_override_reason: str
    needs_review: bool
    review_note: str
    evidence_ids: list[int]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_evidence_ids(obj):
        return [doc.pk for doc in obj.evidence.all()]


class AnswerPatch(StrictInput):
    status: AnswerStatus | None = None
    narrative: str | None = Field(None, max_length=20000)
    owner_id: StrictId | None = None
    due_date: IsoDate | None = None
    na_justification: str | None = Field(None, max_length=5000)
    must_override_reason: str | None = Field(None, max_length=5000)


class AnswerFilters(Schema):
    category: int | None = Field(None, ge=1, le=12)
    status: AnswerStatus | None = None
    requirement: Requirement | None = None
    owner_id: Id | None = None
    needs_review: bool | None = None


class VersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str | None = Field(None, alias="created_by.email")
    uploaded_at: datetime.datetime = Field(..., alias="created_at")


class DocumentOut(Schema):
    id: int
    title: str
    description: str
    review_date: datetime.date | None
    current: VersionOut | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DocumentDetailOut(DocumentOut):
    versions: list[VersionOut]
    answer_ids: list[int]

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.select_related("created_by").order_by("-number"))

    @staticmethod
    def resolve_answer_ids(obj):
        return list(obj.answers.values_list("pk", flat=True))


class DocumentPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    review_date: IsoDate | None = None


class EvidenceFilters(Schema):
    q: str | None = Field(None, max_length=200)
    expiring_within_days: int | None = Field(None, ge=0, le=3650)


DocumentFilters = EvidenceFilters  # the name the declaration finds; the schema keeps its own


class ReviewOut(Schema):
    id: int
    profile_id: int
    anniversary_date: datetime.date
    opens_on: datetime.date
    status: str
    done: int
    total: int
    affirmed: int
    updated: int
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_done(obj):
        return _progress(obj).done

    @staticmethod
    def resolve_total(obj):
        return _progress(obj).total

    @staticmethod
    def resolve_affirmed(obj):
        return _progress(obj).affirmed

    @staticmethod
    def resolve_updated(obj):
        return _progress(obj).updated


def _progress(review):
    """Counted once per review however many fields show it."""
    if not hasattr(review, "_progress"):
        review._progress = services.review_progress(review)
    return review._progress
