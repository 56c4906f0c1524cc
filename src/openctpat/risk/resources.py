"""The risk app's declared pages and operations (its workflows are in views and api):
the matrix, and the assessments, lanes, nodes and actions of its API."""

from openctpat.catalog.models import Criterion
from openctpat.core.orgsettings import SettingsPages
from openctpat.core.permissions import Perm, has_perm
from openctpat.core.resources import Api, Page, Resource
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.models import EvidenceDocument, Site

from . import schemas, services
from .forms import AssessmentForm, MatrixForm, NodeForm
from .models import Action, Assessment, Lane, LaneNode

matrix = SettingsPages(
    services.MATRIX,
    schemas,
    "Matrix",
    "/matrix",
    page=Page("matrix/", "risk:matrix", "risk/matrix.html"),
    form=MatrixForm,
    saved_message="Risk matrix saved.",
    extra_context=lambda request, current: {"matrix": services.matrix_for(request.org)},
    example={"high_from": 7},
)


def _overdue(request, obj) -> dict:
    return {"overdue": services.overdue_actions(request.org)[:20]}


STEPS = [
    ("lanes", "1. Cargo flow"),
    ("threats", "2. Country threats"),
    ("vulnerabilities", "3. Vulnerabilities"),
    ("risks", "4. Risks and actions"),
    ("method", "5. Method and sign-off"),
]


def step_context(request, assessment, step, **extra) -> dict:
    """What every page of an assessment's five steps shows around its own content."""
    return {
        "assessment": assessment,
        "steps": STEPS,
        "step": step,
        "editable": not assessment.is_frozen and has_perm(request.role, Perm.CHANGE),
        **extra,
    }


assessments = Resource(
    model=Assessment,
    name="assessment",
    services=services,
    related=("signed_off_by",),
    form=AssessmentForm,
    label=lambda assessment: assessment.title,
    pages={
        "list": Page("", "risk:list", "risk/list.html", _overdue),
        "detail": Page("<int:pk>/", "risk:detail", own_view=True),
        "lanes": Page("<int:pk>/lanes/", "risk:lanes", own_view=True),
    },
    after_save="lanes",  # a new assessment starts at step 1, the cargo flow
    messages={"created": "Risk assessment started."},
    api=Api(
        "/assessments",
        "/assessments/{assessment_id}",
        schemas,
        "Assessment",
        ops=("list", "create", "get", "update"),
    ),
    payload=lambda org, n: {"title": f"Risk assessment {n}", "assessment_date": "2027-01-15"},
    patch={"scope": "All ocean imports"},
)

lanes = Resource(
    model=Lane,
    name="lane",
    services=services,
    parent=assessments,
    related=("assessment",),
    pages={
        "detail": Page("lanes/<int:pk>/", "risk:lane", own_view=True),
        "delete": Page("lanes/<int:pk>/delete/", "risk:lane_delete"),
    },
    messages={"deleted": "Lane {obj.name} deleted."},
    api=Api(
        "/assessments/{assessment_id}/lanes",
        "/lanes/{lane_id}",
        schemas,
        "Lane",
    ),
    payload=lambda org, n: {"name": f"Asia sea {n}"},
    patch={"description": "Ningbo to Long Beach, then rail."},
)

nodes = Resource(
    model=LaneNode,
    name="node",
    services=services,
    parent=lanes,
    related=("lane__assessment",),
    form=NodeForm,
    context_name="node",
    form_kwargs=lambda request: {"org": request.org},
    initial=lambda node: {k: getattr(node, k) for k in services.NODE_FIELDS},
    pages={
        "edit": Page("nodes/<int:pk>/", "risk:node", "risk/node.html"),
        "delete": Page("nodes/<int:pk>/delete/", "risk:node_delete"),
    },
    extra_context=lambda request, node: (
        node and step_context(request, node.lane.assessment, "lanes")
    ),
    after_save="parent",
    messages={"saved": "Party saved.", "deleted": "{obj.name} removed from the lane."},
    api=Api(
        "/lanes/{lane_id}/nodes",
        "/nodes/{node_id}",
        schemas,
        "Node",
        refs={"site_id": ("site", Site), "partner_id": ("partner", BusinessPartner)},
        names={"create": "add_node"},
        nullable=("site_id", "partner_id", "mode"),
    ),
    payload=lambda org, n: {"node_type": "supplier", "name": f"Bright Toys {n}", "country": "CN"},
    patch={"impact": "High"},
)

actions = Resource(
    model=Action,
    name="action",
    services=services,
    parent=assessments,
    related=("assessment",),
    api=Api(
        "/assessments/{assessment_id}/actions",
        "/actions/{action_id}",
        schemas,
        "Action",
        refs={
            "node_id": ("node", LaneNode),
            "criterion_id": ("criterion", Criterion),
            "evidence_id": ("evidence", EvidenceDocument),
        },
        members={"owner_id": "owner"},
        nullable=("owner_id", "due_date", "evidence_id"),
    ),
    payload=lambda org, n: {"title": f"Audit the supplier {n}"},
    patch={"status": "in_progress"},
)
