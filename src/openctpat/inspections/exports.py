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


def _local(value):
    """A naive local datetime (spreadsheets have no time zones), or None."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _shows(field, show):
    """A cell that shows ``field`` of the row through ``show``; it names the field it reads."""
    cell = lambda r: show(r[field])  # noqa: E731
    cell.field = field
    return cell


def _at(field):
    return _shows(field, _local)


def _label(field, choices):
    labels = dict(choices)
    return _shows(field, lambda value: labels.get(value, value))


def _text(field):
    return _shows(field, lambda value: value or "")


# Each log's columns: (key, heading, width, what the cell shows: a field of the row as
# ``values()`` gives it, or a function of the row). One table serves the XLSX and the PDF.
INSPECTION_LOG = [
    ("id", "Inspection ID", 10, "id"),
    ("at", "Inspected at", 17, _at("inspected_at")),
    ("site", "Site", 22, "site__name"),
    ("checklist", "Checklist", 28, "template_name"),
    ("version", "Version", 8, "template_version"),
    ("conveyance", "Conveyance type", 18, _label("conveyance_type", ConveyanceType.choices)),
    ("container", "Container number", 15, "container_number"),
    ("trailer", "Trailer number", 14, "trailer_number"),
    ("truck_plate", "Truck plate", 12, "truck_plate"),
    ("trailer_plate", "Trailer plate", 12, "trailer_plate"),
    ("driver", "Driver name", 20, "driver_name"),
    ("driver_id", "Driver ID", 14, "driver_id"),
    ("shipment", "Shipment reference", 18, "shipment_reference"),
    ("partner", "Partner", 28, _text("partner__legal_name")),
    ("email", "Inspector (email)", 28, "inspector__email"),
    ("name", "Inspector name", 20, "inspector_name"),
    ("status", "Status", 12, _label("status", InspectionStatus.choices)),
    ("result", "Result", 8, _label("result", InspectionResult.choices)),
    ("failed", "Failed points", 50, "failed"),
    ("seals", "Seals applied", 22, "seals"),
    ("signature", "Signed by", 20, "signature_name"),
    ("signed_at", "Signed at", 17, _at("signed_at")),
    ("supervisor", "Supervisor", 20, "supervisor_name"),
]
SEAL_LOG = [
    ("number", "Seal number", 16, "number"),
    ("manufacturer", "Manufacturer", 20, "batch__manufacturer"),
    ("iso_class", "ISO 17712 class", 10, "batch__iso_class"),
    ("certificate", "Certificate reference", 26, "batch__certificate_reference"),
    ("state", "State", 10, _label("state", Seal._meta.get_field("state").choices)),
    ("issued_to", "Issued to", 28, _text("issued_to__email")),
    ("issued_at", "Issued at", 17, _at("issued_at")),
    ("applied_at", "Applied at", 17, _at("applied_at")),
    ("container", "Container", 15, "container_number"),
    ("shipment", "Shipment reference", 18, "shipment_reference"),
    ("inspection_id", "Inspection ID", 10, "inspection_id"),
    ("verified_at", "Verified at", 17, _at("verified_at")),
    ("verified_site", "Verified at site", 22, "verified_site"),
    ("vvtt", "VVTT result", 12, "vvtt"),
    ("closed_at", "Closed at", 17, _at("closed_at")),
    ("reason", "Reason", 40, "reason"),
]
EVENT_LOG = [
    ("at", "Time", 17, _at("at")),
    ("number", "Seal number", 16, "seal__number"),
    ("event", "Event", 10, "event"),
    ("from", "From", 10, "from_state"),
    ("to", "To", 10, "to_state"),
    ("by", "By", 28, _text("by__email")),
    ("site", "Site", 22, _text("site__name")),
    ("note", "Note", 50, "note"),
]
INSPECTION_COLUMNS, SEAL_COLUMNS, EVENT_COLUMNS = (
    [(heading, width) for _key, heading, width, _shows in log]
    for log in (INSPECTION_LOG, SEAL_LOG, EVENT_LOG)
)


def _fields(log, *, computed=()) -> list[str]:
    """What ``values()`` fetches for the log: every field its cells read but ``computed``
    (filled in per row from another query)."""
    fields = (shows if isinstance(shows, str) else shows.field for *_, shows in log)
    return [field for field in fields if field not in computed]


def _cells(log, rows):
    """Each row as the log's cells: a dict by column key, in column order."""
    for r in rows:
        yield {key: shows(r) if callable(shows) else r[shows] for key, _h, _w, shows in log}


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


