import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictInt

from openctpat.catalog.models import Criterion
from openctpat.core.downloads import PDF, XLSX, attachment
from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, member_by_id, require
from openctpat.core.schemas import Id, IsoDate, StrictId, StrictInput, patch_of, responses
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.models import EvidenceDocument, Site

from . import exports, resources, services
from .models import (
    Action,
    ActionStatus,
    Assessment,
    CountryThreat,
    Lane,
    LaneNode,
    Mode,
    NodeType,
    Rating,
    ThreatCategory,
    Vulnerability,
)

router = Router(tags=["risk assessment"])


# -- schemas ---------------------------------------------------------------------------------
class ReferenceSetOut(Schema):
    id: int
    name: str
    as_of: str
    shared: bool
    indicator_count: int
    loaded_at: datetime.datetime

    @staticmethod
    def resolve_shared(obj):
        return obj.organisation_id is None


class IndicatorOut(Schema):
    country: str
    category: ThreatCategory
    rating: Rating
    indicator: str
    source: str
    source_url: str
    source_date: str


class AssessmentIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    assessment_date: IsoDate | None = None
    scope: str = Field("", max_length=10000)
    participants: str = Field("", max_length=5000)
    sources: str = Field("", max_length=10000)


class AssessmentPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    assessment_date: IsoDate | None = None
    scope: str | None = Field(None, max_length=10000)
    participants: str | None = Field(None, max_length=5000)
    methodology: str | None = Field(None, max_length=20000)
    sources: str | None = Field(None, max_length=10000)


class AssessmentOut(Schema):
    id: int
    title: str
    assessment_date: datetime.date
    scope: str
    participants: str
    methodology: str
    sources: str
    status: str
    previous_id: int | None
    reference_set_id: int | None
    signed_off_by: str | None = Field(None, alias="signed_off_by.email")
    signed_off_at: datetime.datetime | None
    matrix: dict
    created_at: datetime.datetime


class ReadinessOut(Schema):
    lanes: int
    threats_open: int
    vulnerabilities_open: int
    ready: bool


class CopyIn(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)


class LaneIn(StrictInput):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)


LanePatch = patch_of(LaneIn, "LanePatch")


class LaneOut(Schema):
    id: int
    assessment_id: int
    name: str
    description: str


class NodeIn(StrictInput):
    node_type: NodeType
    mode: Mode | None = None
    name: str = Field(..., min_length=1, max_length=200)
    country: str = Field(..., min_length=2, max_length=2)
    activities: list[str] = Field(default_factory=list, max_length=10)
    site_id: StrictId | None = None
    partner_id: StrictId | None = Field(None, description="The registry's business partner.")
    impact: Rating = Rating.MEDIUM
    position: StrictInt | None = Field(None, ge=1, le=10000)


NodePatch = patch_of(NodeIn, "NodePatch")


class NodeOut(Schema):
    id: int
    lane_id: int
    position: int
    node_type: NodeType
    mode: str
    name: str
    site_id: int | None
    partner_id: int | None
    country: str
    activities: list[str]
    impact: Rating


class ThreatOut(Schema):
    id: int
    country: str
    category: ThreatCategory
    suggested_rating: str
    suggestion_basis: list[dict]
    rating: str
    override_reason: str
    rationale: str
    sources: str
    needs_reconfirmation: bool


class ThreatPatch(StrictInput):
    rating: Rating
    override_reason: str = Field("", max_length=5000)
    rationale: str | None = Field(None, max_length=5000)
    sources: str | None = Field(None, max_length=5000)


class ThreatFilters(Schema):
    country: str | None = Field(None, max_length=2)
    undecided: bool | None = None


class VulnerabilityOut(Schema):
    id: int
    node_id: int
    lane_id: int = Field(..., alias="node.lane_id")
    category: int
    suggested_rating: str
    basis: str
    rating: str
    notes: str
    needs_reconfirmation: bool


class VulnerabilityPatch(StrictInput):
    rating: Rating
    notes: str | None = Field(None, max_length=5000)


