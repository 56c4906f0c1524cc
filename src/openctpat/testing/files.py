"""Files that attack the imports (zip bombs, far too many rows) and a measure of what a call
costs (seconds and peak memory), shared by every app's import tests and the bench."""

import io
import time
import tracemalloc
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024


def csv_rows(header: str, row, count: int) -> bytes:
    """A CSV of ``header`` and ``count`` rows: ``row(i)`` (text without the newline)."""
    out = io.StringIO()
    out.write(header.rstrip("\n") + "\n")
    for i in range(count):
        out.write(row(i) + "\n")
    return out.getvalue().encode()


def workbook(rows, title: str = "Sheet") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(xlsx: bytes, sheet_xml: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """``xlsx`` with one sheet's XML replaced (deflated at the highest level)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = sheet_xml if info.filename == part else src.read(info.filename)
            dst.writestr(info.filename, body, zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def sheet_xml(rows_xml: bytes, dimension: str = "A1") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension.encode() + b'"/><sheetData>' + rows_xml + b"</sheetData>"
        b"</worksheet>"
    )


def zip_bomb_xlsx(unpacked: int = 20 * MB, header=("Legal name", "Type", "Country")) -> bytes:
    """A valid-looking workbook whose sheet unpacks to ``unpacked`` bytes from ~50 KB."""
    row = (
        b'<row><c t="inlineStr"><is><t>Shenzhen Bright Toys Co. Ltd</t></is></c>'
        b'<c t="inlineStr"><is><t>Supplier</t></is></c><c t="inlineStr"><is><t>CN</t></is></c>'
        b"</row>"
    )
    body = row * (unpacked // len(row))
    return with_sheet(workbook([list(header)]), sheet_xml(body))


@dataclass
class Cost:
    seconds: float
    peak_bytes: int
    error: Exception | None
    result: object = None

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MB


def measure(call) -> Cost:
    """Run ``call()`` twice: its wall time, then the peak of memory it allocates.

    Memory is traced (tracemalloc) in a second run of its own, since tracing slows Python
    code down about tenfold and would distort the time. So measure only calls that can run
    twice (a refusal, a read). An exception is caught and returned: a refusal is the
    outcome being measured.
    """

    def run():
        try:
            return call(), None
        except Exception as exc:
            return None, exc

    started = time.perf_counter()
    result, error = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Cost(seconds, peak, error, result)
