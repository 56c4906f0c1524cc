"""Time the risk-assessment report for 50 lanes with 200 nodes in all (20 countries).

Every threat and vulnerability rated, 40 actions. Prints the seconds for the PDF and the
XLSX and the work behind them (rows in each section).

    .venv/bin/python bench/bench_risk_report.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ctpat_bench .venv/bin/python bench/...
"""

import random
import time

from bench_profile_exports import setup_django

LANES = 50
NODES = 200
COUNTRIES = ["CN", "MX", "VN", "IN", "BD", "TR", "DE", "KR", "TW", "TH", "ID", "MY", "PK",
             "CO", "BR", "HN", "GT", "IT", "PL", "US"]  # fmt: skip
TYPES = [("supplier", ""), ("carrier_leg", "sea"), ("origin_port", ""), ("warehouse", "")]


def build():
    from openctpat.accounts.models import User
    from openctpat.accounts.services import create_organisation
    from openctpat.core.permissions import Role
    from openctpat.risk import services

    rng = random.Random(42)
    owner = User.objects.create_user(f"bench-{time.time_ns()}@example.test", "bench-pass-123")
    org = create_organisation(name=f"Bench Risk {time.time_ns()}", owner=owner)
    assessment = services.create_assessment(org, owner, title="Bench risk assessment")
    per_lane = NODES // LANES
    for lane_no in range(LANES):
        lane = services.create_lane(org, owner, assessment, name=f"Lane {lane_no:02d}")
        for position in range(per_lane):
            node_type, mode = TYPES[position % len(TYPES)]
            services.add_node(
                org,
                owner,
                lane,
                node_type=node_type,
                mode=mode,
                name=f"Party {lane_no}-{position} Logistics Co.",
                country=rng.choice(COUNTRIES),
                activities=["transport"] if mode else ["stuffing", "storage"],
            )
    services.accept_suggestions(org, owner, assessment)
    for threat in assessment.threats.filter(rating=""):
        services.rate_threat(org, owner, threat, rating=rng.choice(["Low", "Medium", "High"]))
    for vuln in assessment.vulnerabilities.all():
        services.rate_vulnerability(org, owner, vuln, rating=rng.choice(["Low", "Medium", "High"]))
    for risk in services.risks(assessment)[:40]:
        services.create_action(
            org, owner, assessment, title=f"Mitigate {risk.node.name}", node=risk.node
        )
    services.sign_off(org, owner, assessment, Role.OWNER)
    return assessment


def main():
    setup_django()
    from django.db import connection

    from openctpat.risk import exports

    started = time.perf_counter()
    assessment = build()
    print(
        f"database: {connection.vendor}; {assessment.lanes.count()} lanes, "
        f"{sum(lane.nodes.count() for lane in assessment.lanes.all())} nodes, "
        f"{assessment.threats.count()} threat ratings, "
        f"{assessment.vulnerabilities.count()} vulnerability ratings, "
        f"{assessment.actions.count()} actions (built in {time.perf_counter() - started:.1f} s)"
    )
    for _ in range(2):
        start = time.perf_counter()
        pdf = exports.build_pdf(assessment)
        pdf_s = time.perf_counter() - start
        start = time.perf_counter()
        xlsx = exports.build_xlsx(assessment)
        xlsx_s = time.perf_counter() - start
        print(f"PDF  {pdf_s:6.2f} s  {len(pdf) / 1024:7.0f} KiB")
        print(f"XLSX {xlsx_s:6.2f} s  {len(xlsx) / 1024:7.0f} KiB")
    print(f"report (PDF): {pdf_s:.2f} s (target: under 10 s)")


if __name__ == "__main__":
    main()