class RiskOut(Schema):
    vulnerability_id: int
    lane: str
    node_id: int
    node: str
    country: str
    msc_category: int
    msc_category_name: str
    threat: Rating
    vulnerability: Rating
    impact: Rating | None
    score: int
    band: Rating


class HeatMapOut(Schema):
    columns: list[str]
    rows: list[tuple[str, list[str | None]]]


class HeatMapsOut(Schema):
    countries: HeatMapOut
    lanes: HeatMapOut


class ActionIn(StrictInput):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10000)
    node_id: StrictId | None = None
    msc_category: StrictInt | None = Field(None, ge=1, le=12)
    criterion_id: StrictId | None = Field(None, description="A catalog criterion's id.")
    owner_id: StrictId | None = None
    due_date: IsoDate | None = None
    status: ActionStatus = ActionStatus.OPEN


class ActionPatch(StrictInput):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10000)
    owner_id: StrictId | None = None
    due_date: IsoDate | None = None
    status: ActionStatus | None = None
    evidence_id: StrictId | None = Field(None, description="Evidence of completion.")
    completion_note: str | None = Field(None, max_length=10000)


class ActionOut(Schema):
    id: int
    assessment_id: int
    title: str
    description: str
    node_id: int | None
    msc_category: int | None
    criterion_id: int | None
    owner_id: int | None
    due_date: datetime.date | None
    status: ActionStatus
    evidence_id: int | None
    completion_note: str
    completed_at: datetime.datetime | None


class LaneImportOut(Schema):
    lanes_created: int
    nodes_created: int


# -- lookups ---------------------------------------------------------------------------------


def _assessment(request, pk) -> Assessment:
    return get_for_org(request, Assessment, pk)


# -- matrix and reference data ---------------------------------------------------------------
resources.matrix.add_to(router, __name__)


@router.get("/reference-sets", response=responses({200: list[ReferenceSetOut]}))
@paginate(Pagination)
def list_reference_sets(request):
    require(request, Perm.VIEW)
    return services.reference_sets(request.org)


@router.post("/reference-sets", response=responses({201: ReferenceSetOut}))
def import_reference_set(request, file: File[UploadedFile]):
    require(request, Perm.MANAGE_ORGANISATION)
    ref = services.import_indicators(request.org, request.user, file)
    return Status(201, services.reference_sets(request.org).get(pk=ref.pk))


@router.get(
    "/reference-sets/{reference_set_id}/indicators", response=responses({200: list[IndicatorOut]})
)
@paginate(Pagination)
def list_indicators(request, reference_set_id: Id, country: str | None = None):
    require(request, Perm.VIEW)
    ref = get_object_or_404(services.reference_sets(request.org), pk=reference_set_id)
    indicators = ref.indicators.all()
    if country:
        indicators = indicators.filter(country=country.upper())
    return indicators


# -- assessments -----------------------------------------------------------------------------
@router.get("/assessments", response=responses({200: list[AssessmentOut]}))
@paginate(Pagination)
def list_assessments(request):
    require(request, Perm.VIEW)
    return Assessment.objects.for_org(request.org).select_related("signed_off_by")


@router.post("/assessments", response=responses({201: AssessmentOut}))
def create_assessment(request, payload: AssessmentIn):
    require(request, Perm.CHANGE)
    data = payload.dict()
    return Status(201, services.create_assessment(request.org, request.user, **data))


