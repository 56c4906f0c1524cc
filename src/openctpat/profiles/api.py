import datetime

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from openctpat.catalog.models import CriteriaSet, Requirement
from openctpat.core.downloads import PDF, XLSX, attachment
from openctpat.core.errors import ValidationFailed
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, StrictId, StrictInput, responses

from . import exports, resources, services
from .models import AnnualReview, Answer, EvidenceDocument, SecurityProfile
from .schemas import AnswerOut, DocumentDetailOut, ReviewOut

router = Router(tags=["security profiles"])
for resource in (
    resources.sites,
    resources.profiles,
    resources.answers,
    resources.documents,
    resources.reviews,
):
    resource.add_to(router, __name__)


# -- schemas ---------------------------------------------------------------------------------
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
@router.get("/profiles/{profile_id}/completeness", response=responses({200: CompletenessOut}))
def profile_completeness(request, profile_id: Id):
    require(request, Perm.VIEW)
    return services.completeness(_profile(request, profile_id))


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
