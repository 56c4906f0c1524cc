"""API schemas shared by the partner app's declarations and operations."""

import dataclasses
import datetime

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, create_model

from openctpat.core.schemas import IsoDate, StrictId, StrictInput, patch_of

from .importing import FIELDS
from .models import (
    ActionStatus,
    CertificationProgram,
    CertificationStatus,
    PartnerStatus,
    QuestionnaireStatus,
    Tier,
)
from .mra import MraList, MraProgram
from .tiering import SETTINGS, Reason


def _out_of(cls, name: str, **types) -> type[Schema]:
    """The answer schema of a dataclass the app computes: its fields, declared once there
    (``types``: where the answer's type is another, a nested schema)."""
    fields = {f.name: (types.get(f.name, f.type), ...) for f in dataclasses.fields(cls)}
    return create_model(name, __base__=Schema, __module__=__name__, **fields)


ReasonOut = _out_of(Reason, "ReasonOut")


class PartnerIn(StrictInput):
    legal_name: str = Field(..., min_length=1, max_length=200)
    partner_type: str = Field(
        ..., description="A CTPAT entity type, supplier, agent or service_provider."
    )
    country: str = Field(..., min_length=2, max_length=2)
    other_names: list[str] = Field(default_factory=list, max_length=20)
    other_countries: list[str] = Field(default_factory=list, max_length=30)
    address: str = Field("", max_length=2000)
    duns: str = Field("", max_length=40)
    lei: str = Field("", max_length=40)
    tax_id: str = Field("", max_length=40)
    ior: str = Field("", max_length=40)
    scac: str = Field("", max_length=40)
    iata_code: str = Field("", max_length=40)
    mid: str = Field("", max_length=40)
    services: list[str] = Field(default_factory=list, max_length=20)
    start_date: IsoDate | None = None
    status: PartnerStatus = PartnerStatus.ACTIVE
    notes: str = Field("", max_length=10000)


PartnerPatch = patch_of(PartnerIn, "PartnerPatch")


class PartnerOut(Schema):
    id: int
    legal_name: str
    other_names: list[str]
    partner_type: str
    country: str
    other_countries: list[str]
    address: str
    duns: str
    lei: str
    tax_id: str
    ior: str
    scac: str
    iata_code: str
    mid: str
    services: list[str]
    start_date: datetime.date | None
    status: PartnerStatus
    notes: str
    risk_tier: str
    risk_score: int | None
    next_assessment_due: datetime.date | None
    document_ids: list[int]

    @staticmethod
    def resolve_document_ids(obj):
        return [d.pk for d in obj.documents.all()]


class PartnerDetailOut(PartnerOut):
    tier_reasons: list[ReasonOut]
    tier_computed_at: datetime.datetime | None
    last_assessed_on: datetime.date | None


class PartnerFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Name, other name or identifier.")
    status: PartnerStatus | None = None
    partner_type: str | None = Field(None, max_length=30)
    tier: Tier | None = None
    country: str | None = Field(None, max_length=2)


class ContactIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    role: str = Field("", max_length=100)


ContactPatch = patch_of(ContactIn, "ContactPatch")


class ContactOut(Schema):
    id: int
    partner_id: int
    name: str
    email: str
    phone: str
    role: str


class CertificationIn(StrictInput):
    program: CertificationProgram
    program_name: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    reference: str = Field("", max_length=60)
    status: CertificationStatus
    importer_tier: StrictInt | None = Field(None, ge=1, le=3)
    verified_on: IsoDate | None = None
    expires_on: IsoDate | None = None
    reverify_due: IsoDate | None = None


CertificationPatch = patch_of(CertificationIn, "CertificationPatch", exclude=("program",))


class CertificationOut(Schema):
    id: int
    partner_id: int
    program: CertificationProgram
    program_name: str
    country: str
    reference: str
    status: CertificationStatus
    importer_tier: int | None
    verified_on: datetime.date | None
    expires_on: datetime.date | None
    reverify_due: datetime.date | None


MraProgramOut = _out_of(MraProgram, "MraProgramOut")
MraListOut = _out_of(MraList, "MraListOut", programs=list[MraProgramOut])


class DocumentLinkIn(StrictInput):
    document_id: StrictId


class PartnerImportOut(Schema):
    id: int
    file_name: str
    status: str = Field(
        ..., description="uploaded, importing (a background commit), committed or failed."
    )
    headers: list[str]
    row_count: int
    mapping: dict[str, str]
    fields: dict[str, str]
    created_count: int
    skipped_count: int
    total: int = Field(..., description="Partners the running or last commit creates.")
    done: int = Field(..., description="Partners created so far by that commit.")
    error: str = Field(..., description="Why the last commit stopped, if it did.")

    @staticmethod
    def resolve_row_count(obj):
        return obj.created_count if obj.status == "committed" else obj.row_count

    @staticmethod
    def resolve_fields(obj):
        return {f: label for f, (label, _req, _syn) in FIELDS.items()}


