"""The validator's binder (PDF), the criteria workbook (XLSX) and its re-import."""

import datetime
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from openctpat.accounts.models import Membership
from openctpat.catalog.categories import CATEGORIES, category_name
from openctpat.core import audit, tabular
from openctpat.core.audit import Action
from openctpat.core.errors import ValidationFailed
from openctpat.core.exports import record_export, xlsx_row
from openctpat.core.tabular import cell_text

from . import services
from .models import Answer, AnswerStatus, EvidenceDocument, SecurityProfile

SHEET = "Criteria"
INFO_SHEET = "Profile"
COLUMNS = [
    ("ID", 8),
    ("Category", 28),
    ("Must/Should", 12),
    ("Criterion (summary)", 60),
    ("Status", 18),
    ("Narrative", 80),
    ("Owner (email)", 28),
    ("Due date", 12),
    ("N/A justification", 40),
    ("Must N/A override reason", 40),
    ("Evidence (title, version, SHA-256)", 60),
    ("Needs review", 12),
]
HEADERS = [name for name, _ in COLUMNS]
EDITABLE = {"Status", "Narrative", "Owner (email)", "Due date", "N/A justification"}
EDITABLE.add("Must N/A override reason")
IMPORT_LIMITS = tabular.Limits(
    max_bytes=10 * 1024 * 1024, max_rows=2_000, max_columns=40, max_unzipped=50 * 1024 * 1024
)


def export_answers(profile: SecurityProfile):
    documents = EvidenceDocument.objects.select_related("current").order_by("title")
    return (
        services.active_answers(profile)
        .select_related("criterion", "owner")
        .prefetch_related(Prefetch("evidence", queryset=documents))
        .order_by("criterion__category", "criterion__number")
    )


def _evidence_line(doc: EvidenceDocument) -> str:
    v = doc.current
    return f"{doc.title} (v{v.number}, sha256 {v.sha256})" if v else doc.title


def _record_export(profile, actor, kind: str, rows: int) -> None:
    record_export(profile.organisation_id, actor, profile, format=kind, criteria=rows)