@router.get("/assessments/{assessment_id}", response=responses({200: AssessmentOut}))
def get_assessment(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return _assessment(request, assessment_id)


@router.patch("/assessments/{assessment_id}", response=responses({200: AssessmentOut}))
def update_assessment(request, assessment_id: Id, payload: AssessmentPatch):
    require(request, Perm.CHANGE)
    data = payload.given()
    return services.update_assessment(
        request.org, request.user, _assessment(request, assessment_id), **data
    )


@router.get("/assessments/{assessment_id}/readiness", response=responses({200: ReadinessOut}))
def get_readiness(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return services.readiness(_assessment(request, assessment_id))


@router.post("/assessments/{assessment_id}/sign-off", response=responses({200: AssessmentOut}))
def sign_off(request, assessment_id: Id):
    require(request, Perm.CHANGE)
    return services.sign_off(
        request.org, request.user, _assessment(request, assessment_id), request.role
    )


@router.post("/assessments/{assessment_id}/copy-forward", response=responses({201: AssessmentOut}))
def copy_forward(request, assessment_id: Id, payload: CopyIn):
    require(request, Perm.CHANGE)
    new = services.copy_forward(
        request.org, request.user, _assessment(request, assessment_id), title=payload.title
    )
    return Status(201, new)


@router.get("/assessments/{assessment_id}/report.pdf", response=responses({200: None}))
def report_pdf(request, assessment_id: Id):
    require(request, Perm.VIEW)
    assessment = _assessment(request, assessment_id)
    data = exports.build_pdf(assessment, request.user)
    return attachment(data, exports.filename(assessment, "pdf"), PDF)


@router.get("/assessments/{assessment_id}/report.xlsx", response=responses({200: None}))
def report_xlsx(request, assessment_id: Id):
    require(request, Perm.VIEW)
    assessment = _assessment(request, assessment_id)
    data = exports.build_xlsx(assessment, request.user)
    return attachment(data, exports.filename(assessment, "xlsx"), XLSX)


# -- step 1 ----------------------------------------------------------------------------------
@router.get("/assessments/{assessment_id}/lanes", response=responses({200: list[LaneOut]}))
@paginate(Pagination)
def list_lanes(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return _assessment(request, assessment_id).lanes.all()


@router.post("/assessments/{assessment_id}/lanes", response=responses({201: LaneOut}))
def create_lane(request, assessment_id: Id, payload: LaneIn):
    require(request, Perm.CHANGE)
    lane = services.create_lane(
        request.org, request.user, _assessment(request, assessment_id), **payload.dict()
    )
    return Status(201, lane)


@router.post("/assessments/{assessment_id}/lanes/import", response=responses({200: LaneImportOut}))
def import_lanes(request, assessment_id: Id, file: File[UploadedFile]):
    require(request, Perm.CHANGE)
    return services.import_lanes_csv(
        request.org, request.user, _assessment(request, assessment_id), file
    )


@router.get("/lanes/{lane_id}", response=responses({200: LaneOut}))
def get_lane(request, lane_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Lane, lane_id)


@router.patch("/lanes/{lane_id}", response=responses({200: LaneOut}))
def update_lane(request, lane_id: Id, payload: LanePatch):
    require(request, Perm.CHANGE)
    data = payload.given()
    return services.update_lane(
        request.org, request.user, get_for_org(request, Lane, lane_id, "assessment"), **data
    )


@router.delete("/lanes/{lane_id}", response=responses({204: None}))
def delete_lane(request, lane_id: Id):
    require(request, Perm.CHANGE)
    services.delete_lane(
        request.org, request.user, get_for_org(request, Lane, lane_id, "assessment")
    )
    return Status(204, None)


@router.get("/lanes/{lane_id}/diagram.svg", response=responses({200: None}))
def lane_diagram(request, lane_id: Id):
    require(request, Perm.VIEW)
    svg = exports.lane_diagram(get_for_org(request, Lane, lane_id))
    return HttpResponse(svg, content_type="image/svg+xml")


@router.get("/lanes/{lane_id}/nodes", response=responses({200: list[NodeOut]}))
@paginate(Pagination)
def list_nodes(request, lane_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Lane, lane_id).nodes.all()


def _node_fields(request, data: dict) -> dict:
    if "site_id" in data:
        site_id = data.pop("site_id")
        data["site"] = get_for_org(request, Site, site_id) if site_id is not None else None
    if "partner_id" in data:
        partner_id = data.pop("partner_id")
        data["partner"] = (
            get_for_org(request, BusinessPartner, partner_id) if partner_id is not None else None
        )
    if data.get("mode") is None and "mode" in data:
        data["mode"] = ""
    return data


@router.post("/lanes/{lane_id}/nodes", response=responses({201: NodeOut}))
def add_node(request, lane_id: Id, payload: NodeIn):
    require(request, Perm.CHANGE)
    lane = get_for_org(request, Lane, lane_id, "assessment")
    node = services.add_node(
        request.org, request.user, lane, **_node_fields(request, payload.dict())
    )
    return Status(201, node)


@router.get("/nodes/{node_id}", response=responses({200: NodeOut}))
def get_node(request, node_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, LaneNode, node_id)


@router.patch("/nodes/{node_id}", response=responses({200: NodeOut}))
def update_node(request, node_id: Id, payload: NodePatch):
    require(request, Perm.CHANGE)
    node = get_for_org(request, LaneNode, node_id, "lane__assessment")
    data = payload.dict(exclude_unset=True)
    data = {
        k: v for k, v in data.items() if v is not None or k in ("site_id", "partner_id", "mode")
    }
    return services.update_node(request.org, request.user, node, **_node_fields(request, data))


@router.delete("/nodes/{node_id}", response=responses({204: None}))
def delete_node(request, node_id: Id):
    require(request, Perm.CHANGE)
    node = get_for_org(request, LaneNode, node_id, "lane__assessment")
    services.delete_node(request.org, request.user, node)
    return Status(204, None)


# -- step 2 ----------------------------------------------------------------------------------
@router.get("/assessments/{assessment_id}/threats", response=responses({200: list[ThreatOut]}))
@paginate(Pagination)
def list_threats(request, assessment_id: Id, filters: Query[ThreatFilters]):
    require(request, Perm.VIEW)
    threats = _assessment(request, assessment_id).threats.all()
    if filters.country:
        threats = threats.filter(country=filters.country.upper())
    if filters.undecided:
        threats = threats.filter(rating="")
    return threats


@router.post(
    "/assessments/{assessment_id}/threats/accept-suggestions",
    response=responses({200: ReadinessOut}),
)
def accept_suggestions(request, assessment_id: Id):
    require(request, Perm.CHANGE)
    assessment = _assessment(request, assessment_id)
    services.accept_suggestions(request.org, request.user, assessment)
    return services.readiness(assessment)


@router.get("/threats/{threat_id}", response=responses({200: ThreatOut}))
def get_threat(request, threat_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, CountryThreat, threat_id)


@router.patch("/threats/{threat_id}", response=responses({200: ThreatOut}))
def rate_threat(request, threat_id: Id, payload: ThreatPatch):
    require(request, Perm.CHANGE)
    threat = get_for_org(request, CountryThreat, threat_id, "assessment")
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return services.rate_threat(request.org, request.user, threat, **data)


# -- step 3 ----------------------------------------------------------------------------------
@router.get(
    "/assessments/{assessment_id}/vulnerabilities",
    response=responses({200: list[VulnerabilityOut]}),
)
@paginate(Pagination)
def list_vulnerabilities(request, assessment_id: Id, node_id: Id | None = None):
    require(request, Perm.VIEW)
    vulns = _assessment(request, assessment_id).vulnerabilities.select_related("node")
    if node_id:
        vulns = vulns.filter(node_id=node_id)
    return vulns


@router.get("/vulnerabilities/{vulnerability_id}", response=responses({200: VulnerabilityOut}))
def get_vulnerability(request, vulnerability_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Vulnerability, vulnerability_id, "node")


@router.patch("/vulnerabilities/{vulnerability_id}", response=responses({200: VulnerabilityOut}))
def rate_vulnerability(request, vulnerability_id: Id, payload: VulnerabilityPatch):
    require(request, Perm.CHANGE)
    vuln = get_for_org(request, Vulnerability, vulnerability_id, "node", "assessment")
    return services.rate_vulnerability(request.org, request.user, vuln, **payload.dict())


class BulkRatingIn(StrictInput):
    rating: Rating


class CountOut(Schema):
    rated: int


@router.post(
    "/assessments/{assessment_id}/countries/{country}/rate-open",
    response=responses({200: CountOut}),
)
def rate_open_threats(request, assessment_id: Id, country: str, payload: BulkRatingIn):
    require(request, Perm.CHANGE)
    assessment = _assessment(request, assessment_id)
    count = services.rate_open_threats_of_country(
        request.org, request.user, assessment, country.upper()[:2], payload.rating
    )
    return {"rated": count}


@router.post("/nodes/{node_id}/vulnerabilities/rate-open", response=responses({200: CountOut}))
def rate_open_vulnerabilities(request, node_id: Id, payload: BulkRatingIn):
    require(request, Perm.CHANGE)
    node = get_for_org(request, LaneNode, node_id, "lane__assessment")
    count = services.rate_open_vulnerabilities_of_node(
        request.org, request.user, node, payload.rating
    )
    return {"rated": count}


# -- step 4 ----------------------------------------------------------------------------------
def _risk_out(risk) -> dict:
    return {
        "vulnerability_id": risk.vulnerability.pk,
        "lane": risk.node.lane.name,
        "node_id": risk.node.pk,
        "node": risk.node.name,
        "country": risk.node.country,
        "msc_category": risk.category,
        "msc_category_name": risk.category_name,
        "threat": risk.threat,
        "vulnerability": risk.vulnerability_rating,
        "impact": risk.impact,
        "score": risk.score,
        "band": risk.band,
    }


@router.get("/assessments/{assessment_id}/risks", response=responses({200: list[RiskOut]}))
@paginate(Pagination)
def list_risks(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return [_risk_out(r) for r in services.risks(_assessment(request, assessment_id))]


@router.get("/assessments/{assessment_id}/heatmaps", response=responses({200: HeatMapsOut}))
def heatmaps(request, assessment_id: Id):
    require(request, Perm.VIEW)
    assessment = _assessment(request, assessment_id)
    return {
        "countries": services.country_heatmap(assessment),
        "lanes": services.lane_heatmap(assessment),
    }


@router.get("/assessments/{assessment_id}/actions", response=responses({200: list[ActionOut]}))
@paginate(Pagination)
def list_actions(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return _assessment(request, assessment_id).actions.all()


def _action_fields(request, data: dict) -> dict:
    if "node_id" in data:
        node_id = data.pop("node_id")
        data["node"] = get_for_org(request, LaneNode, node_id, "lane") if node_id else None
    if "criterion_id" in data:
        criterion_id = data.pop("criterion_id")
        data["criterion"] = get_object_or_404(Criterion, pk=criterion_id) if criterion_id else None
    if "owner_id" in data:
        data["owner"] = member_by_id(request, data.pop("owner_id"))
    if "evidence_id" in data:
        evidence_id = data.pop("evidence_id")
        data["evidence"] = (
            get_for_org(request, EvidenceDocument, evidence_id) if evidence_id else None
        )
    return data


@router.post("/assessments/{assessment_id}/actions", response=responses({201: ActionOut}))
def create_action(request, assessment_id: Id, payload: ActionIn):
    require(request, Perm.CHANGE)
    assessment = _assessment(request, assessment_id)
    fields = _action_fields(request, payload.dict())
    return Status(201, services.create_action(request.org, request.user, assessment, **fields))


@router.get("/actions/{action_id}", response=responses({200: ActionOut}))
def get_action(request, action_id: Id):
    require(request, Perm.VIEW)
    return get_for_org(request, Action, action_id)


@router.patch("/actions/{action_id}", response=responses({200: ActionOut}))
def update_action(request, action_id: Id, payload: ActionPatch):
    require(request, Perm.CHANGE)
    action = get_for_org(request, Action, action_id, "assessment")
    data = payload.dict(exclude_unset=True)
    for key in ("title", "description", "status", "completion_note"):
        if data.get(key) is None:
            data.pop(key, None)
    return services.update_action(
        request.org, request.user, action, **_action_fields(request, data)
    )


@router.delete("/actions/{action_id}", response=responses({204: None}))
def delete_action(request, action_id: Id):
    require(request, Perm.CHANGE)
    services.delete_action(
        request.org, request.user, get_for_org(request, Action, action_id, "assessment")
    )
    return Status(204, None)