def _sized(org, start, end, fmt: str, rows: int, what: str, title: str) -> "Header":
    """The header of a list of ``rows`` the format holds (else a validation error)."""
    _check_size(rows, fmt, what)
    return _header(title, org, start, end, rows)


def _file(org, actor, start, end, fmt: str, rows: int, what: str, data: bytes) -> tuple:
    """The file ("inspection log" is inspection-log-<from>-to-<to>.xlsx), recorded as an export."""
    record_export(org, actor, export=what, format=fmt, rows=rows, **{"from": start, "to": end})
    kind = what.replace(" ", "-")
    return data, filename(kind, start, end, fmt), XLSX if fmt == "xlsx" else PDF


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


def _grouped(rows) -> dict[int, list[tuple]]:
    """``rows`` (each starting with its inspection's id) as lists by inspection, in order."""
    out: dict[int, list[tuple]] = {}
    for inspection_id, *rest in rows.iterator(chunk_size=CHUNK):
        out.setdefault(inspection_id, []).append(tuple(rest))
    return out


def _failed_points(org, inspections) -> dict[int, list[tuple]]:
    points = InspectionPoint.objects.filter(
        organisation=org, result=PointResult.FAIL, inspection__in=inspections.values("pk")
    )
    return _grouped(
        points.order_by("inspection_id", "position", "id").values_list(
            "inspection_id", "position", "title", "note"
        )
    )


def _applied_seals(org, inspections) -> dict[int, list[tuple]]:
    seals = Seal.objects.filter(organisation=org, inspection__in=inspections.values("pk"))
    seals = seals.order_by("inspection_id", "number")
    return _grouped(seals.values_list("inspection_id", "number"))


def inspection_rows(org, start, end):
    """The inspection log's cells, one dict per inspection, oldest first."""
    inspections = _inspections(org, start, end)
    failed = _failed_points(org, inspections)
    seals = _applied_seals(org, inspections)
    fields = _fields(INSPECTION_LOG, computed=("failed", "seals", "inspector_name"))
    rows = inspections.order_by("inspected_at", "id").values(
        *fields, "inspector__first_name", "inspector__last_name"
    )

    def completed():
        for r in rows.iterator(chunk_size=CHUNK):
            points = failed.get(r["id"], ())
            r["failed"] = "\n".join(f"{p}. {title}: {note}" for p, title, note in points)
            r["seals"] = ", ".join(number for (number,) in seals.get(r["id"], ()))
            name = f"{r['inspector__first_name']} {r['inspector__last_name']}"
            r["inspector_name"] = name.strip()
            yield r

    return _cells(INSPECTION_LOG, completed())


def inspection_log(org, start, end, fmt, actor=None) -> tuple[bytes, str, str]:
    check_range(start, end, fmt)
    count = _inspections(org, start, end).count()
    header = _sized(
        org, start, end, fmt, count, "inspection log", "Conveyance and IIT inspection log"
    )
    rows = inspection_rows(org, start, end)
    if fmt == "xlsx":
        data = _xlsx(("Inspections", INSPECTION_COLUMNS, header, rows))
    else:
        data = _pdf("inspections/export_inspections.html", header, map(_pdf_inspection, rows))
    return _file(org, actor, start, end, fmt, count, "inspection log", data)


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


