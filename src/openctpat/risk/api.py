from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from openctpat.core.pages import get_for_org
from openctpat.core.pagination import Pagination
from openctpat.core.permissions import Perm, require
from openctpat.core.schemas import Id, StrictInput, responses

from . import exports, resources, services
from .models import (
    Assessment,
    CountryThreat,
    Lane,
    LaneNode,
    Rating,
    Vulnerability,
)
from .schemas import (
    AssessmentOut,
    CopyIn,
    HeatMapsOut,
    IndicatorOut,
    LaneImportOut,
    ReadinessOut,
    ReferenceSetOut,
    RiskOut,
    ThreatFilters,
    ThreatOut,
    ThreatPatch,
    VulnerabilityOut,
    VulnerabilityPatch,
)

router = Router(tags=["risk assessment"])


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


# -- declared resources: assessments, lanes, nodes, actions ---------------------------------
for resource in (resources.assessments, resources.lanes, resources.nodes, resources.actions):
    resource.add_to(router, __name__)


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
    return exports.report(_assessment(request, assessment_id), "pdf", request.user)


@router.get("/assessments/{assessment_id}/report.xlsx", response=responses({200: None}))
def report_xlsx(request, assessment_id: Id):
    require(request, Perm.VIEW)
    return exports.report(_assessment(request, assessment_id), "xlsx", request.user)


# -- step 1 ----------------------------------------------------------------------------------


@router.post("/assessments/{assessment_id}/lanes/import", response=responses({200: LaneImportOut}))
def import_lanes(request, assessment_id: Id, file: File[UploadedFile]):
    require(request, Perm.CHANGE)
    return services.import_lanes_csv(
        request.org, request.user, _assessment(request, assessment_id), file
    )


@router.get("/lanes/{lane_id}/diagram.svg", response=responses({200: None}))
def lane_diagram(request, lane_id: Id):
    require(request, Perm.VIEW)
    svg = exports.lane_diagram(get_for_org(request, Lane, lane_id))
    return HttpResponse(svg, content_type="image/svg+xml")


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
