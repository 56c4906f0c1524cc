"""Reading a partner registry file and checking its rows (pure Python, no Django).

The flow is: read the file into headers and rows, guess which column holds which field,
clean every row into field values or a list of errors, then find duplicates against the
registry and within the file. Nothing here writes; services.commit_import does, once every
row passed.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from rapidfuzz import fuzz, process

from openctpat.core import tabular

from .names import name_key

MAX_ROWS = 20_000
MAX_COLUMNS = 60
LIMITS = tabular.Limits(
    max_bytes=20 * 1024 * 1024,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
    max_unzipped=60 * 1024 * 1024,  # a 20,000-row registry workbook unpacks to ~16 MB
)
SIMILAR_NAME = 92  # rapidfuzz ratio on folded names, same country: "very similar"

# field -> (label, required, header synonyms after folding)
FIELDS = {
    "legal_name": (
        "Legal name",
        True,
        {"legal name", "name", "partner", "company", "partner name"},
    ),
    "partner_type": ("Type", True, {"type", "partner type", "entity type", "role"}),
    "country": ("Country", True, {"country", "country code", "main country"}),
    "other_names": ("Other names", False, {"other names", "aka", "trade names", "alias"}),
    "other_countries": ("Other countries", False, {"other countries"}),
    "address": ("Address", False, {"address", "street address"}),
    "duns": ("DUNS", False, {"duns", "duns number", "d u n s"}),
    "lei": ("LEI", False, {"lei"}),
    "tax_id": ("Tax ID", False, {"tax id", "vat", "vat number", "tax number", "rfc", "ein"}),
    "ior": ("IOR number", False, {"ior", "ior number", "importer of record"}),
    "scac": ("SCAC", False, {"scac", "scac code"}),
    "iata_code": ("IATA code", False, {"iata", "iata code"}),
    "mid": ("MID", False, {"mid", "manufacturer id", "manufacturer identification code"}),
    "services": ("Services", False, {"services", "services performed"}),
    "start_date": ("Start date", False, {"start date", "since", "relationship start"}),
    "status": ("Status", False, {"status"}),
    "notes": ("Notes", False, {"notes", "comments"}),
    "contact_name": ("Contact name", False, {"contact", "contact name"}),
    "contact_email": ("Contact email", False, {"email", "contact email", "e mail"}),
    "contact_phone": ("Contact phone", False, {"phone", "contact phone", "telephone"}),
}
REQUIRED = [f for f, (_label, required, _syn) in FIELDS.items() if required]
LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _fold(text) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


def read_table(uploaded, file_name: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV or XLSX file, every cell as text.

    The rows are read one at a time within ``LIMITS``: a file over them is refused at the
    first row past the limit (``ValidationFailed`` on ``file``).
    """
    with tabular.open_table(uploaded, LIMITS, sniff=True, name=file_name) as table:
        rows = table.rows()
        first = next(rows, None)
        if first is None or first[0] != 1:
            raise tabular.refused("The file has no header row.")
        headers = [tabular.cell_text(c) for c in first[1]]
        seen = set()
        for i, h in enumerate(headers):
            if not h:
                headers[i] = h = f"Column {i + 1}"
            if h in seen:
                raise tabular.refused(f"The column {h!r} appears twice in the header row.")
            seen.add(h)
        width = len(headers)
        body = [
            ([tabular.cell_text(c) for c in row[:width]] + [""] * width)[:width] for _n, row in rows
        ]
    if not body:
        raise tabular.refused("The file has a header row but no partners.")
    return headers, body


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """field -> header, for every field a header's name gives away."""
    mapping = {}
    for header in headers:
        folded = _fold(header)
        for f, (label, _required, synonyms) in FIELDS.items():
            if f not in mapping and (folded in synonyms or folded == _fold(label) or folded == f):
                mapping[f] = header
                break
    return mapping


