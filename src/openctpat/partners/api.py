import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictBool, StrictInt

from openctpat.core.downloads import XLSX, attachment
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, member_by_id, require
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, responses
from openctpat.core.tabular import MAX_ERRORS
from openctpat.profiles.models import EvidenceDocument

from . import exports, resources, services
from .importing import FIELDS
from .models import (
    ActionStatus,
    BusinessPartner,
    Certification,
    CertificationProgram,
    CertificationStatus,
    FollowUpAction,
    ImportStatus,
    PartnerContact,
    PartnerImport,
    PartnerStatus,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireStatus,
    QuestionnaireTemplate,
    TemplateQuestion,
    Tier,
)
from .mra import mra_list

router = Router(tags=["business partners"])
CSV = "text/csv; charset=utf-8"


# -- schemas ---------------------------------------------------------------------------------
class ReasonOut(Schema):
    factor: str
    label: str
    weight: int
    risk: float
    points: float
    detail: str


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


class PartnerPatch(StrictInput):
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    partner_type: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    other_names: list[str] | None = Field(None, max_length=20)
    other_countries: list[str] | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=2000)
    duns: str | None = Field(None, max_length=40)
    lei: str | None = Field(None, max_length=40)
    tax_id: str | None = Field(None, max_length=40)
    ior: str | None = Field(None, max_length=40)
    scac: str | None = Field(None, max_length=40)
    iata_code: str | None = Field(None, max_length=40)
    mid: str | None = Field(None, max_length=40)
    services: list[str] | None = Field(None, max_length=20)
    start_date: IsoDate | None = None
    status: PartnerStatus | None = None
    notes: str | None = Field(None, max_length=10000)


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


class ContactPatch(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    role: str | None = Field(None, max_length=100)


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


class CertificationPatch(StrictInput):
    program_name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2)
    reference: str | None = Field(None, max_length=60)
    status: CertificationStatus | None = None
    importer_tier: StrictInt | None = Field(None, ge=1, le=3)
    verified_on: IsoDate | None = None
    expires_on: IsoDate | None = None
    reverify_due: IsoDate | None = None


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


class MraProgramOut(Schema):
    country: str
    country_name: str
    program: str
    signed: str
    source_url: str
    source_date: str
    confirmed: bool


class MraListOut(Schema):
    source: str
    source_url: str
    as_of: str
    notes: str
    programs: list[MraProgramOut]


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


class QuestionPatch(StrictInput):
    text: str | None = Field(None, min_length=1, max_length=2000)
    reference: str | None = Field(None, max_length=20)
    must: StrictBool | None = None
    position: StrictInt | None = Field(None, ge=1, le=10000)


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


# -- lookups ---------------------------------------------------------------------------------


def _partner(request, pk) -> BusinessPartner:
    return get_for_org(request, BusinessPartner, pk)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# -- reference data and settings -------------------------------------------------------------
@router.get("/mra-programs", response=responses({200: MraListOut}))
def get_mra_programs(request):
    require(request, Perm.VIEW)
    return mra_list()


resources.tier_settings.add_to(router, __name__)


# -- registry --------------------------------------------------------------------------------
@router.get("/partners", response=responses({200: list[PartnerOut]}))
@paginate(Pagination)
def list_partners(request, filters: Query[PartnerFilters]):
    require(request, Perm.VIEW)
    partners = services.search_partners(request.org, **filters.dict())
    return partners.defer("tier_reasons").prefetch_related("documents")


@router.post("/partners", response=responses({201: PartnerDetailOut}))
def create_partner(request, payload: PartnerIn):
    require(request, Perm.CHANGE)
    return Status(201, services.create_partner(request.org, request.user, **payload.dict()))


@router.get("/partners/export.csv", response=responses({200: None}))
def export_csv(request, filters: Query[PartnerFilters]):
    require(request, Perm.VIEW)
    criteria = filters.dict()
    partners = services.search_partners(request.org, **criteria)
    data = exports.build_csv(request.org, request.user, partners, criteria)
    return attachment(data, exports.filename("csv"), CSV)


@router.get("/partners/export.xlsx", response=responses({200: None}))
def export_xlsx(request, filters: Query[PartnerFilters]):
    require(request, Perm.VIEW)
    criteria = filters.dict()
    partners = services.search_partners(request.org, **criteria)
    data = exports.build_xlsx(request.org, request.user, partners, criteria)
    return attachment(data, exports.filename("xlsx"), XLSX)


