"""The inspection log and the seal log: XLSX and PDF contents, the range, the page and API."""

import datetime
import io
import shutil
import subprocess
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from openctpat.core.audit import Action
from openctpat.core.downloads import PDF, XLSX
from openctpat.core.errors import ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.inspections import exports, services
from openctpat.inspections.models import Inspection, SealMovement
from openctpat.testing import owner_of
from openctpat.testing.inspections import (
    make_applied_seal,
    make_batch,
    make_inspection,
    sign,
    vvtt,
)
from openctpat.testing.partners import make_partner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=10)
END = TODAY - datetime.timedelta(days=5)
HEADINGS = [name for name, _width in exports.INSPECTION_COLUMNS]


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def inspect(org, when, container, fail_note="", seal=False, **fields):
    """A completed inspection at ``when``: failed at point 2 with a note, or sealed."""
    inspection = make_inspection(org, inspected_at=when, container_number=container, **fields)
    if fail_note:
        point = inspection.points.get(position=2)
        services.record_point(org, owner_of(org), point, result="fail", note=fail_note)
    if seal:
        return make_applied_seal(org, inspection).inspection
    return sign(org, inspection)


@pytest.fixture
def log(org_a, org_b):
    """In org A: two inspections on the range's edges, one either side; org B: one inside."""
    partner = make_partner(org_a, legal_name="Carrier de Mexico SA")
    first = inspect(
        org_a,
        at(START, 0, 1),
        "CSQU3054383",
        seal=True,
        driver_name='=HYPERLINK("http://evil.test","x")',
        driver_id="-2+3",
        partner=partner,
    )
    Inspection.objects.filter(pk=first.pk).update(supervisor_name="Sam Supervisor")
    last = inspect(org_a, at(END, 23, 59), "MSKU9070323", fail_note="Fresh weld on front wall")
    inspect(org_a, at(START - datetime.timedelta(days=1), 23, 59), "TGHU1234567")
    inspect(org_a, at(END + datetime.timedelta(days=1), 0, 0), "TGHU1234567")
    inspect(org_b, at(START, 12), "MAEU1234567")
    return first, last