# Names people write that pycountry does not know (its names are the ISO ones).
COUNTRY_ALIASES = {
    "turkey": "TR",
    "russia": "RU",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "korea": "KR",
    "south korea": "KR",
    "north korea": "KP",
    "ivory coast": "CI",
    "macau": "MO",
    "macao": "MO",
    "brunei": "BN",
    "burma": "MM",
    "cape verde": "CV",
    "holland": "NL",
    "palestine": "PS",
    "swaziland": "SZ",
    "vietnam": "VN",
    "laos": "LA",
    "usa": "US",
    "united states of america": "US",
    "czech republic": "CZ",
    "hong kong sar": "HK",
    "taiwan": "TW",
}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if _fold(text) in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[_fold(text)]
    for lookup in (
        lambda: pycountry.countries.get(alpha_2=text.upper()),
        lambda: pycountry.countries.get(alpha_3=text.upper()),
        lambda: pycountry.countries.lookup(text),
    ):
        try:
            found = lookup()
        except LookupError:
            found = None
        if found:
            return found.alpha_2
    return None


@lru_cache(maxsize=64)
def _choice_index(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Folded key or label -> key, the first key winning: folded once, not once per row."""
    index: dict[str, str] = {}
    for key, label in items:
        index.setdefault(_fold(key), key)
        index.setdefault(_fold(label), key)
    return index


def _choice(value: str, choices: dict[str, str]) -> str | None:
    return _choice_index(tuple(choices.items())).get(_fold(value))


def _date(value: str):
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_identifier(name: str, value: str) -> str | None:
    """An error message if ``value`` is not a well-formed identifier of kind ``name``."""
    if name == "duns" and not re.fullmatch(r"\d{9}", value.replace("-", "")):
        return "DUNS must have 9 digits."
    if name == "lei":
        lei = value.upper()
        if not re.fullmatch(r"[A-Z0-9]{18}\d{2}", lei):
            return "LEI must be 20 characters: 18 letters or digits and 2 check digits."
        if int("".join(str(int(c, 36)) for c in lei)) % 97 != 1:
            return "LEI check digits do not match (ISO 17442)."
    if name == "scac" and not re.fullmatch(r"[A-Za-z]{2,4}", value):
        return "SCAC must be 2 to 4 letters."
    if name == "iata_code" and not re.fullmatch(r"[A-Za-z0-9]{2,3}", value):
        return "IATA code must be 2 or 3 letters or digits."
    return None


def normalise_identifier(name: str, value: str) -> str:
    value = value.strip()
    if name == "duns":
        return value.replace("-", "")
    if name in ("lei", "scac", "iata_code", "mid"):
        return value.upper()
    return value


@dataclass
class CleanRow:
    line: int  # the row's line in the file (header is line 1)
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def clean_row(line: int, raw: dict[str, str], choices: dict[str, dict[str, str]]) -> CleanRow:
    """Field values from one row (``raw``: field -> cell text), or the reasons it is refused.

    ``choices`` gives the allowed keys and labels of ``partner_type``, ``status`` and
    ``services``.
    """
    row = CleanRow(line)
    v, errors = row.values, row.errors
    for f in REQUIRED:
        if not raw.get(f, "").strip():
            errors.append(f"{FIELDS[f][0]} is required.")
    name = raw.get("legal_name", "").strip()
    if len(name) > 200:
        errors.append("Legal name is longer than 200 characters.")
    v["legal_name"] = name
    if raw.get("partner_type"):
        v["partner_type"] = _choice(raw["partner_type"], choices["partner_type"])
        if v["partner_type"] is None:
            errors.append(f"Type {raw['partner_type']!r} is not a partner type.")
    if raw.get("country"):
        v["country"] = country_code(raw["country"])
        if v["country"] is None:
            errors.append(f"Country {raw['country']!r} is not a known country.")
    v["other_names"] = [n for n in LIST_SEPARATOR.split(raw.get("other_names", "")) if n][:20]
    others = []
    for c in (c for c in LIST_SEPARATOR.split(raw.get("other_countries", "")) if c):
        code = country_code(c)
        if code is None:
            errors.append(f"Other country {c!r} is not a known country.")
        elif code not in others:
            others.append(code)
    v["other_countries"] = others
    services = []
    for s in (s for s in LIST_SEPARATOR.split(raw.get("services", "")) if s):
        key = _choice(s, choices["services"])
        if key is None:
            errors.append(f"Service {s!r} is not known.")
        elif key not in services:
            services.append(key)
    v["services"] = services
    for ident in ("duns", "lei", "tax_id", "ior", "scac", "iata_code", "mid"):
        text = raw.get(ident, "").strip()
        if text:
            problem = check_identifier(ident, text)
            if problem:
                errors.append(problem)
            v[ident] = normalise_identifier(ident, text)[:40]
    if raw.get("status"):
        v["status"] = _choice(raw["status"], choices["status"])
        if v["status"] is None:
            errors.append(f"Status {raw['status']!r} is not one of {', '.join(choices['status'])}.")
    if raw.get("start_date"):
        v["start_date"] = _date(raw["start_date"])
        if v["start_date"] is None:
            errors.append(f"Start date {raw['start_date']!r} is not a date (use YYYY-MM-DD).")
    for f in ("address", "notes", "contact_name", "contact_phone"):
        v[f] = raw.get(f, "").strip()
    email = raw.get("contact_email", "").strip()
    if email and not EMAIL.match(email):
        errors.append(f"Contact email {email!r} is not an email address.")
    v["contact_email"] = email
    return row


@dataclass(frozen=True)
class Known:
    """A partner already in the registry, as duplicate detection sees it."""

    id: int
    legal_name: str
    name_key: str
    country: str
    identifiers: tuple[tuple[str, str], ...]


def duplicates(rows: list[CleanRow], known: list[Known]) -> dict[int, str]:
    """line -> why the row duplicates a registry partner or an earlier row of the file.

    Same identifier (DUNS, LEI, tax ID, MID, SCAC) anywhere, or a very similar folded name in
    the same country.
    """
    found: dict[int, str] = {}
    by_ident = {(k, v.upper()): p for p in known for k, v in p.identifiers if v}
    by_country: dict[str, list[Known]] = {}
    for p in known:
        by_country.setdefault(p.country, []).append(p)
    in_file_ident: dict[tuple[str, str], int] = {}
    in_file_names: dict[str, dict[str, int]] = {}
    in_file_keys: dict[str, list[str]] = {}
    for row in rows:
        if row.errors:
            continue
        v = row.values
        for ident in ("duns", "lei", "tax_id", "mid", "scac"):
            value = v.get(ident)
            if not value:
                continue
            key = (ident, value.upper())
            if key in by_ident:
                found[row.line] = (
                    f"Same {ident.upper().replace('_', ' ')} as {by_ident[key].legal_name!r} "
                    "in the registry."
                )
            elif key in in_file_ident:
                found[row.line] = f"Same {ident.upper()} as line {in_file_ident[key]}."
            in_file_ident.setdefault(key, row.line)
        if row.line in found:
            continue
        folded = name_key(v["legal_name"])
        candidates = by_country.get(v["country"], [])
        if candidates:
            match = process.extractOne(
                folded,
                [p.name_key for p in candidates],
                scorer=fuzz.ratio,
                score_cutoff=SIMILAR_NAME,
            )
            if match:
                other = candidates[match[2]]
                found[row.line] = (
                    f"Very similar to {other.legal_name!r} ({other.country}) in the registry."
                )
                continue
        earlier = in_file_names.setdefault(v["country"], {})
        names = in_file_keys.setdefault(v["country"], [])  # earlier's keys, kept as a list
        if earlier:
            match = process.extractOne(folded, names, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAME)
            if match:
                found[row.line] = f"Very similar to line {earlier[match[0]]} of this file."
                continue
        if folded not in earlier:
            earlier[folded] = row.line
            names.append(folded)
    return found
