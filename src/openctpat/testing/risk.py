"""Factories for risk assessments, lanes, nodes, ratings and actions."""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from openctpat.risk import services
from openctpat.risk.models import Assessment

from . import owner_of

_seq = itertools.count(1)

INDICATORS_CSV = (
    "country,category,rating,indicator,source,source_url,source_date\n"
    "MX,contraband_smuggling,High,Test major drug transit country,Test list,"
    "https://example.test/list,2026-01\n"
)


def make_assessment(org, **fields) -> Assessment:
    return services.create_assessment(
        org, owner_of(org), title=fields.pop("title", f"Assessment {next(_seq)}"), **fields
    )


def make_lane(org, assessment=None, name=None):
    assessment = assessment or make_assessment(org)
    return services.create_lane(org, owner_of(org), assessment, name=name or f"Lane {next(_seq)}")


def make_node(org, lane=None, **fields):
    lane = lane or make_lane(org)
    values = {
        "node_type": "manufacturer",
        "name": f"Supplier {next(_seq)}",
        "country": "MX",
        "activities": ["stuffing", "sealing"],
        **fields,
    }
    return services.add_node(org, owner_of(org), lane, **values)


def make_threat(org):
    node = make_node(org)
    return node.lane.assessment.threats.first()


def make_vulnerability(org):
    node = make_node(org)
    return node.vulnerabilities.first()


def make_action(org, assessment=None, **fields):
    """An action on a party of a new lane (of ``assessment``, or of a new one)."""
    node = make_node(org, lane=make_lane(org, assessment) if assessment else None)
    values = {"title": "Audit the supplier", "node": node, **fields}
    return services.create_action(org, owner_of(org), node.lane.assessment, **values)


def make_reference_set(org):
    upload = SimpleUploadedFile("indicators.csv", INDICATORS_CSV.encode())
    return services.import_indicators(org, owner_of(org), upload)


LANE_HEADER = "lane,position,node_type,mode,name,country,activities"
LANE_PARTIES = (  # one lane's parties, in order
    ("supplier", "", "stuffing;sealing"),
    ("consolidator", "", "stuffing;storage;document_handling"),
    ("origin_port", "", "storage"),
    ("carrier_leg", "sea", "transport"),
    ("destination_port", "", "storage"),
    ("customs_broker", "", "document_handling;shipping_data"),
    ("carrier_leg", "highway", "transport;sealing"),
    ("warehouse", "", "storage"),
)
LANE_COUNTRIES = ("CN", "VN", "MX", "IN", "DE", "TR", "BD", "PK", "CO", "IR")


def lanes_csv(count: int, bad: int = 0) -> bytes:
    """A lane file of ``count`` parties, lanes of eight in ten countries; the first ``bad``
    rows name an unknown party type. Every other row leaves its position blank."""
    lines = [LANE_HEADER]
    for i in range(count):
        node_type, mode, activities = LANE_PARTIES[i % len(LANE_PARTIES)]
        node_type = "teleporter" if i < bad else node_type
        lane = i // len(LANE_PARTIES)
        position = i % len(LANE_PARTIES) + 1 if i % 2 else ""
        country = LANE_COUNTRIES[lane % len(LANE_COUNTRIES)]
        lines.append(f"Lane {lane},{position},{node_type},{mode},Party {i},{country},{activities}")
    return ("\n".join(lines) + "\n").encode()