def sheet_rows(data: bytes, sheet: str):
    book = load_workbook(io.BytesIO(data))
    ws = book[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    start = rows.index(HEADINGS) if sheet == "Inspections" else 4
    return ws, rows[:start], rows[start], rows[start + 1 :]


def by_heading(headings, row) -> dict:
    return dict(zip(headings, row, strict=False))


# -- XLSX ------------------------------------------------------------------------------------
def test_the_inspection_log_has_one_row_per_inspection_in_the_range(org_a, log):
    first, last = log
    data, name, content_type = exports.inspection_log(org_a, START, END, "xlsx")
    assert content_type == XLSX
    assert name == f"inspection-log-{START:%Y-%m-%d}-to-{END:%Y-%m-%d}.xlsx"
    _ws, header, headings, rows = sheet_rows(data, "Inspections")
    assert header[0][0].endswith("Alpha Imports LLC")
    assert f"From {START:%Y-%m-%d} to {END:%Y-%m-%d}" in header[1][0]
    assert "Generated" in header[2][0]
    assert [r[0] for r in rows] == [first.pk, last.pk]  # both ends included, oldest first
    one, two = (by_heading(headings, r) for r in rows)
    assert one["Container number"] == "CSQU3054383"
    assert one["Partner"] == "Carrier de Mexico SA"
    assert one["Result"] == "Pass"
    assert one["Seals applied"] == first.seals.get().number
    assert one["Signed by"] == "Ines Inspector"
    assert one["Supervisor"] == "Sam Supervisor"
    assert one["Inspector (email)"] == owner_of(org_a).email
    assert one["Inspected at"] == datetime.datetime.combine(START, datetime.time(0, 1))
    assert isinstance(one["Signed at"], datetime.datetime)
    assert one["Checklist"] == first.template_name and one["Version"] == 1
    assert two["Result"] == "Fail"
    title = last.points.get(position=2).title
    assert two["Failed points"] == f"2. {title}: Fresh weld on front wall"
    assert not two["Seals applied"]


def test_another_organisations_inspections_never_appear(org_a, org_b, log):
    data, *_ = exports.inspection_log(org_a, START, END, "xlsx")
    _ws, _h, _headings, rows = sheet_rows(data, "Inspections")
    assert "MAEU1234567" not in {r[6] for r in rows}
    data, *_ = exports.inspection_log(org_b, START, END, "xlsx")
    _ws, _h, _headings, rows = sheet_rows(data, "Inspections")
    assert [r[6] for r in rows] == ["MAEU1234567"]


def test_dates_are_the_local_days(org_a):
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    # 03:00 UTC on the first day is still the evening before in Chicago.
    when = datetime.datetime.combine(START, datetime.time(3), tzinfo=datetime.UTC)
    inspect(org_a, when, "CSQU3054383")
    with timezone.override(chicago):
        data, *_ = exports.inspection_log(org_a, START, END, "xlsx")
        earlier, *_ = exports.inspection_log(org_a, START - datetime.timedelta(days=1), END, "xlsx")
    assert sheet_rows(data, "Inspections")[3] == []
    rows = sheet_rows(earlier, "Inspections")[3]
    assert rows[0][1] == when.astimezone(chicago).replace(tzinfo=None)


def test_formulas_are_never_formulas(org_a, log):
    data, *_ = exports.inspection_log(org_a, START, END, "xlsx")
    ws, _h, headings, _rows = sheet_rows(data, "Inspections")
    row = next(r for r in ws.iter_rows() if r[0].value == log[0].pk)
    cells = by_heading(headings, row)
    for name in ("Driver name", "Driver ID"):
        cell = cells[name]
        assert cell.data_type == "s", name
        assert cell.quotePrefix, name  # Excel keeps it text even when the cell is edited
    assert cells["Driver name"].value == '=HYPERLINK("http://evil.test","x")'
    assert cells["Driver ID"].value == "-2+3"
    assert not cells["Container number"].quotePrefix


def test_the_seal_log_has_each_seal_with_an_event_and_its_events(org_a, owner, org_b, log):
    seal = log[0].seals.get()
    make_batch(org_a, size=2)  # received, never moved: not in the log
    make_applied_seal(org_b)
    site = log[0].site
    vvtt(org_a, seal, site=site)
    today = timezone.localdate()
    data, name, content_type = exports.seal_log(org_a, today, today, "xlsx")
    assert content_type == XLSX and name.startswith("seal-log-")
    _ws, header, headings, rows = sheet_rows(data, "Seals")
    assert "High-security seal log" in header[0][0]
    assert len(rows) == 1
    row = by_heading(headings, rows[0])
    assert row["Seal number"] == seal.number
    assert row["Manufacturer"] == "TydenBrooks"
    assert row["ISO 17712 class"] == "H"
    assert row["Certificate reference"] == "ISO 17712:2013 H cert 42"
    assert row["State"] == "Verified"
    assert row["Container"] == "CSQU3054383"
    assert row["Inspection ID"] == log[0].pk
    assert row["Verified at site"] == site.name
    assert row["VVTT result"] == "Passed"
    assert row["Issued to"] == owner.email
    _ws, _h, headings, events = sheet_rows(data, "Events")
    assert headings == [name for name, _ in exports.EVENT_COLUMNS]
    assert [(e[1], e[2], e[3], e[4]) for e in events] == [
        (seal.number, "issue", "in_stock", "issued"),
        (seal.number, "apply", "issued", "applied"),
        (seal.number, "verify", "applied", "verified"),
    ]
    assert events[2][6] == site.name


def test_the_seal_log_range_follows_the_movements(org_a, log):
    seal = log[0].seals.get()
    SealMovement.objects.filter(seal=seal, event="issue").update(at=at(START, 0, 0))
    SealMovement.objects.filter(seal=seal, event="apply").update(at=at(END, 23, 59))
    for first, last, expected in (
        (START, START, ["issue"]),
        (END, END, ["apply"]),
        (START, END, ["issue", "apply"]),
        (END + datetime.timedelta(days=1), TODAY, []),
    ):
        data, *_ = exports.seal_log(org_a, first, last, "xlsx")
        _ws, _h, _headings, seals = sheet_rows(data, "Seals")
        _ws, _h, _headings, events = sheet_rows(data, "Events")
        assert [e[2] for e in events] == expected, (first, last)
        assert len(seals) == (1 if expected else 0)


def test_an_empty_range_still_has_its_headings(org_a):
    data, *_ = exports.inspection_log(org_a, START, END, "xlsx")
    _ws, header, headings, rows = sheet_rows(data, "Inspections")
    assert headings == HEADINGS and rows == []
    assert "0 rows" in header[1][0]


def test_the_log_is_read_with_a_fixed_number_of_queries(org_a, log, django_assert_max_num_queries):
    for n in range(5):
        inspect(org_a, at(START, 9, n), "CSQU3054383", fail_note=f"Dent {n}")
    with django_assert_max_num_queries(9):
        exports.inspection_log(org_a, START, END, "xlsx")
    with django_assert_max_num_queries(10):
        exports.seal_log(org_a, START, TODAY, "xlsx")


# -- PDF -------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is needed"
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_inspection_log_as_pdf(org_a, log):
    data, name, content_type = exports.inspection_log(org_a, START, END, "pdf")
    assert data.startswith(b"%PDF") and content_type == PDF and name.endswith(".pdf")
    text = pdf_text(data)
    assert "CSQU3054383" in text and "MSKU9070323" in text
    assert "Fresh weld on front wall" in text
    assert "MAEU1234567" not in text and "TGHU1234567" not in text
    assert "Alpha Imports LLC" in text


def test_the_seal_log_as_pdf(org_a, log):
    seal = log[0].seals.get()
    data, _name, content_type = exports.seal_log(org_a, TODAY, TODAY, "pdf")
    assert data.startswith(b"%PDF") and content_type == PDF
    text = pdf_text(data)
    assert seal.number in text and "CSQU3054383" in text


def test_a_pdf_too_long_is_refused_not_cut(org_a, log, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 1)
    with pytest.raises(ValidationFailed) as exc:
        exports.inspection_log(org_a, START, END, "pdf")
    assert "Narrow the date range or download XLSX." in exc.value.message
    assert exc.value.field_errors == {"format": [exc.value.message]}
    data, *_ = exports.inspection_log(org_a, START, END, "xlsx")  # XLSX has no such limit
    assert len(sheet_rows(data, "Inspections")[3]) == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (END, START, "end"),
        (START, START.replace(year=START.year + 5), "end"),
        ("2025-01-01", END, "start"),
        (datetime.date(1, 1, 1), END, "start"),
        (datetime.date(9999, 12, 30), datetime.date(9999, 12, 31), "start"),
    ],
)
def test_bad_ranges_are_refused(org_a, start, end, field):
    with pytest.raises(ValidationFailed) as exc:
        exports.inspection_log(org_a, start, end, "xlsx")
    assert field in exc.value.field_errors
    with pytest.raises(ValidationFailed):
        exports.seal_log(org_a, start, end, "pdf")