@router.get("/partners/{partner_id}", response=responses({200: PartnerDetailOut}))
def get_partner(request, partner_id: Id):
    require(request, Perm.VIEW)
    return _partner(request, partner_id)


@router.patch("/partners/{partner_id}", response=responses({200: PartnerDetailOut}))
def update_partner(request, partner_id: Id, payload: PartnerPatch):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    return services.update_partner(request.org, request.user, partner, **payload.given())


@router.delete("/partners/{partner_id}", response=responses({204: None}))
def delete_partner(request, partner_id: Id):
    require(request, Perm.CHANGE)
    services.delete_partner(request.org, request.user, _partner(request, partner_id))
    return Status(204, None)


@router.post("/partners/{partner_id}/documents", response=responses({200: PartnerDetailOut}))
def link_document(request, partner_id: Id, payload: DocumentLinkIn):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    document = get_for_org(request, EvidenceDocument, payload.document_id)
    services.link_document(request.org, request.user, partner, document)
    return partner


@router.delete(
    "/partners/{partner_id}/documents/{document_id}", response=responses({200: PartnerDetailOut})
)
def unlink_document(request, partner_id: Id, document_id: Id):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    document = get_object_or_404(partner.documents.all(), pk=document_id)
    services.unlink_document(request.org, request.user, partner, document)
    return partner


# -- contacts --------------------------------------------------------------------------------
@router.get("/partners/{partner_id}/contacts", response=responses({200: list[ContactOut]}))
@paginate(Pagination)
def list_contacts(request, partner_id: Id):
    require(request, Perm.VIEW)
    return _partner(request, partner_id).contacts.all()


@router.post("/partners/{partner_id}/contacts", response=responses({201: ContactOut}))
def add_contact(request, partner_id: Id, payload: ContactIn):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    return Status(201, services.add_contact(request.org, request.user, partner, **payload.dict()))


@router.patch("/partner-contacts/{contact_id}", response=responses({200: ContactOut}))
def update_contact(request, contact_id: Id, payload: ContactPatch):
    require(request, Perm.CHANGE)
    contact = get_for_org(request, PartnerContact, contact_id)
    return services.update_contact(request.org, request.user, contact, **payload.given())


@router.delete("/partner-contacts/{contact_id}", response=responses({204: None}))
def delete_contact(request, contact_id: Id):
    require(request, Perm.CHANGE)
    services.delete_contact(
        request.org, request.user, get_for_org(request, PartnerContact, contact_id)
    )
    return Status(204, None)


# -- certifications --------------------------------------------------------------------------
@router.get(
    "/partners/{partner_id}/certifications", response=responses({200: list[CertificationOut]})
)
@paginate(Pagination)
def list_certifications(request, partner_id: Id):
    require(request, Perm.VIEW)
    return _partner(request, partner_id).certifications.all()


@router.post("/partners/{partner_id}/certifications", response=responses({201: CertificationOut}))
def add_certification(request, partner_id: Id, payload: CertificationIn):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    cert = services.add_certification(request.org, request.user, partner, **payload.dict())
    return Status(201, cert)


@router.patch(
    "/partner-certifications/{certification_id}", response=responses({200: CertificationOut})
)
def update_certification(request, certification_id: Id, payload: CertificationPatch):
    require(request, Perm.CHANGE)
    cert = get_for_org(request, Certification, certification_id, "partner")
    return services.update_certification(request.org, request.user, cert, **payload.given())


@router.delete("/partner-certifications/{certification_id}", response=responses({204: None}))
def delete_certification(request, certification_id: Id):
    require(request, Perm.CHANGE)
    cert = get_for_org(request, Certification, certification_id, "partner")
    services.delete_certification(request.org, request.user, cert)
    return Status(204, None)


# -- bulk import -----------------------------------------------------------------------------
@router.post("/partner-imports", response=responses({201: PartnerImportOut}))
def start_import(request, file: File[UploadedFile]):
    require(request, Perm.CHANGE)
    return Status(201, services.start_import(request.org, request.user, file))


def _import(request, pk, *, rows: bool = True) -> PartnerImport:
    imports = PartnerImport.objects.all()
    return get_for_org(request, imports if rows else imports.defer("rows"), pk)


