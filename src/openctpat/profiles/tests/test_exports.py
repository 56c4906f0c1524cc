import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from pypdf import PdfReader

from openctpat.core.errors import ValidationFailed
from openctpat.core.models import AuditEntry
from openctpat.core.permissions import Role
from openctpat.profiles import exports, services
from openctpat.testing import add_member, owner_of
from openctpat.testing.profiles import make_document, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(org_a):
    profile = make_profile(org_a, per_site=False)
    owner = owner_of(org_a)
    answer = profile.answers.get(criterion__criterion_id="6.2")
    services.update_answer(org_a, owner, answer, status="meets", narrative="Bolt seals, ISO 17712.")
    services.link_evidence(org_a, owner, answer, make_document(org_a, "Seal SOP text"))
    return profile


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def as_upload(wb, name="profile.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def row_of(ws, criterion_id):
    for row in ws.iter_rows(min_row=2):
        if row[0].value == criterion_id:
            return row
    raise AssertionError(criterion_id)


def test_xlsx_has_one_row_per_criterion_with_evidence_hashes(profile):
    wb = workbook(exports.build_xlsx(profile))
    ws = wb[exports.SHEET]
    assert [c.value for c in ws[1]] == exports.HEADERS
    assert ws.max_row - 1 == profile.answers.count()
    row = row_of(ws, "6.2")
    assert row[4].value == "Meets" and "Bolt seals" in row[5].value
    sha = profile.answers.get(criterion__criterion_id="6.2").evidence.get().current.sha256
    assert sha in row[10].value
    assert ws.auto_filter.ref
    assert AuditEntry.objects.filter(action="export", object_id=str(profile.pk)).exists()


def test_xlsx_round_trip_updates_answers(org_a, profile):
    member = add_member(org_a, Role.CONTRIBUTOR).user
    wb = workbook(exports.build_xlsx(profile))
    ws = wb[exports.SHEET]
    row = row_of(ws, "1.1")
    row[4].value = "Meets"
    row[5].value = "Statement signed by the CEO in March."
    row[6].value = member.email.upper()
    row[7].value = "2027-02-01"
    result = exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))
    assert result.updated == 1
    answer = profile.answers.get(criterion__criterion_id="1.1")
    assert answer.status == "meets" and answer.owner == member
    assert str(answer.due_date) == "2027-02-01"
    again = exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))
    assert again.updated == 0


def test_one_bad_row_imports_nothing_and_names_every_bad_row(org_a, profile):
    wb = workbook(exports.build_xlsx(profile))
    ws = wb[exports.SHEET]
    row_of(ws, "1.1")[4].value = "Meets"  # a good row
    row_of(ws, "1.2")[4].value = "Sort of"
    row_of(ws, "6.1")[4].value = "Not applicable"
    row_of(ws, "6.1")[8].value = "No seals"  # a Must without an override reason
    row_of(ws, "2.1")[7].value = "next week"
    row_of(ws, "2.2")[6].value = "stranger@example.test"
    ws.append(["99.9", "", "", "", "Meets"])
    with pytest.raises(ValidationFailed) as refused:
        exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))
    rows = refused.value.field_errors["rows"]
    assert len(rows) == 5
    text = " ".join(rows)
    for expected in ("'Sort of'", "is a Must", "next week", "stranger@example.test", "99.9"):
        assert expected in text
    assert profile.answers.get(criterion__criterion_id="1.1").status == "not_started"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "not a readable XLSX"),
        (b"PK\x03\x04broken zip", "not a readable XLSX"),
    ],
)
def test_malformed_workbooks_are_refused(org_a, profile, content, message):
    with pytest.raises(ValidationFailed, match=message):
        exports.import_xlsx(org_a, owner_of(org_a), profile, SimpleUploadedFile("x.xlsx", content))


def test_workbook_of_another_profile_or_with_other_columns_is_refused(org_a, profile):
    other = make_profile(org_a)
    wb = workbook(exports.build_xlsx(other))
    with pytest.raises(ValidationFailed, match="another security profile"):
        exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))
    wb = workbook(exports.build_xlsx(profile))
    wb[exports.SHEET]["B1"] = "Something else"
    with pytest.raises(ValidationFailed, match="columns are not the exported ones"):
        exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))


def test_pdf_binder_has_cover_contents_criteria_and_hashes(profile):
    reader = PdfReader(io.BytesIO(exports.build_pdf(profile)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "CTPAT security profile" in text and "Alpha Imports LLC" in text
    assert "Contents" in text and "Seal Security" in text
    for criterion_id in ("1.1", "6.2", "12.1"):
        assert criterion_id in text
    sha = profile.answers.get(criterion__criterion_id="6.2").evidence.get().current.sha256
    assert sha[:16] in text.replace("\n", "")
    assert len(reader.pages) > 5


def test_formula_like_text_round_trips_unchanged(org_a):
    """The workbook keeps a narrative that starts like a formula as text, exactly."""
    owner = owner_of(org_a)
    profile = make_profile(org_a)
    answer = profile.answers.get(criterion__criterion_id="6.1")
    narrative = '=HYPERLINK("http://evil.test","open") is what a supplier wrote'
    services.update_answer(org_a, owner, answer, status="in_progress", narrative=narrative)
    data = exports.build_xlsx(profile, owner)
    cell = next(
        c for row in workbook(data)["Criteria"].iter_rows() for c in row if c.value == narrative
    )
    assert cell.data_type == "s" and cell.quotePrefix
    upload = SimpleUploadedFile("profile.xlsx", data)
    assert exports.import_xlsx(org_a, owner, profile, upload).updated == 0


def test_a_workbook_of_many_bad_rows_is_refused_with_a_capped_error_list(org_a, profile):
    wb = workbook(exports.build_xlsx(profile))
    ws = wb[exports.SHEET]
    for n in range(300):
        ws.append([f"99.{n}", "", "", "", "Meets"])
    with pytest.raises(ValidationFailed) as refused:
        exports.import_xlsx(org_a, owner_of(org_a), profile, as_upload(wb))
    rows = refused.value.field_errors["rows"]
    assert len(rows) == 101
    assert rows[-1] == "…and 200 more rows with errors."
