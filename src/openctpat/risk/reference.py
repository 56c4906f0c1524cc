"""Parsing a reference-indicator CSV with row-level errors (no Django).

Columns: country,category,rating,indicator,source,source_url,source_date
"""

import re
from dataclasses import dataclass

import pycountry

from openctpat.core import tabular
from openctpat.core.errors import ValidationFailed

COLUMNS = ["country", "category", "rating", "indicator", "source", "source_url", "source_date"]
CATEGORIES = {
    "terrorism",
    "contraband_smuggling",
    "human_smuggling",
    "organised_crime",
    "corruption",
    "political_instability",
}
RATINGS = {"High", "Medium", "Low"}
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
MAX_ROWS = 20_000
LIMITS = tabular.Limits(max_bytes=5 * 1024 * 1024, max_rows=MAX_ROWS, max_columns=20)


@dataclass(frozen=True)
class IndicatorRow:
    country: str
    category: str
    rating: str
    indicator: str
    source: str
    source_url: str
    source_date: str


class ReferenceFileError(ValueError):
    def __init__(self, message: str, rows: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.rows = rows or []


def parse(source) -> list[IndicatorRow]:
    """Every row checked; any bad row refuses the whole file, naming the first bad rows.

    ``source`` is the file's bytes or an upload; it is read within ``LIMITS``.
    """
    try:
        with tabular.open_table(
            source, LIMITS, kinds=("csv",), encodings=("utf-8-sig",), name=""
        ) as table:
            return _rows(table.rows())
    except ValidationFailed as exc:  # the file itself: too large, not text, too many rows
        raise ReferenceFileError(exc.message) from exc


def _rows(reader) -> list[IndicatorRow]:
    first = next(reader, None)
    if first is None:
        raise ReferenceFileError("The file is empty.")
    number, header = first
    if number != 1 or [h.strip() for h in header] != COLUMNS:
        raise ReferenceFileError(f"Row 1: the header must be exactly {','.join(COLUMNS)}.")
    rows: list[IndicatorRow] = []
    errors = tabular.ErrorList()
    seen: set[tuple[str, str, str]] = set()
    for number, raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(COLUMNS):
            errors.add(f"Row {number}", f"{len(raw)} columns instead of {len(COLUMNS)}.")
            continue
        row = IndicatorRow(*(cell.strip() for cell in raw))
        problems = []
        if pycountry.countries.get(alpha_2=row.country.upper()) is None:
            problems.append(f"{row.country!r} is not an ISO 3166 country code")
        if row.category not in CATEGORIES:
            problems.append(f"category {row.category!r} is not one of {sorted(CATEGORIES)}")
        if row.rating not in RATINGS:
            problems.append(f"rating {row.rating!r} is not High, Medium or Low")
        if not row.indicator or not row.source:
            problems.append("indicator and source are required")
        if not row.source_url.startswith(("https://", "http://")):
            problems.append("source_url must be a web address")
        if not DATE.match(row.source_date):
            problems.append("source_date must be YYYY-MM or YYYY-MM-DD")
        key = (row.country.upper(), row.category, row.indicator)
        if key in seen:
            problems.append("duplicate of an earlier row")
        seen.add(key)
        if problems:
            errors.add(f"Row {number}", "; ".join(problems) + ".")
        else:
            rows.append(IndicatorRow(**{**row.__dict__, "country": row.country.upper()}))
    if errors:
        raise ReferenceFileError(
            f"Nothing was imported: {errors.total:,} row(s) have errors.", rows=errors.messages()
        )
    if not rows:
        raise ReferenceFileError("The file has no indicator rows.")
    return rows
