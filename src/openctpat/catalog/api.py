import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from openctpat.core.ctpat import EntityType
from openctpat.core.errors import NotFound
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, responses

from . import services
from .models import CriteriaSet, Criterion, Requirement

router = Router(tags=["catalog"])


class CriteriaSetOut(Schema):
    id: int
    msc_version: str
    entity_type: EntityType
    title: str
    source_document: str
    source_date: str
    source_references: list[dict]
    as_of: datetime.date
    coverage: str
    coverage_notes: str
    missing_categories: list[int]
    criteria_count: int = Field(..., alias="criteria.count")


class CriterionOut(Schema):
    id: int
    criterion_id: str
    msc_version: str = Field(..., alias="criteria_set.msc_version")
    entity_type: str = Field(..., alias="criteria_set.entity_type")
    category: int
    category_name: str
    focus_area: str
    requirement: Requirement
    summary: str
    guidance: str
    evidence: list[str]
    note: str


class CriteriaFilters(Schema):
    entity_type: EntityType | None = Field(
        None, description="The organisation's first entity type (or importer) when omitted."
    )
    msc_version: str | None = Field(None, max_length=20, description="Latest when omitted.")
    category: int | None = Field(None, ge=1, le=12)
    requirement: Requirement | None = None
    q: str | None = Field(None, max_length=200, description="Words searched across the text.")


class CriterionChangeOut(Schema):
    criterion_id: str
    fields: list[str]
    old_summary: str
    new_summary: str


class ChangesOut(Schema):
    entity_type: str
    from_version: str
    to_version: str
    added: list[CriterionOut]
    removed: list[CriterionOut]
    reworded: list[CriterionChangeOut]
    unchanged: list[str]


class ChangesQuery(Schema):
    entity_type: EntityType | None = Field(None, description="As for /catalog/criteria.")
    from_version: str | None = Field(None, max_length=20, description="The one before `to`.")
    to_version: str | None = Field(None, max_length=20, description="Latest when omitted.")


def _default_entity_type(request) -> str:
    return (request.org.entity_types or [EntityType.IMPORTER])[0]


def _criteria_set(entity_type: str, msc_version: str | None) -> CriteriaSet:
    if msc_version:
        return services.get_criteria_set(msc_version, entity_type)
    found = services.latest_criteria_set(entity_type)
    if found is None:
        raise NotFound(f"No criteria are loaded for entity type {entity_type!r}.")
    return found


@router.get("/sets", response=responses({200: list[CriteriaSetOut]}), summary="Criteria sets")
@paginate(Pagination)
def list_sets(request):
    require(request, Perm.VIEW)
    return services.criteria_sets().prefetch_related("criteria")


@router.get("/sets/{set_id}", response=responses({200: CriteriaSetOut}))
def get_set(request, set_id: Id):
    require(request, Perm.VIEW)
    return get_object_or_404(CriteriaSet, pk=set_id)


@router.get("/criteria", response=responses({200: list[CriterionOut]}), summary="Browse criteria")
@paginate(Pagination)
def list_criteria(request, filters: Query[CriteriaFilters]):
    require(request, Perm.VIEW)
    entity_type = filters.entity_type or _default_entity_type(request)
    criteria_set = _criteria_set(entity_type, filters.msc_version)
    return services.search_criteria(
        criteria_set, category=filters.category, requirement=filters.requirement, q=filters.q
    ).select_related("criteria_set")


@router.get("/criteria/{criterion_pk}", response=responses({200: CriterionOut}))
def get_criterion(request, criterion_pk: Id):
    require(request, Perm.VIEW)
    return get_object_or_404(Criterion.objects.select_related("criteria_set"), pk=criterion_pk)


@router.get("/changes", response=responses({200: ChangesOut}), summary="What changed")
def changes(request, query: Query[ChangesQuery]):
    require(request, Perm.VIEW)
    entity_type = query.entity_type or _default_entity_type(request)
    new = _criteria_set(entity_type, query.to_version)
    old = (
        services.get_criteria_set(query.from_version, entity_type)
        if query.from_version
        else services.previous_criteria_set(new)
    )
    result = services.compare(old, new)
    return {
        "entity_type": entity_type,
        "from_version": old.msc_version,
        "to_version": new.msc_version,
        "added": result.added,
        "removed": result.removed,
        "reworded": [
            {
                "criterion_id": r.criterion_id,
                "fields": r.fields,
                "old_summary": r.old.summary,
                "new_summary": r.new.summary,
            }
            for r in result.reworded
        ],
        "unchanged": result.unchanged,
    }
