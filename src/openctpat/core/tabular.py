"""Reading an uploaded CSV or XLSX file as a stream of rows, its limits enforced while reading.

Every import goes through here so that no file can stall or exhaust the server: the upload
size is checked before the file is read, an XLSX's unpacked size and compression ratio
before openpyxl opens it (a zip bomb never unpacks), and rows, columns and cells are
counted as they are read, so a file over a limit is refused at the first row past it, not
after all of it was loaded. Problems are ``ValidationFailed`` on the ``file`` field with a
message for the person who uploaded it. No Django import: the callers are pure modules too.
"""

import codecs
import csv
import datetime
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import ValidationFailed, invalid

SHEET_ROWS = 1_048_576  # Excel's last row
LINE_CHARS = 1_048_576  # one CSV line; a longer one is not a table
ZIP_MEMBERS = 1_000  # an XLSX has a few dozen parts
RATIO_FLOOR = 1024 * 1024  # below this unpacked size the compression ratio is not checked
MAX_ERRORS = 100  # problems kept per import; the rest are counted
CSV_DELIMITERS = ",;\t"


@dataclass(frozen=True)
class Limits:
    """What one import accepts. ``max_rows`` counts the rows below the header."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int = 0  # 0: max_rows × max_columns
    max_unzipped: int = 0  # XLSX, every part unpacked; 0: 5 × max_bytes
    max_ratio: int = 100  # XLSX: unpacked size over file size

    @property
    def cells(self) -> int:
        return self.max_cells or (self.max_rows + 1) * self.max_columns

    @property
    def lines(self) -> int:
        """Rows read at most, blank ones included (a blank row costs time too)."""
        return min(SHEET_ROWS, 10 * self.max_rows + 10)

    @property
    def unzipped(self) -> int:
        return self.max_unzipped or 5 * self.max_bytes


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{max(n // 1024, 1)} KB"


def refused(message: str) -> ValidationFailed:
    return invalid("file", message)


def read_upload(uploaded, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading when its size is over ``max_bytes``."""
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        size = getattr(uploaded, "size", None)
        if size is not None and size > max_bytes:
            raise refused(f"The file is larger than {size_text(max_bytes)}.")
        if hasattr(uploaded, "seek"):
            uploaded.seek(0)
        data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise refused(f"The file is larger than {size_text(max_bytes)}.")
    return data


