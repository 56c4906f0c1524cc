"""API schemas shared by the risk app's declarations and operations."""

import datetime

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from openctpat.core.schemas import IsoDate, StrictId, StrictInput, patch_of

from .models import ActionStatus, Mode, NodeType, Rating, ThreatCategory


class MatrixOut(Schema):
    low: int
    medium: int
    high: int
    use_impact: bool
    medium_from: int
    high_from: int


class MatrixPatch(StrictInput):
    low: StrictInt | None = Field(None, ge=1, le=10)
    medium: StrictInt | None = Field(None, ge=1, le=10)
    high: StrictInt | None = Field(None, ge=1, le=10)
    use_impact: StrictBool | None = None
    medium_from: StrictInt | None = Field(None, ge=1, le=1000)
    high_from: StrictInt | None = Field(None, ge=1, le=1000)


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
