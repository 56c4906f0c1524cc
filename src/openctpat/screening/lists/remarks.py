"""Aliases, dates of birth, nationalities and identifiers parsed out of OFAC remarks."""

import re
from dataclasses import dataclass, field

from ..entries import ListEntry, ListName
from .countries import country_code


@dataclass
class Remarks:
    """What :func:`parse_remarks` finds in an OFAC remarks text."""

    aliases: list[tuple[str, str]] = field(default_factory=list)  # (kind, name), all weak
    dates_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # as written
    citizenships: list[str] = field(default_factory=list)  # as written
    identifiers: list[dict] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)


_SEGMENT_SPLIT = re.compile(r";\s*")
_ALIAS_RE = re.compile(r"^([afn])\.k\.a\.,?\s+(.+)$", re.IGNORECASE)
_DOB_RE = re.compile(r"^(?:alt\.\s+)?DOB:?\s+(.+)$", re.IGNORECASE)
_NATIONALITY_RE = re.compile(
    r"^(?:alt\.\s+)?nationality(?: of registration)?:?\s+(.+)$", re.IGNORECASE
)
_CITIZEN_RE = re.compile(r"^(?:alt\.\s+)?citizen(?:ship)?:?\s+(.+)$", re.IGNORECASE)
_LINKED_RE = re.compile(r"^Linked To:\s*(.+)$", re.IGNORECASE)
_ALT_PREFIX = re.compile(r"^alt\.\s+", re.IGNORECASE)
_ABBREVIATION_END = re.compile(
    r"(?:\b[A-Za-z]|\b(?:No|Co|Ltd|LTD|Inc|INC|Corp|CORP|Jr|Sr|St|Bros))\.$"
)

# Identifier labels OFAC writes in remarks (the idType values of SDN.XML), longest first so
# that "Passport Booklet" wins over "Passport". Anything else ending in No./Number/ID/# with a
# digit in its value is caught by _ID_FALLBACK.
_ID_TYPES = (
    "Passport", "Diplomatic Passport", "Passport Booklet", "British National Overseas Passport",
    "Stateless Person Passport", "Stateless Person ID Card", "Tax ID No.", "Registration Number",
    "National ID No.", "Vessel Registration Identification", "Cedula No.", "C.U.R.P.",
    "C.U.R.P. #", "R.F.C.", "R.F.C. #", "RFC", "NIT #", "Registration ID", "Identification Number",
    "RUC #", "Business Registration Number", "Business Registration Document #",
    "Folio Mercantil No.", "Company Number", "UK Company Number", "Commercial Registry Number",
    "MMSI", "ISIN", "Unified Social Credit Code (USCC)",
    "United Social Credit Code Certificate (USCCC)", "Matricula Mercantil No", "Email Address",
    "Email", "Website", "V.A.T. Number", "C.R. No.", "Legal Entity Number", "Phone Number",
    "Telephone", "Telephone No.", "Telephone Number", "Fax", "Fax No.", "SWIFT/BIC", "D.N.I.",
    "D-U-N-S Number", "Economic Register Number (CBLS)", "Trade License No.", "RIF #",
    "Electoral Registry No.", "Chamber of Commerce Number", "Driver's License No.", "BIK (RU)",
    "Birth Certificate Number", "Public Registration Number", "Italian Fiscal Code",
    "Fiscal Code", "Personal ID Card", "Central Registration System Number",
    "Credencial electoral", "National Foreign ID Number", "Cartilla de Servicio Militar Nacional",
    "Business Number", "US FEIN", "Enterprise Number", "SSN", "Residency Number", "I.F.E.",
    "C.U.I.", "C.U.I.T.", "C.U.I.P.", "LE Number", "Certificate of Incorporation Number",
    "Turkish Identification Number", "Numero de Identidad", "Aircraft Tail Number",
    "Previous Aircraft Tail Number", "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Mode S Transponder Code", "Aircraft Serial Identification",
    "Government Gazette Number", "Equity Ticker", "Kenyan ID No.", "Travel Document Number",
    "RTN", "Citizen's Card Number", "Refugee ID Card", "N.I.E.", "N.I.F.", "C.I.F.", "C.I.N.",
    "Branch Unit Number", "Registered Charity No.", "Dubai Chamber of Commerce Membership No.",
    "Istanbul Chamber of Comm. No.", "File Number", "Permit Number", "SRE Permit No.",
    "Tazkira National ID Card", "Pilot License Number", "Organization Code", "Romanian C.R.",
    "Romanian Tax Registration", "CNP (Personal Numerical Code)", "Military Registration Number",
    "MSB Registration Number", "RSIN", "UAE Identification", "Bosnian Personal ID No.",
    "Moroccan Personal ID No.", "Immigration No.",
    "Numero Unico de Identificacao Tributaria (NUIT)", "Other Vessel Call Sign",
    "Seafarer's Identification Document", "Registration Certificate Number (Dubai)",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)", "VisaNumberID",
    "Afghan Money Service Provider License Number", "Tourism License No.",
    "Paraguayan tax identification number", "International Maritime Organization No.",
    "Chinese Commercial Code", "License",
)  # fmt: skip
_ID_RE = re.compile(
    r"^(?P<type>Digital Currency Address - [A-Za-z0-9]+|"
    + "|".join(re.escape(t) for t in sorted(_ID_TYPES, key=len, reverse=True))
    + r")(?::|\s)\s*(?P<rest>\S.*)$"
)
_ID_FALLBACK = re.compile(
    r"^(?P<type>[A-Z][\w.'/&()-]*(?:\s+[\w.'/&()-]+){0,5}?\s+(?:No\.?|Number|ID|#))"
    r":?\s+(?P<rest>\S*\d.*)$"
)
_ID_EXPIRES = re.compile(r"[\s,]+(?:expires|expired|expiration date)\s+(?P<date>.+)$", re.I)
_ID_ISSUED = re.compile(r"[\s,]+issued\s+(?P<date>.+)$", re.I)
_ID_COUNTRY = re.compile(r"\s*\((?P<country>[^()]+)\)$")


