"""The risk-assessment report (PDF) and workbook (XLSX), and the lane diagrams."""

import base64
import io

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from openctpat.catalog.categories import category_name
from openctpat.core.downloads import PDF, XLSX, attachment
from openctpat.core.exports import record_export, xlsx_row

from . import services
from .diagram import DiagramNode, describe, icon_svg, lane_svg
from .models import ACTIVITIES, Assessment, Lane


def filename(assessment: Assessment, ext: str) -> str:
    return f"risk-assessment-{assessment.assessment_date:%Y-%m-%d}-{assessment.pk}.{ext}"


def report(assessment: Assessment, ext: str, actor=None) -> HttpResponse:
    """The report as a download, "pdf" or "xlsx": what the page and the API both give."""
    build, content_type = {"pdf": (build_pdf, PDF), "xlsx": (build_xlsx, XLSX)}[ext]
    return attachment(build(assessment, actor), filename(assessment, ext), content_type)


def _diagram_nodes(nodes, bands=None) -> list[DiagramNode]:
    bands = bands or {}
    return [
        DiagramNode(
            label=n.name,
            node_type=n.node_type,
            country=n.country,
            mode=n.mode or None,
            activities=[ACTIVITIES.get(a, a) for a in n.activities],
            risk=bands.get(n.pk),
        )
        for n in nodes
    ]


def _diagram(lane: Lane, nodes, bands=None) -> str:
    return lane_svg(lane.name, _diagram_nodes(nodes, bands))


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def flow_rows(nodes, bands=None, per_row: int = 5) -> list[list[dict]]:
    """The lane as rows of boxes for the PDF (same content and order as the SVG)."""
    boxes = []
    icons: dict[str, str] = {}
    for index, node in enumerate(_diagram_nodes(nodes, bands), start=1):
        box = describe(node)
        if box["icon"] not in icons:
            icons[box["icon"]] = _data_uri(icon_svg(node.node_type, node.mode))
        boxes.append({**box, "index": index, "icon_uri": icons[box["icon"]]})
    return [boxes[i : i + per_row] for i in range(0, len(boxes), per_row)]


def lane_diagram(lane: Lane) -> str:
    return _diagram(lane, lane.nodes.all())


def _node_bands(scored) -> dict[int, str]:
    bands: dict[int, str] = {}
    for risk in scored:
        bands[risk.node.pk] = services.worst([bands.get(risk.node.pk), risk.band])
    return bands


def report_context(assessment: Assessment) -> dict:
    scored = services.risks(assessment)
    bands = _node_bands(scored)
    lanes = []
    for lane in assessment.lanes.prefetch_related("nodes"):
        lanes.append({"lane": lane, "rows": flow_rows(lane.nodes.all(), bands)})
    vulnerabilities = list(assessment.vulnerabilities.select_related("node__lane"))
    return {
        "assessment": assessment,
        "org": assessment.organisation,
        "lanes": lanes,
        "threats": assessment.threats.all(),
        "vulnerability_matrix": vulnerability_matrix(vulnerabilities),
        "vulnerability_notes": [v for v in vulnerabilities if v.notes],
        "risks": scored,
        "top_risks": scored[:25],
        "country_heatmap": services.country_heatmap(assessment),
        "lane_heatmap": services.lane_heatmap(assessment, scored),
        "matrix": services.matrix_of(assessment),
        "actions": assessment.actions.select_related("owner", "node", "criterion", "evidence"),
        "readiness": services.readiness(assessment),
        "categories": [(n, category_name(n)) for n in range(1, 13)],
        "generated_at": timezone.now(),
    }


def vulnerability_matrix(vulnerabilities) -> list[dict]:
    """One row per party, one cell per MSC category (None where it does not apply)."""
    rows: dict[int, dict] = {}
    for v in vulnerabilities:
        row = rows.setdefault(v.node_id, {"node": v.node, "cells": [None] * 12})
        row["cells"][v.category - 1] = v.rating or "?"
    for row in rows.values():
        # One monospaced cell per party: three characters per category keeps the columns.
        row["letters"] = "".join(f"{(c or '-')[0]:<3}" for c in row["cells"])
    return sorted(rows.values(), key=lambda r: (r["node"].lane.name, r["node"].position))


def _record_export(assessment, actor, kind) -> None:
    record_export(assessment.organisation_id, actor, assessment, format=kind)


def build_pdf(assessment: Assessment, actor=None) -> bytes:
    from weasyprint import HTML

    html = render_to_string("risk/report.html", report_context(assessment))
    pdf = HTML(string=html).write_pdf()
    _record_export(assessment, actor, "pdf")
    return pdf


def build_xlsx(assessment: Assessment, actor=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = {
        "Lanes": ["Lane", "Position", "Type", "Mode", "Party", "Country", "Activities", "Impact"],
        "Country threats": [
            "Country",
            "Category",
            "Suggested",
            "Rating",
            "Override reason",
            "Rationale",
            "Sources",
        ],
        "Vulnerabilities": [
            "Lane",
            "Party",
            "MSC category",
            "Suggested",
            "Rating",
            "Basis",
            "Notes",
        ],
        "Risks": [
            "Lane",
            "Party",
            "Country",
            "MSC category",
            "Threat",
            "Vulnerability",
            "Score",
            "Band",
        ],
        "Actions": ["Title", "Party", "MSC category", "Owner", "Due", "Status", "Completion note"],
    }
    wb.remove(wb.active)
    ws = {name: wb.create_sheet(name) for name in sheets}

    def add(name: str, values: list) -> None:
        ws[name].append(xlsx_row(ws[name], values))

    for name, header in sheets.items():
        add(name, header)
        for cell in ws[name][1]:
            cell.font = Font(bold=True)
        ws[name].freeze_panes = "A2"
    for n in services.lane_rows_for_export(assessment):
        add(
            "Lanes",
            [
                n.lane.name,
                n.position,
                n.get_node_type_display(),
                n.mode,
                n.name,
                n.country,
                "; ".join(n.activities),
                n.impact,
            ],
        )
    for t in assessment.threats.all():
        add(
            "Country threats",
            [
                t.country,
                t.get_category_display(),
                t.suggested_rating,
                t.rating,
                t.override_reason,
                t.rationale,
                t.sources or "; ".join(b["source"] for b in t.suggestion_basis),
            ],
        )
    for v in assessment.vulnerabilities.select_related("node__lane"):
        add(
            "Vulnerabilities",
            [
                v.node.lane.name,
                v.node.name,
                f"{v.category}. {category_name(v.category)}",
                v.suggested_rating,
                v.rating,
                v.basis,
                v.notes,
            ],
        )
    for r in services.risks(assessment):
        add(
            "Risks",
            [
                r.node.lane.name,
                r.node.name,
                r.node.country,
                f"{r.category}. {r.category_name}",
                r.threat,
                r.vulnerability_rating,
                r.score,
                r.band,
            ],
        )
    for a in assessment.actions.select_related("owner", "node"):
        add(
            "Actions",
            [
                a.title,
                a.node.name if a.node else "",
                a.msc_category,
                a.owner.email if a.owner else "",
                a.due_date,
                a.get_status_display(),
                a.completion_note,
            ],
        )
    for sheet in ws.values():
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    wb.save(out)
    _record_export(assessment, actor, "xlsx")
    return out.getvalue()
