"""What a CBP validator samples: the inspection log and the seal log for a date range.

Both come as XLSX (every row in the range) or as a landscape A4 PDF (refused above
``PDF_MAX_ROWS`` rather than cut short). Dates are the organisation's local dates
(``TIME_ZONE``), both ends included.

The XLSX is streamed with openpyxl's write-only mode; with lxml installed (a dependency for
this reason) a 100,000-inspection log is written in well under the 30 s target
(bench/bench_inspection_exports.py).
"""

import datetime
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from openctpat.core.downloads import PDF, XLSX
from openctpat.core.errors import invalid
from openctpat.core.exports import record_export, xlsx_row, xlsx_value

from .models import (
    ConveyanceType,
    Inspection,
    InspectionPoint,
    InspectionResult,
    InspectionStatus,
    PointResult,
    Seal,
    SealClass,
    SealMovement,
    SealVerification,
)

FORMATS = ("xlsx", "pdf")
MAX_YEARS = 5
FIRST_YEAR, LAST_YEAR = 1900, 9000  # what a date range can hold without overflowing
# WeasyPrint needs ~8-12 ms of CPU per table row (bench/bench_inspection_exports.py): 1,000
# rows are a 10-15 s request; 5,000 would be a minute. Larger ranges are for the XLSX.
PDF_MAX_ROWS = 1_000
XLSX_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows
CHUNK = 2_000

INSPECTION_COLUMNS = [
    ("Inspection ID", 10),
    ("Inspected at", 17),
    ("Site", 22),
    ("Checklist", 28),
    ("Version", 8),
    ("Conveyance type", 18),
    ("Container number", 15),
    ("Trailer number", 14),
    ("Truck plate", 12),
    ("Trailer plate", 12),
    ("Driver name", 20),
    ("Driver ID", 14),
    ("Shipment reference", 18),
    ("Partner", 28),
    ("Inspector (email)", 28),
    ("Inspector name", 20),
    ("Status", 12),
    ("Result", 8),
    ("Failed points", 50),
    ("Seals applied", 22),
    ("Signed by", 20),
    ("Signed at", 17),
    ("Supervisor", 20),
]
SEAL_COLUMNS = [
    ("Seal number", 16),
    ("Manufacturer", 20),
    ("ISO 17712 class", 10),
    ("Certificate reference", 26),
    ("State", 10),
    ("Issued to", 28),
    ("Issued at", 17),
    ("Applied at", 17),
    ("Container", 15),
    ("Shipment reference", 18),
    ("Inspection ID", 10),
    ("Verified at", 17),
    ("Verified at site", 22),
    ("VVTT result", 12),
    ("Closed at", 17),
    ("Reason", 40),
]
EVENT_COLUMNS = [
    ("Time", 17),
    ("Seal number", 16),
    ("Event", 10),
    ("From", 10),
    ("To", 10),
    ("By", 28),
    ("Site", 22),
    ("Note", 50),
]