def seal_rows(org, start, end):
    """The seal log's cells, one dict per seal with an event in the range."""
    seals = _seals(org, start, end)
    checks = _latest_verifications(org, seals)
    fields = _fields(SEAL_LOG, computed=("verified_at", "verified_site", "vvtt"))
    rows = seals.order_by("number", "id").values("id", *fields)

    def completed():
        for r in rows.iterator(chunk_size=CHUNK):
            r["verified_at"], r["verified_site"], passed = checks.get(r["id"], (None, "", None))
            r["vvtt"] = "" if passed is None else ("Passed" if passed else "Discrepancy")
            yield r

    return _cells(SEAL_LOG, completed())


def event_rows(org, start, end):
    """The seal events' cells, oldest first."""
    events = _movements(org, start, end).order_by("at", "id")
    return _cells(EVENT_LOG, events.values(*_fields(EVENT_LOG)).iterator(chunk_size=CHUNK))


def seal_log(org, start, end, fmt, actor=None) -> tuple[bytes, str, str]:
    check_range(start, end, fmt)
    count = _seals(org, start, end).count()
    header = _sized(org, start, end, fmt, count, "seal log", "High-security seal log")
    if fmt == "xlsx":
        events = _movements(org, start, end).count()
        event_header = _sized(org, start, end, fmt, events, "seal event list", "Seal events")
        data = _xlsx(
            ("Seals", SEAL_COLUMNS, header, seal_rows(org, start, end)),
            ("Events", EVENT_COLUMNS, event_header, event_rows(org, start, end)),
        )
    else:
        rows = map(_pdf_seal, seal_rows(org, start, end))
        data = _pdf("inspections/export_seals.html", header, rows)
    return _file(org, actor, start, end, fmt, count, "seal log", data)


# -- PDF -------------------------------------------------------------------------------------
def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def _join(*parts, sep=" · ") -> str:
    return sep.join(str(p) for p in parts if p)


def _pdf_inspection(row) -> dict:
    """An inspection's cells folded into the seven two-line cells of the PDF table."""
    plates = _join(row["truck_plate"], row["trailer_plate"], sep=" / ")
    trailer, signature = row["trailer"], row["signature"]
    return {
        **row,
        "at": _when(row["at"]),
        "checklist": f"{row['checklist']} v{row['version']}",
        "vehicle": _join(
            row["container"], trailer and f"trailer {trailer}", plates and f"plates {plates}"
        ),
        "driver": _join(row["driver"], row["driver_id"] and f"ID {row['driver_id']}"),
        "inspector": row["name"] or row["email"],
        "signed": _join(
            signature and f"signed {signature} {_when(row['signed_at'])}".strip(),
            row["supervisor"] and f"supervisor {row['supervisor']}",
        ),
        "result": row["result"] or row["status"],
    }


def _pdf_seal(row) -> dict:
    """A seal's cells folded into the six two-line cells of the PDF table."""
    inspection = row["inspection_id"] and f"inspection #{row['inspection_id']}"
    return {
        **row,
        "batch": _join(row["manufacturer"], f"class {row['iso_class']}"),
        "issued_at": _when(row["issued_at"]),
        "applied": _join(_when(row["applied_at"]), inspection),
        "shipment": _join(row["container"], row["shipment"]),
        "verified": _join(_when(row["verified_at"]), row["vvtt"]),
        "vvtt_failed": row["vvtt"] == "Discrepancy",
        "closed_at": _when(row["closed_at"]),
    }


def _pdf(template: str, header: Header, rows) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"header": header, "rows": list(rows)})
    return HTML(string=html).write_pdf()


# -- XLSX ------------------------------------------------------------------------------------
def _xlsx(*sheets) -> bytes:
    """A workbook of ``sheets``: (name, columns, header, rows) each."""
    book = XlsxWriter()
    for sheet in sheets:
        book.sheet(*sheet)
    return book.close()


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
            sheet.append([self._value(sheet, value) for value in row.values()])
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