def test_five_years_less_a_day_is_allowed_and_the_export_is_audited(org_a):
    end = START.replace(year=START.year + 5) - datetime.timedelta(days=1)
    exports.inspection_log(org_a, START, end, "xlsx", actor=owner_of(org_a))
    entry = AuditEntry.objects.for_org(org_a).filter(action=Action.EXPORT).get()
    assert entry.actor_label == owner_of(org_a).email
    assert entry.changes == {
        "export": "inspection log",
        "format": "xlsx",
        "from": START.isoformat(),
        "to": end.isoformat(),
        "rows": 0,
    }


# -- the page --------------------------------------------------------------------------------
URL = reverse("inspections:log_export")


def params(**extra):
    return {"log": "inspections", "from": START, "to": END, "format": "xlsx", **extra}


def test_the_page_shows_the_form(org_a, login):
    response = login(org_a, Role.VIEWER).get(URL)
    assert response.status_code == 200
    assert b'name="from"' in response.content and b'name="to"' in response.content


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.OWNER])
def test_members_download_the_logs(org_a, log, login, role):
    client = login(org_a, role)
    response = client.get(URL, params())
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert len(sheet_rows(response.content, "Inspections")[3]) == 2
    response = client.get(URL, params(log="seals", format="pdf", to=TODAY))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    entries = AuditEntry.objects.for_org(org_a).filter(action=Action.EXPORT)
    assert entries.filter(actor_user_id=client.user.pk).count() == 2