class MappingIn(StrictInput):
    mapping: dict[str, str] = Field(..., description="Partner field -> column header.")


class RowErrorOut(Schema):
    line: int
    errors: list[str]


class DuplicateOut(Schema):
    line: int
    reason: str


class PreviewOut(Schema):
    rows: int
    importable: int
    missing_fields: list[str]
    errors: list[RowErrorOut] = Field(..., description="The first 100 rows with errors.")
    more_errors: int = Field(..., description="Rows with errors beyond those listed.")
    duplicates: list[DuplicateOut] = Field(..., description="The first 100 possible duplicates.")
    more_duplicates: int = Field(..., description="Possible duplicates beyond those listed.")


class CommitIn(StrictInput):
    skip_duplicates: StrictBool = False


class CommitOut(Schema):
    created: int
    skipped_duplicates: int


class TemplateIn(StrictInput):
    partner_type: str = Field(..., max_length=30)
    name: str = Field("", max_length=200)
    entity_type: str | None = Field(
        None, max_length=40, description="Which MSC catalog to draw from (default by type)."
    )


class TemplatePatch(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    instructions: str | None = Field(None, max_length=5000)


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    reference: str
    must: bool


class TemplateOut(Schema):
    id: int
    name: str
    partner_type: str
    version: int
    sent_version: int | None
    instructions: str
    question_count: int

    @staticmethod
    def resolve_question_count(obj):
        return getattr(obj, "question_count", None) or obj.questions.count()


class TemplateDetailOut(TemplateOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class QuestionIn(StrictInput):
    text: str = Field(..., min_length=1, max_length=2000)
    reference: str = Field("", max_length=20)
    must: StrictBool = False
    position: StrictInt | None = Field(None, ge=1, le=10000)


QuestionPatch = patch_of(QuestionIn, "QuestionPatch")


class SendIn(StrictInput):
    template_id: StrictId
    contact_name: str = Field(..., min_length=1, max_length=200)
    contact_email: str = Field(..., min_length=3, max_length=254)
    due_date: IsoDate
    valid_days: StrictInt = Field(60, ge=1, le=365)


class QuestionnaireOut(Schema):
    id: int
    partner_id: int
    template_id: int
    template_version: int
    title: str
    contact_name: str
    contact_email: str
    status: QuestionnaireStatus
    link_state: str
    due_date: datetime.date
    link_expires_at: datetime.datetime
    sent_at: datetime.datetime
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    review_summary: str
    score: int | None


class SentOut(QuestionnaireOut):
    link: str = Field(..., description="Shown once; only its hash is stored.")


class ItemOut(Schema):
    id: int
    position: int
    reference: str
    text: str
    must: bool
    reply: str
    comment: str
    document_id: int | None
    file_name: str
    weakness: bool
    weakness_closed: bool
    review_note: str


class ItemReviewIn(StrictInput):
    weakness: StrictBool | None = None
    weakness_closed: StrictBool | None = None
    review_note: str | None = Field(None, max_length=5000)


class ReviewIn(StrictInput):
    summary: str = Field("", max_length=10000)


class ReissueIn(StrictInput):
    valid_days: StrictInt = Field(60, ge=1, le=365)


class FollowUpIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    item_id: StrictId | None = Field(None, description="The questionnaire item it closes.")
    owner_id: StrictId | None = None
    partner_contact: str = Field("", max_length=200)
    due_date: IsoDate | None = None
    status: ActionStatus = ActionStatus.OPEN


class FollowUpPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_id: StrictId | None = None
    partner_contact: str | None = Field(None, max_length=200)
    due_date: IsoDate | None = None
    status: ActionStatus | None = None
    completion_note: str | None = Field(None, max_length=5000)


class FollowUpOut(Schema):
    id: int
    partner_id: int
    item_id: int | None
    title: str
    description: str
    owner_id: int | None
    partner_contact: str
    due_date: datetime.date | None
    status: ActionStatus
    completion_note: str
    completed_at: datetime.datetime | None


TierSettingsOut = create_model(
    "TierSettingsOut", __base__=Schema, __module__=__name__, **dict.fromkeys(SETTINGS, (int, ...))
)
TierSettingsPatch = create_model(
    "TierSettingsPatch",
    __base__=StrictInput,
    __module__=__name__,
    **{
        name: (StrictInt | None, Field(None, ge=low, le=high))
        for name, (low, high, _label) in SETTINGS.items()
    },
)
