import datetime

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from openctpat.catalog.models import CriteriaSet, Requirement
from openctpat.core.ctpat import EntityType
from openctpat.core.downloads import PDF, XLSX, attachment
from openctpat.core.errors import ValidationFailed
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, member_by_id, require
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, responses

from . import exports, resources, services
from .models import (
    AnnualReview,
    Answer,
    AnswerStatus,
    EvidenceDocument,
    SecurityProfile,
    Site,
)

router = Router(tags=["security profiles"])
resources.sites.add_to(router, __name__)


# -- schemas ---------------------------------------------------------------------------------
class ProfileIn(StrictInput):
    entity_type: EntityType
    site_id: StrictId | None = None
    msc_version: str | None = Field(None, max_length=20, description="Latest when omitted.")


class ProfilePatch(StrictInput):
    anniversary_date: IsoDate | None = None


class TallyOut(Schema):
    number: int | None
    name: str
    total: int
    answered: int
    answered_pct: int
    meets: int
    meets_pct: int
    not_applicable: int
    musts_not_met: int
    without_evidence: int
    evidence_expired: int
    evidence_expiring: int


class CompletenessOut(Schema):
    overall: TallyOut
    categories: list[TallyOut]


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


class GapFilters(Schema):
    category: int | None = Field(None, ge=1, le=12)
    requirement: Requirement | None = None
    owner_id: Id | None = None


class GapOut(AnswerOut):
    reasons: list[str]

    @staticmethod
    def resolve_reasons(obj):
        return services.gap_reasons(obj)


class EvidenceLinkIn(StrictInput):
    document_id: StrictId


class CommentIn(StrictInput):
    body: str = Field(..., min_length=1, max_length=10000)


class CommentOut(Schema):
    id: int
    answer_id: int
    author: str | None = Field(None, alias="created_by.email")
    body: str
    created_at: datetime.datetime


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


class AffirmIn(StrictInput):
    answer_id: StrictId | None = Field(None, description="Omit to re-affirm all remaining.")


class MigrateIn(StrictInput):
    criteria_set_id: StrictId


class MigrateOut(Schema):
    kept: int
    flagged: int
    added: int
    retired: int


class ImportOut(Schema):
    updated: int
    unchanged: int


# -- lookups ---------------------------------------------------------------------------------
def _site(request, site_id) -> Site:
    return get_for_org(request, Site, site_id)


def _profile(request, profile_id) -> SecurityProfile:
    return get_for_org(request, SecurityProfile, profile_id, "criteria_set")


def _answer(request, answer_id) -> Answer:
    return get_for_org(request, Answer, answer_id, "criterion", "profile")


def _document(request, document_id) -> EvidenceDocument:
    return get_for_org(request, EvidenceDocument, document_id, "current")


def _review(request, review_id) -> AnnualReview:
    return get_for_org(request, AnnualReview, review_id, "profile")


def _form_date(value: str, field_name: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            "Use an ISO date: YYYY-MM-DD.", field_errors={field_name: ["Use YYYY-MM-DD."]}
        ) from None


# -- profiles --------------------------------------------------------------------------------
@router.get("/profiles", response=responses({200: list[ProfileOut]}))
@paginate(Pagination)
def list_profiles(request):
    require(request, Perm.VIEW)
    return SecurityProfile.objects.for_org(request.org).select_related("criteria_set")


@router.post("/profiles", response=responses({201: ProfileOut}))
def create_profile(request, payload: ProfileIn):
    require(request, Perm.CHANGE)
    site = _site(request, payload.site_id) if payload.site_id is not None else None
    profile = services.create_profile(
        request.org,
        request.user,
        entity_type=payload.entity_type,
        site=site,
        msc_version=payload.msc_version,
    )
    return Status(201, profile)


@router.get("/profiles/{profile_id}", response=responses({200: ProfileOut}))
def get_profile(request, profile_id: Id):
    require(request, Perm.VIEW)
    return _profile(request, profile_id)


@router.patch("/profiles/{profile_id}", response=responses({200: ProfileOut}))
def update_profile(request, profile_id: Id, payload: ProfilePatch):
    require(request, Perm.CHANGE)
    profile = _profile(request, profile_id)
    if "anniversary_date" in payload.model_fields_set:
        services.update_profile(
            request.org, request.user, profile, anniversary_date=payload.anniversary_date
        )
    return profile