def test_anonymous_visitors_cannot_download(client, org_a, log):
    response = client.get(URL, params())
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"to": START - datetime.timedelta(days=1)}, "before the first day"),
        ({"to": START.replace(year=START.year + 6)}, "at most 5 years"),
        ({"from": "2025-13-45"}, "Enter a valid date"),
        ({"to": "yesterday"}, "Enter a valid date"),
        ({"format": "docx"}, "Select a valid choice"),
        ({"log": "incidents"}, "Select a valid choice"),
    ],
)
def test_bad_requests_show_a_form_error(org_a, login, bad, message):
    response = login(org_a).get(URL, params(**bad))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.for_org(org_a).filter(action=Action.EXPORT).exists()


def test_a_pdf_too_long_is_a_form_error(org_a, log, login, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 1)
    response = login(org_a).get(URL, params(format="pdf"))
    assert response.status_code == 400
    assert "Narrow the date range or download XLSX" in response.content.decode()


# -- the API ---------------------------------------------------------------------------------
def test_the_api_returns_the_files(org_a, log, api):
    client = api(org_a, Role.AUDITOR)
    query = {"start": START.isoformat(), "end": END.isoformat()}
    response = client.get("/api/v1/inspections-log", **query)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert [r[0] for r in sheet_rows(response.content, "Inspections")[3]] == [p.pk for p in log]
    response = client.get("/api/v1/inspections-log", format="pdf", **query)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = client.get("/api/v1/seals-log", end=TODAY.isoformat())
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "seal-log-" in response["Content-Disposition"]


def test_the_api_defaults_to_the_last_30_days(org_a, log, api):
    Inspection.objects.filter(pk=log[0].pk).update(
        inspected_at=timezone.now() - datetime.timedelta(days=31)
    )
    Inspection.objects.filter(pk=log[1].pk).update(inspected_at=timezone.now())
    response = api(org_a, Role.VIEWER).get("/api/v1/inspections-log")
    assert response.status_code == 200
    ids = [r[0] for r in sheet_rows(response.content, "Inspections")[3]]
    assert len(ids) == 3 and ids[-1] == log[1].pk and log[0].pk not in ids


@pytest.mark.parametrize(
    "query",
    [
        {"start": END.isoformat(), "end": START.isoformat()},
        {"start": "2015-01-01", "end": "2024-01-01"},
        {"start": "yesterday"},
        {"start": "0"},
        {"format": "csv"},
        {"start": "9999-12-31", "end": "9999-12-31"},
    ],
)
def test_the_api_refuses_bad_ranges(org_a, api, query):
    for path in ("/api/v1/inspections-log", "/api/v1/seals-log"):
        response = api(org_a).get(path, **query)
        assert response.status_code == 422, (path, query)
        assert response.json()["error"]["code"] == "validation_error"


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/inspections-log").status_code == 401
    assert client.get("/api/v1/seals-log").status_code == 401