@router.get("/partner-imports/{import_id}", response=responses({200: PartnerImportOut}))
def get_import(request, import_id: Id):
    """The import with its progress: poll it while ``status`` is "importing"."""
    require(request, Perm.VIEW)
    return _import(request, import_id, rows=False)


@router.put("/partner-imports/{import_id}/mapping", response=responses({200: PartnerImportOut}))
def set_mapping(request, import_id: Id, payload: MappingIn):
    require(request, Perm.CHANGE)
    imp = get_for_org(request, PartnerImport, import_id)
    return services.set_mapping(request.org, request.user, imp, payload.mapping)


@router.get("/partner-imports/{import_id}/preview", response=responses({200: PreviewOut}))
def preview_import(request, import_id: Id):
    require(request, Perm.VIEW)
    imp = get_for_org(request, PartnerImport, import_id)
    result = services.preview(request.org, imp)
    errors, duplicates = result.errors, sorted(result.duplicates.items())
    shown = MAX_ERRORS
    return {
        "rows": len(result.rows),
        "importable": result.importable,
        "missing_fields": result.missing,
        "errors": [{"line": r.line, "errors": r.errors} for r in errors[:shown]],
        "more_errors": max(len(errors) - shown, 0),
        "duplicates": [{"line": k, "reason": v} for k, v in duplicates[:shown]],
        "more_duplicates": max(len(duplicates) - shown, 0),
    }


@router.post(
    "/partner-imports/{import_id}/commit",
    response=responses({200: CommitOut, 202: PartnerImportOut}),
)
def commit_import(request, import_id: Id, payload: CommitIn):
    """Small files are imported at once (200); larger ones by a background task (202, the
    import with its progress: poll ``GET /partner-imports/{id}`` until it is "committed")."""
    require(request, Perm.CHANGE)
    imp = get_for_org(request, PartnerImport, import_id)
    created = services.commit_import(
        request.org, request.user, imp, skip_duplicates=payload.skip_duplicates
    )
    imp.refresh_from_db(fields=(*services.PROGRESS_FIELDS, "created_count", "skipped_count"))
    if imp.status == ImportStatus.IMPORTING:
        return Status(202, imp)
    return {"created": imp.created_count or created, "skipped_duplicates": imp.skipped_count}


# -- questionnaire templates -----------------------------------------------------------------
@router.get("/questionnaire-templates", response=responses({200: list[TemplateOut]}))
@paginate(Pagination)
def list_templates(request):
    require(request, Perm.VIEW)
    from django.db.models import Count

    return (
        QuestionnaireTemplate.objects.for_org(request.org)
        .annotate(question_count=Count("questions"))
        .order_by("name", "id")
    )


@router.post("/questionnaire-templates", response=responses({201: TemplateDetailOut}))
def create_template(request, payload: TemplateIn):
    require(request, Perm.CHANGE)
    return Status(201, services.create_template(request.org, request.user, **payload.dict()))


@router.get("/questionnaire-templates/{template_id}", response=responses({200: TemplateDetailOut}))
def get_template(request, template_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, QuestionnaireTemplate, template_id)


@router.patch(
    "/questionnaire-templates/{template_id}", response=responses({200: TemplateDetailOut})
)
def update_template(request, template_id: Id, payload: TemplatePatch):
    require(request, Perm.CHANGE)
    template = get_for_org(request, QuestionnaireTemplate, template_id)
    return services.update_template(request.org, request.user, template, **payload.given())


@router.post(
    "/questionnaire-templates/{template_id}/questions", response=responses({201: QuestionOut})
)
def add_question(request, template_id: Id, payload: QuestionIn):
    require(request, Perm.CHANGE)
    template = get_for_org(request, QuestionnaireTemplate, template_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, services.add_question(request.org, request.user, template, **data))


@router.patch("/questionnaire-questions/{question_id}", response=responses({200: QuestionOut}))
def update_question(request, question_id: Id, payload: QuestionPatch):
    require(request, Perm.CHANGE)
    question = get_for_org(request, TemplateQuestion, question_id, "template")
    return services.update_question(request.org, request.user, question, **payload.given())


@router.delete("/questionnaire-questions/{question_id}", response=responses({204: None}))
def delete_question(request, question_id: Id):
    require(request, Perm.CHANGE)
    question = get_for_org(request, TemplateQuestion, question_id, "template")
    services.delete_question(request.org, request.user, question)
    return Status(204, None)


