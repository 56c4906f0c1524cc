"""Demo content: a completed, signed-off risk assessment with three lanes in five countries."""

import datetime

from django.utils import timezone

from openctpat.core.permissions import Role
from openctpat.partners.models import BusinessPartner
from openctpat.profiles.models import Site

from . import services
from .models import Assessment, Rating

LANES = {
    "Shenzhen toys by sea": [
        ("supplier", "", "Shenzhen Bright Toys Co.", "CN", ["stuffing", "sealing"]),
        ("consolidator", "", "Pearl River Consolidators Ltd.", "CN", ["storage", "stuffing"]),
        ("origin_port", "", "Yantian International Container Terminal", "CN", ["storage"]),
        ("carrier_leg", "sea", "Pacific Star Line", "CN", ["transport"]),
        ("transshipment", "", "Busan New Port", "KR", ["storage"]),
        ("destination_port", "", "Port Newark Container Terminal", "US", ["storage"]),
        ("customs_broker", "", "Liberty Customs Brokers", "US", ["document_handling"]),
        ("warehouse", "", "Newark distribution center", "US", ["storage"]),
    ],
    "Monterrey parts by road": [
        ("manufacturer", "", "Acme Manufacturing de Mexico", "MX", ["stuffing", "sealing"]),
        ("carrier_leg", "highway", "Transportes del Norte", "MX", ["transport"]),
        ("destination_port", "", "Laredo World Trade Bridge", "US", ["document_handling"]),
        ("carrier_leg", "highway", "Lone Star Drayage", "US", ["transport"]),
        ("warehouse", "", "Newark distribution center", "US", ["storage"]),
    ],
    "Ho Chi Minh apparel by sea": [
        ("manufacturer", "", "Saigon Garment Works", "VN", ["stuffing", "sealing"]),
        ("origin_port", "", "Cat Lai Terminal", "VN", ["storage"]),
        ("carrier_leg", "sea", "Mekong Ocean Lines", "VN", ["transport"]),
        ("destination_port", "", "Port of Long Beach", "US", ["storage"]),
        ("customs_broker", "", "Liberty Customs Brokers", "US", ["order_data", "shipping_data"]),
        ("warehouse", "", "Newark distribution center", "US", ["storage"]),
    ],
}


def load_demo(org, owner) -> Assessment | None:
    if Assessment.objects.for_org(org).exists():
        return None
    today = timezone.localdate()
    site = Site.objects.for_org(org).filter(name="Newark distribution center").first()
    assessment = services.create_assessment(
        org,
        owner,
        title=f"Risk assessment {today.year}",
        assessment_date=today - datetime.timedelta(days=30),
        scope="All ocean and road imports into the Newark distribution center.",
        participants="Pat Rivera (PCSO), Chris Nguyen (logistics), the import compliance team.",
        sources="Reference lists as cited per country; supplier questionnaires; site visits.",
    )
    partners = {p.legal_name: p for p in BusinessPartner.objects.for_org(org)}
    for lane_name, nodes in LANES.items():
        lane = services.create_lane(org, owner, assessment, name=lane_name)
        for node_type, mode, name, country, activities in nodes:
            services.add_node(
                org,
                owner,
                lane,
                node_type=node_type,
                mode=mode,
                name=name,
                country=country,
                activities=activities,
                site=site if name == "Newark distribution center" else None,
                partner=partners.get(name),
                impact=Rating.HIGH if node_type in ("supplier", "manufacturer") else Rating.MEDIUM,
            )
    services.accept_suggestions(org, owner, assessment)
    for threat in assessment.threats.filter(rating=""):
        rating = Rating.LOW if threat.country in ("US", "KR") else Rating.MEDIUM
        services.rate_threat(
            org,
            owner,
            threat,
            rating=rating,
            rationale="No listing; our judgement of open sources.",
        )
    for vuln in assessment.vulnerabilities.select_related("node"):
        rating = vuln.suggested_rating or (
            Rating.HIGH
            if vuln.node.country in ("MX", "VN") and vuln.category in (5, 6)
            else Rating.MEDIUM
        )
        services.rate_vulnerability(org, owner, vuln, rating=rating)
    top = services.risks(assessment)[:2]
    for index, risk in enumerate(top):
        services.create_action(
            org,
            owner,
            assessment,
            title=f"Audit {risk.node.name}: {risk.category_name.lower()}",
            node=risk.node,
            msc_category=risk.category,
            owner=owner,
            due_date=today + datetime.timedelta(days=-5 if index == 0 else 45),
        )
    services.sign_off(org, owner, assessment, Role.OWNER)
    return assessment
