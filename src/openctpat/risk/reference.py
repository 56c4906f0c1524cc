"""Parsing a reference-indicator CSV with row-level errors (no Django).

Columns: country,category,rating,indicator,source,source_url,source_date
"""

import csv
import io
import re
from dataclasses import dataclass

import pycountry

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


def parse(data: bytes) -> list[IndicatorRow]:
    """Every row checked; any bad row refuses the whole file, naming each bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(f"The file is not UTF-8 text (byte {exc.start}).") from exc
    if "\x00" in text:
        raise ReferenceFileError("The file contains NUL characters; it is not a CSV text file.")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ReferenceFileError("The file is empty.")
    if [h.strip() for h in header] != COLUMNS:
        raise ReferenceFileError(f"Row 1: the header must be exactly {','.join(COLUMNS)}.")
    rows: list[IndicatorRow] = []
    errors: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if number > MAX_ROWS:
            raise ReferenceFileError(f"More than {MAX_ROWS} rows.")
        if len(raw) != len(COLUMNS):
            errors.append(f"Row {number}: {len(raw)} columns instead of {len(COLUMNS)}.")
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
            errors.append(f"Row {number}: " + "; ".join(problems) + ".")
        else:
            rows.append(IndicatorRow(**{**row.__dict__, "country": row.country.upper()}))
    if errors:
        raise ReferenceFileError(
            f"Nothing was imported: {len(errors)} row(s) have errors.", rows=errors
        )
    if not rows:
        raise ReferenceFileError("The file has no indicator rows.")
    return rows