@router.get("/profiles/{profile_id}/completeness", response=responses({200: CompletenessOut}))
def profile_completeness(request, profile_id: Id):
    require(request, Perm.VIEW)
    return services.completeness(_profile(request, profile_id))


@router.get("/profiles/{profile_id}/answers", response=responses({200: list[AnswerOut]}))
@paginate(Pagination)
def list_answers(request, profile_id: Id, filters: Query[AnswerFilters]):
    require(request, Perm.VIEW)
    answers = services.active_answers(_profile(request, profile_id))
    if filters.category:
        answers = answers.filter(criterion__category=filters.category)
    if filters.status:
        answers = answers.filter(status=filters.status)
    if filters.requirement:
        answers = answers.filter(criterion__requirement=filters.requirement)
    if filters.owner_id:
        answers = answers.filter(owner_id=filters.owner_id)
    if filters.needs_review is not None:
        answers = answers.filter(needs_review=filters.needs_review)
    return answers.select_related("criterion").prefetch_related("evidence")


@router.get("/profiles/{profile_id}/gaps", response=responses({200: list[GapOut]}))
@paginate(Pagination)
def list_gaps(request, profile_id: Id, filters: Query[GapFilters]):
    require(request, Perm.VIEW)
    return services.gaps(_profile(request, profile_id), **filters.dict()).prefetch_related(
        "evidence"
    )


@router.post("/profiles/{profile_id}/migrate", response=responses({200: MigrateOut}))
def migrate_profile(request, profile_id: Id, payload: MigrateIn):
    require(request, Perm.CHANGE)
    target = get_object_or_404(CriteriaSet, pk=payload.criteria_set_id)
    return services.migrate_profile(
        request.org, request.user, _profile(request, profile_id), target
    )


@router.get("/profiles/{profile_id}/export.xlsx", response=responses({200: None}))
def export_xlsx(request, profile_id: Id):
    require(request, Perm.VIEW)
    profile = _profile(request, profile_id)
    data = exports.build_xlsx(profile, request.user)
    return attachment(data, exports_filename(profile, "xlsx"), XLSX)


@router.get("/profiles/{profile_id}/export.pdf", response=responses({200: None}))
def export_pdf(request, profile_id: Id):
    require(request, Perm.VIEW)
    profile = _profile(request, profile_id)
    return attachment(
        exports.build_pdf(profile, request.user), exports_filename(profile, "pdf"), PDF
    )


@router.post("/profiles/{profile_id}/import.xlsx", response=responses({200: ImportOut}))
def import_xlsx(request, profile_id: Id, file: File[UploadedFile]):
    require(request, Perm.CHANGE)
    return exports.import_xlsx(request.org, request.user, _profile(request, profile_id), file)


def exports_filename(profile: SecurityProfile, ext: str) -> str:
    return f"security-profile-{profile.entity_type}-{profile.pk}.{ext}"


# -- answers ---------------------------------------------------------------------------------
@router.get("/answers/{answer_id}", response=responses({200: AnswerOut}))
def get_answer(request, answer_id: Id):
    require(request, Perm.VIEW)
    return _answer(request, answer_id)


@router.patch("/answers/{answer_id}", response=responses({200: AnswerOut}))
def update_answer(request, answer_id: Id, payload: AnswerPatch):
    require(request, Perm.CHANGE)
    answer = _answer(request, answer_id)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = member_by_id(request, data.pop("owner_id"))
    if data.get("status") is None:
        data.pop("status", None)
    return services.update_answer(request.org, request.user, answer, **data)


@router.post("/answers/{answer_id}/evidence", response=responses({200: AnswerOut}))
def link_evidence(request, answer_id: Id, payload: EvidenceLinkIn):
    require(request, Perm.CHANGE)
    answer = _answer(request, answer_id)
    services.link_evidence(
        request.org, request.user, answer, _document(request, payload.document_id)
    )
    return answer


@router.delete("/answers/{answer_id}/evidence/{document_id}", response=responses({200: AnswerOut}))
def unlink_evidence(request, answer_id: Id, document_id: Id):
    require(request, Perm.CHANGE)
    answer = _answer(request, answer_id)
    services.unlink_evidence(request.org, request.user, answer, _document(request, document_id))
    return answer


@router.get("/answers/{answer_id}/comments", response=responses({200: list[CommentOut]}))
@paginate(Pagination)
def list_comments(request, answer_id: Id):
    require(request, Perm.VIEW)
    return _answer(request, answer_id).comments.select_related("created_by")