# -- the date range --------------------------------------------------------------------------
def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_range(start, end, fmt: str = "xlsx") -> None:
    """Refuse a range the exports cannot honour, naming the field to correct."""
    if fmt not in FORMATS:
        raise invalid("format", "Choose XLSX or PDF.")
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise invalid("start", "Give the first and the last day as dates (YYYY-MM-DD).")
    for name, day in (("start", start), ("end", end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise invalid(name, f"Give a date from {FIRST_YEAR} to {LAST_YEAR}.")
    if end < start:
        raise invalid("end", "The last day is before the first day.")
    if end >= _add_years(start, MAX_YEARS):
        raise invalid("end", f"Export at most {MAX_YEARS} years at once; narrow the date range.")


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """Local midnight of the first day up to (excluding) local midnight after the last."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    return low, high


def _local(value):
    """A naive local datetime (spreadsheets have no time zones), or None."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _check_size(rows: int, fmt: str, what: str) -> None:
    if fmt == "pdf" and rows > PDF_MAX_ROWS:
        raise invalid(
            "format",
            f"The {what} has {rows:,} rows in this range; a PDF holds at most "
            f"{PDF_MAX_ROWS:,}. Narrow the date range or download XLSX.",
        )
    if rows > XLSX_MAX_ROWS:
        raise invalid(
            "end",
            f"The {what} has {rows:,} rows in this range, more than a spreadsheet holds; "
            "narrow the date range.",
        )


def _record(org, actor, what: str, fmt: str, start, end, rows: int) -> None:
    record_export(org, actor, export=what, format=fmt, rows=rows, **{"from": start, "to": end})


def filename(kind: str, start: datetime.date, end: datetime.date, fmt: str) -> str:
    return f"{kind}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.{fmt}"


@dataclass
class Header:
    """The lines above the column headings: who, which range, when."""

    title: str
    organisation: str
    start: datetime.date
    end: datetime.date
    generated_at: datetime.datetime
    rows: int

    @property
    def lines(self) -> list[str]:
        tz = timezone.get_current_timezone_name()
        return [
            f"{self.title} · {self.organisation}",
            f"From {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d} inclusive "
            f"({self.rows:,} rows; times in {tz})",
            f"Generated {self.generated_at:%Y-%m-%d %H:%M} {tz} by OpenCTPAT",
        ]


def _header(title, org, start, end, rows) -> Header:
    return Header(title, org.name, start, end, _local(timezone.now()), rows)


# -- the inspection log ----------------------------------------------------------------------
def _inspections(org, start, end):
    low, high = _bounds(start, end)
    return Inspection.objects.for_org(org).filter(inspected_at__gte=low, inspected_at__lt=high)


def _failed_points(org, inspections) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    points = (
        InspectionPoint.objects.filter(
            organisation=org, result=PointResult.FAIL, inspection__in=inspections.values("pk")
        )
        .order_by("inspection_id", "position", "id")
        .values_list("inspection_id", "position", "title", "note")
    )
    for inspection_id, position, title, note in points.iterator(chunk_size=CHUNK):
        out.setdefault(inspection_id, []).append((position, title, note))
    return out


def _applied_seals(org, inspections) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    seals = (
        Seal.objects.filter(organisation=org, inspection__in=inspections.values("pk"))
        .order_by("inspection_id", "number")
        .values_list("inspection_id", "number")
    )
    for inspection_id, number in seals.iterator(chunk_size=CHUNK):
        out.setdefault(inspection_id, []).append(number)
    return out


INSPECTION_VALUES = (
    "id",
    "inspected_at",
    "site__name",
    "template_name",
    "template_version",
    "conveyance_type",
    "container_number",
    "trailer_number",
    "truck_plate",
    "trailer_plate",
    "driver_name",
    "driver_id",
    "shipment_reference",
    "partner__legal_name",
    "inspector__email",
    "inspector__first_name",
    "inspector__last_name",
    "status",
    "result",
    "signature_name",
    "signed_at",
    "supervisor_name",
)


def inspection_rows(org, start, end):
    """One tuple per inspection, oldest first, in INSPECTION_COLUMNS order."""
    inspections = _inspections(org, start, end)
    failed = _failed_points(org, inspections)
    seals = _applied_seals(org, inspections)
    conveyances = dict(ConveyanceType.choices)
    statuses = dict(InspectionStatus.choices)
    results = dict(InspectionResult.choices)
    rows = inspections.order_by("inspected_at", "id").values_list(*INSPECTION_VALUES)
    for (
        pk,
        inspected_at,
        site,
        checklist,
        version,
        conveyance,
        container,
        trailer,
        truck_plate,
        trailer_plate,
        driver,
        driver_id,
        shipment,
        partner,
        email,
        first_name,
        last_name,
        status,
        result,
        signature,
        signed_at,
        supervisor,
    ) in rows.iterator(chunk_size=CHUNK):
        points = failed.get(pk, ())
        yield (
            pk,
            _local(inspected_at),
            site,
            checklist,
            version,
            conveyances.get(conveyance, conveyance),
            container,
            trailer,
            truck_plate,
            trailer_plate,
            driver,
            driver_id,
            shipment,
            partner or "",
            email,
            f"{first_name} {last_name}".strip(),
            statuses.get(status, status),
            results.get(result, result),
            "\n".join(f"{p}. {title}: {note}" for p, title, note in points),
            ", ".join(seals.get(pk, ())),
            signature,
            _local(signed_at),
            supervisor,
        )


def inspection_log(org, start, end, fmt, actor=None) -> tuple[bytes, str, str]:
    check_range(start, end, fmt)
    count = _inspections(org, start, end).count()
    _check_size(count, fmt, "inspection log")
    header = _header("Conveyance and IIT inspection log", org, start, end, count)
    if fmt == "xlsx":
        book = XlsxWriter()
        book.sheet("Inspections", INSPECTION_COLUMNS, header, inspection_rows(org, start, end))
        data, content_type = book.close(), XLSX
    else:
        rows = [_pdf_inspection(r) for r in inspection_rows(org, start, end)]
        data, content_type = _pdf("inspections/export_inspections.html", header, rows), PDF
    _record(org, actor, "inspection log", fmt, start, end, count)
    return data, filename("inspection-log", start, end, fmt), content_type


# -- the seal log ----------------------------------------------------------------------------
def _movements(org, start, end):
    low, high = _bounds(start, end)
    return SealMovement.objects.for_org(org).filter(at__gte=low, at__lt=high)


def _seals(org, start, end):
    moved = _movements(org, start, end).values("seal_id")
    return Seal.objects.for_org(org).filter(pk__in=moved)


def _latest_verifications(org, seals) -> dict[int, tuple]:
    checks = (
        SealVerification.objects.filter(organisation=org, seal__in=seals.values("pk"))
        .order_by("seal_id", "verified_at", "id")
        .values_list("seal_id", "verified_at", "site__name", "passed")
    )
    # Ordered oldest first: the last one kept for a seal is its latest check.
    return {seal_id: rest for seal_id, *rest in checks.iterator(chunk_size=CHUNK)}


SEAL_VALUES = (
    "id",
    "number",
    "batch__manufacturer",
    "batch__iso_class",
    "batch__certificate_reference",
    "state",
    "issued_to__email",
    "issued_at",
    "applied_at",
    "container_number",
    "shipment_reference",
    "inspection_id",
    "closed_at",
    "reason",
)


def seal_rows(org, start, end):
    """One tuple per seal with an event in the range, in SEAL_COLUMNS order."""
    seals = _seals(org, start, end)
    checks = _latest_verifications(org, seals)
    states = dict(Seal._meta.get_field("state").choices)
    classes = {c.value: c.value for c in SealClass}
    rows = seals.order_by("number", "id").values_list(*SEAL_VALUES)
    for (
        pk,
        number,
        manufacturer,
        iso_class,
        certificate,
        state,
        issued_to,
        issued_at,
        applied_at,
        container,
        shipment,
        inspection_id,
        closed_at,
        reason,
    ) in rows.iterator(chunk_size=CHUNK):
        verified_at, verified_site, passed = checks.get(pk, (None, "", None))
        yield (
            number,
            manufacturer,
            classes.get(iso_class, iso_class),
            certificate,
            states.get(state, state),
            issued_to or "",
            _local(issued_at),
            _local(applied_at),
            container,
            shipment,
            inspection_id,
            _local(verified_at),
            verified_site,
            "" if passed is None else ("Passed" if passed else "Discrepancy"),
            _local(closed_at),
            reason,
        )


def event_rows(org, start, end):
    events = (
        _movements(org, start, end)
        .order_by("at", "id")
        .values_list(
            "at",
            "seal__number",
            "event",
            "from_state",
            "to_state",
            "by__email",
            "site__name",
            "note",
        )
    )
    for at, number, event, before, after, by, site, note in events.iterator(chunk_size=CHUNK):
        yield (_local(at), number, event, before, after, by or "", site or "", note)


def seal_log(org, start, end, fmt, actor=None) -> tuple[bytes, str, str]:
    check_range(start, end, fmt)
    count = _seals(org, start, end).count()
    _check_size(count, fmt, "seal log")
    header = _header("High-security seal log", org, start, end, count)
    if fmt == "xlsx":
        events = _movements(org, start, end).count()
        _check_size(events, fmt, "seal event list")
        book = XlsxWriter()
        book.sheet("Seals", SEAL_COLUMNS, header, seal_rows(org, start, end))
        event_header = _header("Seal events", org, start, end, events)
        book.sheet("Events", EVENT_COLUMNS, event_header, event_rows(org, start, end))
        data, content_type = book.close(), XLSX
    else:
        rows = [_pdf_seal(r) for r in seal_rows(org, start, end)]
        data, content_type = _pdf("inspections/export_seals.html", header, rows), PDF
    _record(org, actor, "seal log", fmt, start, end, count)
    return data, filename("seal-log", start, end, fmt), content_type


# -- PDF -------------------------------------------------------------------------------------
def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _join(*parts, sep=" · ") -> str:
    return sep.join(str(p) for p in parts if p)


def _pdf_inspection(row) -> dict:
    """An inspection row folded into the seven two-line cells of the PDF table."""
    (pk, at, site, checklist, version, conveyance, container, trailer, truck_plate) = row[:9]
    (trailer_plate, driver, driver_id, shipment, partner, email, name, status) = row[9:17]
    (result, failed, seals, signature, signed_at, supervisor) = row[17:]
    plates = _join(truck_plate, trailer_plate, sep=" / ")
    return {
        "id": pk,
        "at": _when(at),
        "site": site,
        "checklist": f"{checklist} v{version}",
        "conveyance": conveyance,
        "vehicle": _join(
            container, trailer and f"trailer {trailer}", plates and f"plates {plates}"
        ),
        "driver": _join(driver, driver_id and f"ID {driver_id}"),
        "shipment": shipment,
        "partner": partner,
        "inspector": name or email,
        "signed": _join(
            signature and f"signed {signature} {_when(signed_at)}".strip(),
            supervisor and f"supervisor {supervisor}",
        ),
        "result": result or status,
        "seals": seals,
        "failed": failed,
    }


def _pdf_seal(row) -> dict:
    """A seal row folded into the six two-line cells of the PDF table."""
    (number, manufacturer, iso_class, certificate, state, issued_to, issued_at) = row[:7]
    (applied_at, container, shipment, inspection_id, verified_at, verified_site) = row[7:13]
    (vvtt, closed_at, reason) = row[13:]
    return {
        "number": number,
        "state": state,
        "batch": _join(manufacturer, f"class {iso_class}"),
        "certificate": certificate,
        "issued_to": issued_to,
        "issued_at": _when(issued_at),
        "applied": _join(_when(applied_at), inspection_id and f"inspection #{inspection_id}"),
        "shipment": _join(container, shipment),
        "verified": _join(_when(verified_at), vvtt),
        "verified_site": verified_site,
        "vvtt_failed": vvtt == "Discrepancy",
        "closed_at": _when(closed_at),
        "reason": reason,
    }


def _pdf(template: str, header: Header, rows: list) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"header": header, "rows": rows})
    return HTML(string=html).write_pdf()