# -- XLSX ------------------------------------------------------------------------------------
def build_xlsx(profile: SecurityProfile, actor=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(xlsx_row(ws, HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    answers = list(export_answers(profile))
    wrap = Alignment(wrap_text=True, vertical="top")
    for answer in answers:
        c = answer.criterion
        ws.append(
            xlsx_row(
                ws,
                [
                    c.criterion_id,
                    f"{c.category}. {c.category_name}",
                    c.get_requirement_display(),
                    c.summary,
                    answer.get_status_display(),
                    answer.narrative,
                    answer.owner.email if answer.owner else "",
                    answer.due_date,
                    answer.na_justification,
                    answer.must_override_reason,
                    "\n".join(_evidence_line(d) for d in answer.evidence.all()),
                    "yes" if answer.needs_review else "",
                ],
            )
        )
        for cell in ws[ws.max_row]:
            cell.alignment = wrap
        ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    statuses = DataValidation(
        type="list", formula1='"' + ",".join(AnswerStatus.labels) + '"', allow_blank=False
    )
    statuses.add(f"E2:E{max(ws.max_row, 2)}")
    ws.add_data_validation(statuses)

    info = wb.create_sheet(INFO_SHEET)
    org = profile.organisation
    for row in (
        ("Organisation", org.name),
        ("CTPAT account", org.ctpat_account_number),
        ("Entity type", profile.get_entity_type_display()),
        ("Site", profile.site.name if profile.site_id else ""),
        ("MSC version", profile.criteria_set.msc_version),
        ("Profile ID", profile.pk),
        ("Exported at", timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
        ("How to import", "Edit the Status to Must N/A columns on the Criteria sheet only."),
    ):
        info.append(xlsx_row(info, row))
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    out = io.BytesIO()
    wb.save(out)
    _record_export(profile, actor, "xlsx", len(answers))
    return out.getvalue()


@dataclass
class ImportResult:
    updated: int
    unchanged: int


def _parse_date(value, errors: tabular.ErrorList, where: str):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(where, f"due date {value!r} is not a date (use YYYY-MM-DD).")
        return None


NOT_A_WORKBOOK = (
    "This is not a readable XLSX workbook. Export the profile to XLSX, edit that "
    "file, and upload it again."
)


def import_xlsx(org, actor, profile: SecurityProfile, uploaded) -> ImportResult:
    """Apply an edited workbook. Every row is checked first; one bad row saves nothing.

    The workbook is read row by row within ``IMPORT_LIMITS``; only the writes are in the
    transaction.
    """
    with tabular.open_table(
        uploaded, IMPORT_LIMITS, kinds=("xlsx",), unreadable=NOT_A_WORKBOOK
    ) as table:
        planned, answers = _planned_answers(org, profile, table)
    with transaction.atomic():
        for answer, fields in planned:
            services.update_answer(org, actor, answer, **fields)
        audit.record(
            Action.UPDATE,
            organisation=org,
            actor=actor,
            target=profile,
            changes={"imported_xlsx": uploaded.name, "updated": len(planned)},
        )
    return ImportResult(updated=len(planned), unchanged=len(answers) - len(planned))


def _planned_answers(org, profile: SecurityProfile, table: tabular.Table):
    """The answers the workbook changes, with their new fields; or every bad row named."""
    if SHEET not in table.sheet_names:
        raise ValidationFailed(f"The workbook has no {SHEET!r} sheet.")
    if INFO_SHEET in table.sheet_names:
        info = {cell_text(r[0]): r[1] for _n, r in table.rows(INFO_SHEET) if len(r) > 1 and r[0]}
        if str(info.get("Profile ID", profile.pk)) != str(profile.pk):
            raise ValidationFailed(
                "This workbook was exported from another security profile; "
                "import it into the profile it came from."
            )
    rows = table.rows(SHEET)
    first = next(rows, (1, []))
    header = [cell_text(v) for v in first[1]] if first[0] == 1 else []
    if header[: len(HEADERS)] != HEADERS:
        raise ValidationFailed(
            "The Criteria sheet's columns are not the exported ones; export a fresh workbook."
        )
    answers = {a.criterion.criterion_id: a for a in export_answers(profile)}
    members = {
        m.user.email.lower(): m.user for m in Membership.objects.for_org(org).select_related("user")
    }
    by_label = {label.lower(): value for value, label in AnswerStatus.choices}
    by_label.update({value: value for value in AnswerStatus.values})
    errors = tabular.ErrorList()
    planned: list[tuple[Answer, dict]] = []
    seen: set[str] = set()
    for number, raw in rows:
        values = dict(zip(HEADERS, list(raw) + [None] * len(HEADERS), strict=False))
        cid = cell_text(values["ID"])
        if not cid and not any(values.values()):
            continue
        answer = answers.get(cid)
        if answer is None:
            errors.add(f"Row {number}", f"criterion {cid or '(blank)'} is not in this profile.")
            continue
        if cid in seen:
            errors.add(f"Row {number}", f"criterion {cid} appears twice.")
            continue
        seen.add(cid)
        where = f"Row {number} ({cid})"
        status = by_label.get(cell_text(values["Status"]).lower())
        if status is None:
            errors.add(
                where,
                f"status {values['Status']!r} is not one of {', '.join(AnswerStatus.labels)}.",
            )
            continue
        email = cell_text(values["Owner (email)"]).lower()
        if email and email not in members:
            errors.add(where, f"owner {email} is not a member.")
            continue
        fields = {
            "status": status,
            "narrative": cell_text(values["Narrative"]),
            "owner": members.get(email) if email else None,
            "due_date": _parse_date(values["Due date"], errors, f"Row {number}"),
            "na_justification": cell_text(values["N/A justification"]),
            "must_override_reason": cell_text(values["Must N/A override reason"]),
        }
        trial = Answer(criterion=answer.criterion, **fields)
        try:
            services.validate_answer(trial)
        except ValidationFailed as exc:
            errors.add(where, exc.message)
            continue
        current = {k: getattr(answer, k) for k in fields}
        if current != fields:
            planned.append((answer, fields))
    if errors:
        raise errors.failed()
    return planned, answers


# -- PDF -------------------------------------------------------------------------------------
def binder_context(profile: SecurityProfile) -> dict:
    answers = list(export_answers(profile))
    grouped: dict[int, list[Answer]] = {}
    for answer in answers:
        grouped.setdefault(answer.criterion.category, []).append(answer)
    categories = [
        {"number": n, "name": category_name(n), "answers": grouped[n]}
        for n in CATEGORIES
        if n in grouped
    ]
    return {
        "profile": profile,
        "org": profile.organisation,
        "criteria_set": profile.criteria_set,
        "categories": categories,
        "completeness": services.completeness(profile),
        "gaps": list(services.gaps(profile)),
        "window": services.review_window(profile),
        "generated_at": timezone.now(),
    }


def build_pdf(profile: SecurityProfile, actor=None) -> bytes:
    from weasyprint import HTML

    context = binder_context(profile)
    html = render_to_string("profiles/binder.html", context)
    pdf = HTML(string=html).write_pdf()
    _record_export(profile, actor, "pdf", sum(len(c["answers"]) for c in context["categories"]))
    return pdf