@router.post("/answers/{answer_id}/comments", response=responses({201: CommentOut}))
def add_comment(request, answer_id: Id, payload: CommentIn):
    require(request, Perm.CHANGE)
    comment = services.add_comment(
        request.org, request.user, _answer(request, answer_id), payload.body
    )
    return Status(201, comment)


# -- evidence library ------------------------------------------------------------------------
@router.get("/evidence", response=responses({200: list[DocumentOut]}), tags=["evidence"])
@paginate(Pagination)
def list_evidence(request, filters: Query[EvidenceFilters]):
    require(request, Perm.VIEW)
    return services.evidence_documents(
        request.org, q=filters.q, expiring_within=filters.expiring_within_days
    ).select_related("current__created_by")


@router.post("/evidence", response=responses({201: DocumentDetailOut}), tags=["evidence"])
def upload_evidence(
    request,
    file: File[UploadedFile],
    title: Form[str] = "",
    description: Form[str] = "",
    review_date: Form[str] = "",
):
    require(request, Perm.CHANGE)
    document = services.upload_evidence(
        request.org,
        request.user,
        file,
        title=title,
        description=description,
        review_date=_form_date(review_date, "review_date"),
    )
    return Status(201, document)


@router.get(
    "/evidence/{document_id}", response=responses({200: DocumentDetailOut}), tags=["evidence"]
)
def get_evidence(request, document_id: Id):
    require(request, Perm.VIEW)
    return _document(request, document_id)


@router.patch(
    "/evidence/{document_id}", response=responses({200: DocumentDetailOut}), tags=["evidence"]
)
def update_evidence(request, document_id: Id, payload: DocumentPatch):
    require(request, Perm.CHANGE)
    document = _document(request, document_id)
    data = payload.dict(exclude_unset=True)
    for key in ("title", "description"):
        if data.get(key) is None:
            data.pop(key, None)
    return services.update_document(request.org, request.user, document, **data)


@router.post(
    "/evidence/{document_id}/versions",
    response=responses({201: DocumentDetailOut}),
    tags=["evidence"],
)
def upload_version(request, document_id: Id, file: File[UploadedFile]):
    require(request, Perm.CHANGE)
    document = _document(request, document_id)
    services.upload_new_version(request.org, request.user, document, file)
    return Status(201, document)


@router.get(
    "/evidence/{document_id}/versions/{number}/file",
    response=responses({200: None}),
    tags=["evidence"],
    summary="Download one version's file",
)
def download_evidence(request, document_id: Id, number: Id):
    require(request, Perm.VIEW_EVIDENCE)
    version = get_object_or_404(_document(request, document_id).versions, number=number)
    return evidence_file_response(request, version)


def evidence_file_response(request, version) -> FileResponse:
    services.record_download(request.org, request.user, version)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- annual reviews --------------------------------------------------------------------------
@router.get(
    "/profiles/{profile_id}/reviews", response=responses({200: list[ReviewOut]}), tags=["reviews"]
)
@paginate(Pagination)
def list_reviews(request, profile_id: Id):
    require(request, Perm.VIEW)
    return _profile(request, profile_id).reviews.all()


@router.post(
    "/profiles/{profile_id}/reviews", response=responses({201: ReviewOut}), tags=["reviews"]
)
def start_review(request, profile_id: Id):
    require(request, Perm.CHANGE)
    review = services.start_review(request.org, request.user, _profile(request, profile_id))
    return Status(201, review)


@router.get("/reviews/{review_id}", response=responses({200: ReviewOut}), tags=["reviews"])
def get_review(request, review_id: Id):
    require(request, Perm.VIEW)
    return _review(request, review_id)


@router.post("/reviews/{review_id}/affirm", response=responses({200: ReviewOut}), tags=["reviews"])
def affirm(request, review_id: Id, payload: AffirmIn):
    require(request, Perm.CHANGE)
    review = _review(request, review_id)
    if payload.answer_id is None:
        services.affirm_all_remaining(request.org, request.user, review)
    else:
        answer = get_for_org(request, Answer, payload.answer_id, "criterion")
        services.affirm_answer(request.org, request.user, review, answer)
    return review


@router.post(
    "/reviews/{review_id}/complete", response=responses({200: ReviewOut}), tags=["reviews"]
)
def complete_review(request, review_id: Id):
    require(request, Perm.CHANGE)
    return services.complete_review(request.org, request.user, _review(request, review_id))