def cell_text(value) -> str:
    """A cell as the text a person typed: dates as YYYY-MM-DD, 12.0 as 12, no NUL."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Table:
    """An uploaded file, open for reading its rows one at a time (use it as a context)."""

    def __init__(self, data: bytes, name: str, limits: Limits):
        self.data = data
        self.name = name
        self.limits = limits
        self.kind = "csv"
        self.sheet_names: list[str] = []
        self._book = None
        self._encoding = "utf-8"
        self._dialect = csv.excel

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None

    def rows(self, sheet: str | None = None) -> Iterator[tuple[int, list]]:
        """``(row number, cells)`` for every row up to the last one with a value.

        Blank rows between others come as ``[]`` (numbers stay those of the file); the
        columns limit counts up to the last cell with a value. XLSX cells keep their type
        (numbers, dates); CSV cells are text. Raises on the first row past a limit.
        """
        raw = self._xlsx_rows(sheet) if self.kind == "xlsx" else self._csv_rows()
        limits = self.limits
        kept, cells, pending = 0, 0, 0
        for number, row in raw:
            if number > limits.lines:
                raise refused(
                    f"The file has more than {limits.lines:,} lines, most of them blank; "
                    f"at most {limits.max_rows:,} rows are read."
                )
            cells += len(row)
            if cells > limits.cells:
                raise refused(
                    f"The file has more than {limits.cells:,} cells; split it into smaller files."
                )
            width = len(row)
            while width and _blank(row[width - 1]):
                width -= 1
            if not width:
                pending += 1
                continue
            if width > limits.max_columns:
                raise refused(
                    f"The file has {width} columns (row {number}); "
                    f"at most {limits.max_columns} are read."
                )
            kept += pending + 1
            if kept > limits.max_rows + 1:
                raise refused(
                    f"The file has more than {limits.max_rows:,} rows; "
                    f"split it into files of at most {limits.max_rows:,} rows."
                )
            for blank in range(number - pending, number):
                yield blank, []
            pending = 0
            yield number, list(row)

    # -- CSV -------------------------------------------------------------------------------
    def _open_csv(self, encodings: tuple[str, ...], sniff: bool) -> None:
        for encoding in encodings:
            if _decodes(self.data, encoding):
                self._encoding = encoding
                break
        else:
            if len(encodings) == 1:
                raise refused("The file is not UTF-8 text.")
            raise refused("The file is not a CSV text file (neither UTF-8 nor Windows-1252).")
        if b"\x00" in self.data:
            raise refused("The file contains NUL characters; it is not a CSV text file.")
        if sniff:
            start = self.data[:16384].decode(self._encoding, errors="ignore")[:4096]
            try:
                self._dialect = csv.Sniffer().sniff(start, delimiters=CSV_DELIMITERS)
            except csv.Error:
                self._dialect = csv.excel

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        stream = io.TextIOWrapper(io.BytesIO(self.data), encoding=self._encoding, newline="")
        reader = csv.reader(_bounded_lines(stream), self._dialect)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise refused(f"The CSV file is malformed: {exc}.") from exc

    # -- XLSX ------------------------------------------------------------------------------
    def _open_xlsx(self, unreadable: str) -> None:
        """Check the zip's parts before openpyxl reads any of them."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.data))
            parts = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise refused(unreadable) from exc
        if len(parts) > ZIP_MEMBERS:
            raise refused(f"The workbook has {len(parts):,} parts; it is not a spreadsheet.")
        unpacked = sum(p.file_size for p in parts)
        limits = self.limits
        if unpacked > RATIO_FLOOR and unpacked > limits.max_ratio * len(self.data):
            raise refused(
                f"The workbook unpacks to {size_text(unpacked)} from {size_text(len(self.data))}, "
                f"more than {limits.max_ratio} times its size: it is refused as a possible "
                "zip bomb. Save it again from your spreadsheet program, or export it as CSV."
            )
        if unpacked > limits.unzipped:
            raise refused(
                f"The workbook unpacks to {size_text(unpacked)}; at most "
                f"{size_text(limits.unzipped)} are read. Split it into smaller files."
            )
        from openpyxl import load_workbook

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about features it drops
                self._book = load_workbook(io.BytesIO(self.data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise refused(unreadable) from exc
        self.kind = "xlsx"
        self.sheet_names = list(self._book.sheetnames)

    def _xlsx_rows(self, sheet: str | None) -> Iterator[tuple[int, list]]:
        book = self._book
        ws = book[sheet] if sheet else book.worksheets[0]
        # A sheet's declared size is not trusted: "A1:XFD1048576" would pad every row to
        # 16,384 cells. Without it, each row is as wide as its last cell.
        ws.reset_dimensions()
        try:
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except ValidationFailed:
            raise
        except Exception as exc:  # a damaged sheet part
            raise refused("The workbook could not be read: a sheet is damaged.") from exc


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of ``data`` decodes, read in slices (no second copy of the file)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    step = 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _bounded_lines(stream) -> Iterator[str]:
    while True:
        line = stream.readline(LINE_CHARS + 1)
        if not line:
            return
        if len(line) > LINE_CHARS:
            raise refused(f"A line of the file is longer than {LINE_CHARS:,} characters.")
        yield line


def open_table(
    uploaded,
    limits: Limits,
    *,
    kinds: tuple[str, ...] = ("csv", "xlsx"),
    encodings: tuple[str, ...] = ("utf-8-sig", "cp1252"),
    sniff: bool = False,
    name: str | None = None,
    unreadable: str = "The file could not be read as an Excel workbook.",
) -> Table:
    """Open an upload (a Django ``UploadedFile``, a file or bytes) within ``limits``.

    An XLSX is recognised by its content, anything else is read as CSV in the first of
    ``encodings`` that decodes all of it (``sniff``: guess the delimiter). ``unreadable`` is
    the message for a file that is not the workbook expected.
    """
    name = name if name is not None else (getattr(uploaded, "name", "") or "")
    data = read_upload(uploaded, limits.max_bytes)
    table = Table(data, name, limits)
    if data[:4] == b"PK\x03\x04" and "xlsx" in kinds:
        table._open_xlsx(unreadable)
    elif "csv" not in kinds:
        raise refused(unreadable)
    elif name.lower().endswith((".xlsx", ".xlsm")) and "xlsx" in kinds:
        raise refused("This file is named .xlsx but is not an Excel workbook.")
    else:
        table._open_csv(encodings, sniff)
    return table


class ErrorList:
    """The problems of an import: the first ``keep`` kept in order, the rest only counted.

    A file of 400,000 bad rows gives 100 messages and "…and 399,900 more rows with errors."
    """

    def __init__(self, keep: int = MAX_ERRORS):
        self.keep = keep
        self.total = 0
        self.kept: list[tuple[str, list[str]]] = []

    def add(self, where: str, *messages: str) -> None:
        self.total += 1
        if len(self.kept) < self.keep:
            self.kept.append((where, list(messages)))

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    @property
    def more(self) -> int:
        return self.total - len(self.kept)

    def summary(self) -> str:
        return f"…and {self.more:,} more rows with errors."

    def messages(self) -> list[str]:
        """One line per row: ``"Row 3: the problem."``, then the count of the rest."""
        lines = [f"{where}: {' '.join(msgs)}" for where, msgs in self.kept]
        return lines + [self.summary()] if self.more else lines

    def by_place(self) -> dict[str, list[str]]:
        """``{where: messages}`` for an error's ``field_errors``; the rest under ``more``."""
        fields = dict(self.kept)
        if self.more:
            fields["more"] = [self.summary()]
        return fields

    def failed(self, message: str | None = None) -> ValidationFailed:
        message = message or f"Nothing was imported: {self.total:,} row(s) have errors."
        return ValidationFailed(message, field_errors={"rows": self.messages()})
