from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from openctpat.core.downloads import XLSX, attachment
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, responses
from openctpat.core.tabular import MAX_ERRORS
from openctpat.profiles.models import EvidenceDocument

from . import exports, resources, services
from .models import (
    BusinessPartner,
    ImportStatus,
    PartnerImport,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireTemplate,
)
from .mra import mra_list
from .schemas import (
    CommitIn,
    CommitOut,
    DocumentLinkIn,
    ItemOut,
    ItemReviewIn,
    MappingIn,
    MraListOut,
    PartnerDetailOut,
    PartnerFilters,
    PartnerImportOut,
    PreviewOut,
    QuestionnaireOut,
    ReissueIn,
    ReviewIn,
    SendIn,
    SentOut,
)

router = Router(tags=["business partners"])
CSV = "text/csv; charset=utf-8"


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


for resource in (
    resources.partners,
    resources.contacts,
    resources.certifications,
    resources.templates,
    resources.questions,
    resources.actions,
):
    resource.add_to(router, __name__)


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