def parse_remarks(text: str) -> Remarks:
    """Weak aliases, dates of birth, nationalities, identifiers and links in OFAC remarks.

    The legacy CSV keeps all of these in one Remarks text, segments separated by "; ", e.g.
    ``DOB 12 Jan 1970; alt. DOB circa 1960; nationality Iran; Passport A123 (Iran) issued
    01 Jan 2000; a.k.a. 'ABU X'; Linked To: SOME GROUP.`` Aliases written there are OFAC's
    *weak* aliases. Values are kept as written; what is not recognised stays in the remarks.
    """
    found = Remarks()
    for raw in _SEGMENT_SPLIT.split(text.strip()):
        segment = _drop_period(raw.strip())
        if not segment:
            continue
        if m := _ALIAS_RE.match(segment):
            alias = _unquote(m.group(2))
            if alias:
                found.aliases.append((m.group(1).lower() + "ka", alias))
        elif m := _DOB_RE.match(segment):
            found.dates_of_birth.append(m.group(1).strip())
        elif m := _NATIONALITY_RE.match(segment):
            found.nationalities.append(m.group(1).strip())
        elif m := _CITIZEN_RE.match(segment):
            found.citizenships.append(m.group(1).strip())
        elif m := _LINKED_RE.match(segment):
            found.linked_to.append(m.group(1).strip())
        elif identifier := _identifier(_ALT_PREFIX.sub("", segment)):
            found.identifiers.append(identifier)
    return found


def _drop_period(segment: str) -> str:
    """Drop the full stop OFAC ends remarks with, but not the one of "S.A." or "LTD."."""
    if segment.endswith(".") and not _ABBREVIATION_END.search(segment):
        return segment[:-1].rstrip()
    return segment


def _unquote(value: str) -> str:
    """``'ABU X'`` -> ``ABU X``, keeping apostrophes inside (``'ABU DU'A'`` -> ``ABU DU'A``)."""
    value = value.strip()
    for quote in ("'", '"'):
        if len(value) >= 2 and value[0] == quote and value[-1] == quote:
            value = value[1:-1].strip()
            # ''FOOPIE'': doubled quotes around the whole name.
            if len(value) > 2 and value[0] == value[-1] == quote and quote not in value[1:-1]:
                value = value[1:-1].strip()
            # 'ABU-AL-KARKH', 'Yusuf': one name written as two quoted parts.
            value = value.replace(f"{quote}, {quote}", ", ")
            break
    return value


def _identifier(segment: str) -> dict | None:
    m = _ID_RE.match(segment) or _ID_FALLBACK.match(segment)
    if not m:
        return None
    rest = m.group("rest").strip()
    found = {"type": m.group("type").strip(), "number": "", "country": ""}
    if expires := _ID_EXPIRES.search(rest):
        found["expiration_date"] = expires.group("date").strip()
        rest = rest[: expires.start()]
    if issued := _ID_ISSUED.search(rest):
        found["issue_date"] = issued.group("date").strip()
        rest = rest[: issued.start()]
    if country := _ID_COUNTRY.search(rest):
        raw = country.group("country").strip()
        found["country"] = country_code(raw) or raw
        rest = rest[: country.start()]
    found["number"] = rest.strip(" ,:")
    return found if found["number"] else None


def _apply_remarks(entry: ListEntry, remarks: Remarks) -> int:
    """Merge what was found in remarks (or structured XML) into the entry; duplicates dropped."""
    dropped = sum(_add_name(entry, alias, kind, strong=False) for kind, alias in remarks.aliases)
    for dob in remarks.dates_of_birth:
        if dob not in entry.dates_of_birth:
            entry.dates_of_birth.append(dob)
    for raw in [*remarks.nationalities, *remarks.citizenships]:
        code = country_code(raw)
        value = code or raw
        if value not in entry.nationalities:
            entry.nationalities.append(value)
        if code and code not in entry.countries:
            entry.countries.append(code)
    known = {(i["type"], i["number"]) for i in entry.identifiers}
    for identifier in remarks.identifiers:
        if (identifier["type"], identifier["number"]) not in known:
            entry.identifiers.append(identifier)
            known.add((identifier["type"], identifier["number"]))
    for linked in remarks.linked_to:
        # No field of its own in ListEntry: kept as an identifier of type "Linked To".
        if ("Linked To", linked) not in known:
            entry.identifiers.append({"type": "Linked To", "number": linked, "country": ""})
            known.add(("Linked To", linked))
    return dropped


def _add_name(entry: ListEntry, name: str, kind: str, *, strong: bool) -> int:
    """Add a name unless the entry already has it (same letters, any case or spacing).

    Returns 1 for a dropped duplicate (OFAC lists a few aliases twice, or equal to the primary
    name), so that the counts explain why names != rows.
    """
    key = _name_key(name)
    if not key:
        return 0
    if any(_name_key(n.name) == key for n in entry.names):
        return 1
    entry.names.append(ListName(name=name, kind=kind, strong=strong))
    return 0


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())