# -- questionnaires --------------------------------------------------------------------------
@router.get(
    "/partners/{partner_id}/questionnaires", response=responses({200: list[QuestionnaireOut]})
)
@paginate(Pagination)
def list_questionnaires(request, partner_id: Id):
    require(request, Perm.VIEW)
    return _partner(request, partner_id).questionnaires.all()


@router.post("/partners/{partner_id}/questionnaires", response=responses({201: SentOut}))
def send_questionnaire(request, partner_id: Id, payload: SendIn):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    template = get_for_org(request, QuestionnaireTemplate, payload.template_id)
    data = payload.dict(exclude={"template_id"})
    q, link = services.send_questionnaire(
        request.org, request.user, partner, template, base_url=_base_url(request), **data
    )
    q.link = link
    return Status(201, q)


@router.get("/questionnaires/{questionnaire_id}", response=responses({200: QuestionnaireOut}))
def get_questionnaire(request, questionnaire_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Questionnaire, questionnaire_id)


@router.get("/questionnaires/{questionnaire_id}/items", response=responses({200: list[ItemOut]}))
@paginate(Pagination)
def list_items(request, questionnaire_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Questionnaire, questionnaire_id).items.all()


@router.post(
    "/questionnaires/{questionnaire_id}/revoke", response=responses({200: QuestionnaireOut})
)
def revoke_link(request, questionnaire_id: Id):
    require(request, Perm.CHANGE)
    q = get_for_org(request, Questionnaire, questionnaire_id)
    return services.revoke_link(request.org, request.user, q)


@router.post("/questionnaires/{questionnaire_id}/reissue", response=responses({200: SentOut}))
def reissue_link(request, questionnaire_id: Id, payload: ReissueIn):
    require(request, Perm.CHANGE)
    q = get_for_org(request, Questionnaire, questionnaire_id, "partner", "organisation")
    q.link = services.reissue_link(
        request.org, request.user, q, valid_days=payload.valid_days, base_url=_base_url(request)
    )
    return q


@router.patch("/questionnaire-items/{item_id}", response=responses({200: ItemOut}))
def review_item(request, item_id: Id, payload: ItemReviewIn):
    require(request, Perm.CHANGE)
    item = get_for_org(request, QuestionnaireItem, item_id, "questionnaire__partner")
    return services.review_item(request.org, request.user, item, **payload.given())


@router.post(
    "/questionnaires/{questionnaire_id}/review", response=responses({200: QuestionnaireOut})
)
def complete_review(request, questionnaire_id: Id, payload: ReviewIn):
    require(request, Perm.CHANGE)
    q = get_for_org(request, Questionnaire, questionnaire_id, "partner")
    return services.complete_review(request.org, request.user, q, summary=payload.summary)


# -- follow-up actions -----------------------------------------------------------------------
@router.get("/partners/{partner_id}/actions", response=responses({200: list[FollowUpOut]}))
@paginate(Pagination)
def list_actions(request, partner_id: Id):
    require(request, Perm.VIEW)
    return _partner(request, partner_id).actions.all()


def _action_fields(request, data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = member_by_id(request, data.pop("owner_id"))
    if data.get("item_id") is not None:
        data["item"] = get_for_org(request, QuestionnaireItem, data.pop("item_id"), "questionnaire")
    data.pop("item_id", None)
    return data


@router.post("/partners/{partner_id}/actions", response=responses({201: FollowUpOut}))
def create_action(request, partner_id: Id, payload: FollowUpIn):
    require(request, Perm.CHANGE)
    partner = _partner(request, partner_id)
    data = _action_fields(request, payload.dict())
    return Status(201, services.create_action(request.org, request.user, partner, **data))


@router.patch("/partner-actions/{followup_id}", response=responses({200: FollowUpOut}))
def update_action(request, followup_id: Id, payload: FollowUpPatch):
    require(request, Perm.CHANGE)
    action = get_for_org(request, FollowUpAction, followup_id, "partner", "item")
    data = _action_fields(request, payload.given())
    return services.update_action(request.org, request.user, action, **data)


@router.delete("/partner-actions/{followup_id}", response=responses({204: None}))
def delete_action(request, followup_id: Id):
    require(request, Perm.CHANGE)
    action = get_for_org(request, FollowUpAction, followup_id)
    services.delete_action(request.org, request.user, action)
    return Status(204, None)
