"""The bounded reader every import uses: limits enforced while reading, zip bombs refused."""

import datetime
import time

import pytest

from openctpat.core import tabular
from openctpat.core.errors import ValidationFailed
from openctpat.testing.files import (
    MB,
    csv_rows,
    measure,
    sheet_xml,
    with_sheet,
    workbook,
    zip_bomb_xlsx,
)

LIMITS = tabular.Limits(max_bytes=20 * MB, max_rows=20_000, max_columns=60)


@pytest.fixture(scope="module")
def hundred_thousand_rows():
    return csv_rows("Legal name,Type,Country", lambda i: f"Partner {i},Supplier,CN", 100_000)


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb_xlsx(20 * MB)


def read(data, limits=LIMITS, **options):
    with tabular.open_table(data, limits, **options) as table:
        return list(table.rows())


def refusal(data, limits=LIMITS, **options) -> str:
    with pytest.raises(ValidationFailed) as refused:
        read(data, limits, **options)
    assert refused.value.field_errors == {"file": [refused.value.message]}
    return refused.value.message


def test_csv_rows_come_numbered_with_blank_rows_kept_between_and_dropped_at_the_end():
    rows = read(b"a,b\n1,2\n\n,\n3,4,,\n\n\n,,\n")
    assert rows == [(1, ["a", "b"]), (2, ["1", "2"]), (3, []), (4, []), (5, ["3", "4", "", ""])]


def test_csv_encodings_and_delimiters():
    assert read("name\nJosé\n".encode("cp1252"))[1] == (2, ["José"])
    assert read("\ufeffname\nJosé\n".encode())[0] == (1, ["name"])
    assert read(b"a;b\n1;2\n", sniff=True)[1] == (2, ["1", "2"])
    assert "not UTF-8" in refusal("é".encode("cp1252"), encodings=("utf-8-sig",))
    assert "neither UTF-8 nor Windows-1252" in refusal(b"\x81\x8d\x90")
    assert "NUL" in refusal(b"a,b\n1,\x002\n")


def test_an_upload_over_the_size_limit_is_refused_without_reading_it():
    class Huge:
        name = "huge.csv"
        size = 21 * MB

        def read(self, *args):
            raise AssertionError("the file was read")

    assert refusal(Huge()) == "The file is larger than 20 MB."
    assert refusal(b"x" * (1024 * 1024 + 1), tabular.Limits(1024 * 1024, 10, 10)).endswith(
        "larger than 1 MB."
    )


def test_a_100000_row_csv_is_refused_within_2_s_in_bounded_memory(hundred_thousand_rows):
    cost = measure(lambda: read(hundred_thousand_rows))
    assert isinstance(cost.error, ValidationFailed)
    assert cost.error.message == (
        "The file has more than 20,000 rows; split it into files of at most 20,000 rows."
    )
    assert cost.seconds < 2, cost
    assert cost.peak_mb < 50, cost


def test_the_row_limit_counts_rows_below_the_header_and_blank_rows_between():
    limits = tabular.Limits(max_bytes=MB, max_rows=3, max_columns=5)
    assert len(read(b"h\n1\n2\n3\n\n\n", limits)) == 4
    assert "more than 3 rows" in refusal(b"h\n1\n\n2\n3\n", limits)
    assert "more than 40 lines" in refusal(b"h\n" + b"\n" * 50 + b"1\n", limits)


def test_columns_cells_and_line_length_are_bounded():
    limits = tabular.Limits(max_bytes=10 * MB, max_rows=1000, max_columns=3)
    assert read(b"a,b,c,,,,\n", limits) == [(1, ["a", "b", "c", "", "", "", ""])]
    assert refusal(b"a,b,c,d\n", limits) == "The file has 4 columns (row 1); at most 3 are read."
    few_cells = tabular.Limits(max_bytes=MB, max_rows=1000, max_columns=3, max_cells=10)
    assert "more than 10 cells" in refusal(b"a,b,c\n" * 4, few_cells)
    long_line = b"x" * (tabular.LINE_CHARS + 10) + b"\n"
    assert "longer than" in refusal(long_line, limits)
    assert "malformed" in refusal(b'a,"' + b"x" * 200_000 + b'"\n', limits)


def test_an_xlsx_reads_typed_cells_from_any_sheet():
    data = workbook([["Name", "Since", "Count"], ["Andes", datetime.date(2020, 5, 1), 3]])
    with tabular.open_table(data, LIMITS, name="p.xlsx") as table:
        assert table.kind == "xlsx" and table.sheet_names == ["Sheet"]
        rows = list(table.rows("Sheet"))
    assert rows[0] == (1, ["Name", "Since", "Count"])
    assert rows[1][1][1] == datetime.datetime(2020, 5, 1) and rows[1][1][2] == 3
    assert [tabular.cell_text(c) for c in rows[1][1]] == ["Andes", "2020-05-01", "3"]


def test_a_20_mb_zip_bomb_is_refused_within_2_s_before_openpyxl_reads_it(bomb, monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    assert len(bomb) < 100 * 1024
    cost = measure(lambda: read(bomb))
    assert isinstance(cost.error, ValidationFailed), cost
    assert "zip bomb" in cost.error.message and "unpacks to 20 MB" in cost.error.message
    assert cost.seconds < 2, cost
    assert cost.peak_mb < 50, cost


def test_workbooks_over_the_unpacked_size_or_with_too_many_parts_are_refused():
    import io
    import os
    import zipfile

    noise = os.urandom(3 * MB)  # does not compress: the ratio is fine, the size is not
    data = with_sheet(workbook([["a"]]), sheet_xml(b""), part="xl/media/noise.bin")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/noise.bin", noise)
    small = tabular.Limits(max_bytes=10 * MB, max_rows=10, max_columns=5, max_unzipped=2 * MB)
    assert "at most 2 MB are read" in refusal(out.getvalue(), small)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as many:
        for i in range(tabular.ZIP_MEMBERS + 1):
            many.writestr(f"part{i}.xml", b"")
    assert "parts" in refusal(out.getvalue())


def test_a_sheet_that_lies_about_its_size_is_not_padded_and_far_rows_are_refused():
    lying = sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>', "A1:XFD9")
    data = with_sheet(workbook([["x"]]), lying)
    assert read(data) == [(1, ["a"])]
    far = sheet_xml(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>b</t></is></c></row>'
    )
    started = time.perf_counter()
    assert "more than 200,010 lines, most of them blank" in refusal(
        with_sheet(workbook([["x"]]), far)
    )
    assert time.perf_counter() - started < 5


def test_unreadable_and_misnamed_files():
    assert refusal(b"PK\x03\x04garbage") == "The file could not be read as an Excel workbook."
    assert "named .xlsx" in refusal(b"a,b\n", name="p.xlsx")
    assert refusal(b"a,b\n", kinds=("xlsx",), unreadable="Upload the workbook.") == (
        "Upload the workbook."
    )


def test_the_error_list_keeps_the_first_problems_and_counts_the_rest():
    errors = tabular.ErrorList(keep=3)
    assert not errors
    for n in range(2, 400_002):
        errors.add(f"Row {n}", "bad.")
    assert errors.total == 400_000 and len(errors.kept) == 3
    assert errors.messages() == [
        "Row 2: bad.",
        "Row 3: bad.",
        "Row 4: bad.",
        "…and 399,997 more rows with errors.",
    ]
    assert errors.by_place()["more"] == ["…and 399,997 more rows with errors."]
    failed = errors.failed()
    assert failed.message == "Nothing was imported: 400,000 row(s) have errors."
    assert len(failed.field_errors["rows"]) == 4