# -- XLSX ------------------------------------------------------------------------------------
class XlsxWriter:
    """A workbook written sheet by sheet with openpyxl's write-only mode (streamed rows)."""

    def __init__(self):
        self._book = Workbook(write_only=True)

    def sheet(self, name: str, columns: list[tuple[str, int]], header: Header, rows) -> int:
        """Add a sheet: the header lines, the column headings, then ``rows`` (streamed)."""
        sheet = self._book.create_sheet(name)
        heading_row = len(header.lines) + 2  # a blank line between the header and headings
        for index, (_title, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{heading_row + 1}"
        last_letter = get_column_letter(len(columns))
        for n, line in enumerate(header.lines, start=1):
            sheet.append([xlsx_value(sheet, line, bold=n == 1)])
        sheet.append([])
        sheet.append(xlsx_row(sheet, [title for title, _width in columns], bold=True))
        count = 0
        for row in rows:
            sheet.append([self._value(sheet, value) for value in row])
            count += 1
        sheet.auto_filter.ref = f"A{heading_row}:{last_letter}{heading_row + max(count, 1)}"
        return count

    def _value(self, sheet, value):
        """An empty text is an empty cell; dates get openpyxl's date format."""
        return xlsx_value(sheet, value) if value != "" else None

    def close(self) -> bytes:
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()
