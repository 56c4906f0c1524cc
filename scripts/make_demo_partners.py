"""Write the demo business-partner registry files (deterministic: same seed, same bytes).

    .venv/bin/python scripts/make_demo_partners.py

writes, under ``src/openctpat/partners/data/``:

- ``demo-partners-1000.xlsx``: 1,000 distinct partners in ten countries (suppliers and
  foreign manufacturers mostly, some carriers, consolidators, customs brokers and 3PLs), with
  the header row the importer recognises. It imports with no error and no duplicate.
- ``demo-partners-with-errors.csv``: twelve rows, four with a typical mistake (unknown
  country, no legal name, a 7-digit DUNS, a malformed email) and one duplicate of another
  row, to show the import's error report.

Names come from word lists per country, kept in ``demo_partners_data/`` beside this script
(no network, no Faker). Every name is checked against the names already made for its country
with the importer's own rule (rapidfuzz ratio on the folded name), every identifier is unique
and well formed, and at the end both files are read back and checked with
``importing.read_table``, ``clean_row`` and ``duplicates``.

``build_rows(count, seed)`` is also used by ``bench/bench_partners.py`` to grow a registry.
"""

import csv
import datetime
import io
import json
import os
import random
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anyascii import anyascii  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from openctpat.partners import importing  # noqa: E402
from openctpat.partners.names import name_key, tokens  # noqa: E402

DATA_DIR = ROOT / "src" / "openctpat" / "partners" / "data"
XLSX_PATH = DATA_DIR / "demo-partners-1000.xlsx"
CSV_PATH = DATA_DIR / "demo-partners-with-errors.csv"
SEED = 20250601
COUNT = 1000
# A margin under the importer's SIMILAR_NAME (92), so the file stays clean if it is lowered.
MAX_SIMILARITY = importing.SIMILAR_NAME - 4
FIXED_TIME = datetime.datetime(2025, 6, 1, 12, 0, 0)

HEADERS = [
    "Legal name",
    "Type",
    "Country",
    "Other names",
    "Address",
    "DUNS",
    "LEI",
    "Tax ID",
    "SCAC",
    "MID",
    "Services",
    "Start date",
    "Status",
    "Contact name",
    "Contact email",
    "Contact phone",
]
TYPE_LABELS = {
    "supplier": "Supplier",
    "foreign_manufacturer": "Foreign Manufacturer",
    "sea_carrier": "Sea Carrier",
    "air_carrier": "Air Carrier",
    "highway_carrier": "Highway Carrier",
    "mexican_lhc": "Mexican LHC",
    "rail_carrier": "Rail Carrier",
    "consolidator": "Consolidator",
    "customs_broker": "Customs Broker",
    "third_party_logistics": "Third-Party Logistics",
    "service_provider": "Service Provider",
    "agent": "Agent",
}
# What kind of name a partner type gets.
KIND = {
    "supplier": "mfg",
    "foreign_manufacturer": "mfg",
    "sea_carrier": "sea",
    "air_carrier": "air",
    "highway_carrier": "road",
    "mexican_lhc": "road",
    "rail_carrier": "rail",
    "consolidator": "forwarder",
    "agent": "forwarder",
    "customs_broker": "broker",
    "third_party_logistics": "3pl",
    "service_provider": "service",
}
SCAC_KINDS = {"sea", "road", "rail"}  # air carriers use IATA codes, not SCACs
# Services (models.SERVICES keys) per partner type: (always, sometimes).
SERVICES = {
    "supplier": (["manufacturing"], ["packing", "stuffing", "sealing", "storage"]),
    "foreign_manufacturer": (["manufacturing", "packing"], ["stuffing", "sealing", "storage"]),
    "sea_carrier": (["sea_transport"], ["documentation", "sealing"]),
    "air_carrier": (["air_transport"], ["documentation", "storage"]),
    "highway_carrier": (["highway_transport"], ["sealing", "storage"]),
    "mexican_lhc": (["highway_transport"], ["sealing", "documentation"]),
    "rail_carrier": (["rail_transport"], ["sealing"]),
    "consolidator": (
        ["consolidation", "freight_forwarding"],
        ["stuffing", "sealing", "documentation", "storage"],
    ),
    "agent": (["freight_forwarding"], ["documentation", "consolidation"]),
    "customs_broker": (["customs_brokerage"], ["documentation"]),
    "third_party_logistics": (
        ["storage"],
        ["consolidation", "stuffing", "packing", "highway_transport", "freight_forwarding"],
    ),
    "service_provider": ([], ["security_services", "it_services"]),
}
STATUSES = [("Active", 85), ("Prospect", 7), ("Suspended", 5), ("Terminated", 3)]
LEI_PREFIXES = ["5493", "2138", "5299", "9845", "3003", "8156", "2549", "6354"]


@dataclass(frozen=True)
class City:
    name: str
    native: str
    region: str
    postal: str
    area: str  # telephone area code
    code: str = ""  # tax-registration region code where the tax ID has one


@dataclass
class Country:
    code: str
    mix: dict[str, int]  # partner type -> how many of the 1,000
    cities: list[City]
    pools: dict[str, list]  # placeholder -> words, or (English, native) pairs
    names: dict[str, list[tuple[str, str]]]  # kind -> (English, native) name templates
    first: list[str]
    last: list[str]
    address: object  # (rng, city) -> str
    phone: object  # (rng, city) -> str
    tax_id: object  # (rng, city, name) -> str
    native_share: float = 0.0  # how often the native-script name is an other name
    family_first: bool = False  # "Zhang Wei" rather than "Wei Zhang"
    english_first: list[str] = field(default_factory=list)  # "Kevin Chen"


def words(text: str) -> list:
    """A word list from one string: "a, b, c"; "English=native" gives a pair."""
    items = [w.strip() for w in text.split(",") if w.strip()]
    return [tuple(w.split("=", 1)) if "=" in w else w for w in items]


def digits(rng, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def letters(rng, n: int, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# -- tax identifiers with their real check digits ---------------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def cn_uscc(rng, city, _name) -> str:
    """China's 18-character unified social credit code (GB 32100-2015 check character)."""
    body = "91" + city.code + "MA5" + letters(rng, 6, USCC_CHARS[:10] + USCC_CHARS[10:])
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


GST_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def in_gstin(rng, city, _name) -> str:
    """India's 15-character GSTIN: state, company PAN, entity, Z, mod-36 check character."""
    pan = letters(rng, 3) + "C" + letters(rng, 1) + digits(rng, 4) + letters(rng, 1)
    body = city.code + pan + "1Z"
    total = 0
    for i, c in enumerate(body):
        product = GST_CHARS.index(c) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return body + GST_CHARS[(36 - total % 36) % 36]


def co_nit(rng, _city, _name) -> str:
    """Colombia's NIT with its DIAN check digit."""
    number = "9" + digits(rng, 8)
    weights = [3, 7, 13, 17, 19, 23, 29, 37, 41]
    total = sum(int(d) * w for d, w in zip(reversed(number), weights, strict=True))
    rest = total % 11
    return f"{number}-{rest if rest < 2 else 11 - rest}"


def mx_rfc(rng, _city, name) -> str:
    """A company RFC: three letters of the name, the founding date, a three-character key."""
    words = [w for w in tokens(name) if len(w) > 1 and w not in {"de", "del", "la", "las", "los"}]
    initials = "".join(w[0] for w in words)[:3].upper().ljust(3, "X")
    founded = datetime.date(1985, 1, 1) + datetime.timedelta(days=rng.randrange(13000))
    return initials + founded.strftime("%y%m%d") + letters(rng, 2, GST_CHARS[1:]) + digits(rng, 1)


# -- word lists (scripts/demo_partners_data/) -------------------------------------------------
DATA = Path(__file__).with_name("demo_partners_data")


def _data(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


AREAS = _data("areas.json")
VN_PARKS, IN_AREAS, BD_AREAS = AREAS["vn_parks"], AREAS["in_areas"], AREAS["bd_areas"]
DE_CITY_ADJECTIVES = AREAS["de_city_adjectives"]
COUNTRY_WORDS = _data("countries.json")


def country(code: str, **made_up) -> Country:
    """A country's word lists from countries.json ("English", "native" pairs as tuples) and
    the functions that make up its addresses, phone numbers and tax IDs."""
    data = dict(COUNTRY_WORDS[code])
    data["cities"] = [City(*c) for c in data["cities"]]
    data["pools"] = {
        k: [tuple(w) if isinstance(w, list) else w for w in pool]
        for k, pool in data["pools"].items()
    }
    data["names"] = {k: [tuple(t) for t in templates] for k, templates in data["names"].items()}
    return Country(code=code, **data, **made_up)


CN = country(
    "CN",
    address=lambda rng, c: (
        f"No. {rng.randint(1, 388)}, {rng.choice(CN.pools['street'])} Road, "
        f"{rng.choice(CN.pools['zone'])}, {c.name}, {c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+86 {c.area} {digits(rng, 4)} {digits(rng, 4)}",
    tax_id=cn_uscc,
)
VN = country(
    "VN",
    address=lambda rng, c: (
        rng.choice(
            [
                f"{rng.randint(2, 420)} {rng.choice(VN.pools['street'])} Street, "
                f"Ward {rng.randint(1, 15)}, {c.name}",
                f"Lot {letters(rng, 1, 'ABCDEFGH')}{rng.randint(1, 40)}, "
                f"{rng.choice(VN_PARKS[c.name])} Industrial Park, {c.name}",
            ]
        )
        + (f", {c.region}" if c.region else "")
    ),
    phone=lambda rng, c: f"+84 {c.area} {digits(rng, 4)} {digits(rng, 3)}",
    tax_id=lambda rng, c, _n: c.code + digits(rng, 8),
)
MX = country(
    "MX",
    address=lambda rng, c: (
        f"{rng.choice(MX.pools['street'])} {rng.randint(100, 4999)}, "
        f"Col. {rng.choice(MX.pools['colonia'])}, C.P. {c.postal}, {c.name}, {c.region}"
    ),
    phone=lambda rng, c: f"+52 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=mx_rfc,
)
IN = country(
    "IN",
    address=lambda rng, c: (
        f"Plot No. {rng.randint(1, 250)}, {rng.choice(IN_AREAS[c.region])}, {c.name}, "
        f"{c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+91 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=in_gstin,
)
DE = country(
    "DE",
    address=lambda rng, c: (
        f"{rng.choice(DE.pools['street'])} {rng.randint(1, 180)}, {c.postal} {c.name}"
    ),
    phone=lambda rng, c: f"+49 {c.area} {digits(rng, 11 - len(c.area))}",
    tax_id=lambda rng, _c, _n: "DE" + digits(rng, 9),
)
TR = country(
    "TR",
    address=lambda rng, c: (
        f"{c.name} Organize Sanayi Bölgesi, {rng.choice(TR.pools['street'])} Cad. "
        f"No: {rng.randint(1, 120)}, {c.postal} {c.name}"
    ),
    phone=lambda rng, c: f"+90 {c.area} {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: digits(rng, 10),
)
CO = country(
    "CO",
    address=lambda rng, c: (
        f"{rng.choice(CO.pools['via'])} {rng.randint(1, 140)} # {rng.randint(1, 99)}-"
        f"{rng.randint(1, 99)}, {c.name}, {c.region}"
    ),
    phone=lambda rng, c: f"+57 {c.area} {digits(rng, 3)} {digits(rng, 4)}",
    tax_id=co_nit,
)
BD = country(
    "BD",
    address=lambda rng, c: (
        f"Plot {rng.randint(1, 90)}, {rng.choice(BD_AREAS[c.name])}, {c.name}-{c.postal}"
    ),
    phone=lambda rng, c: f"+880 {c.area} {digits(rng, 10 - len(c.area))}",
    tax_id=lambda rng, _c, _n: f"{digits(rng, 9)}-0101",
)
US = country(
    "US",
    address=lambda rng, c: (
        f"{rng.randint(100, 9899)} {rng.choice(US.pools['street'])}, "
        f"{c.name}, {c.region} {c.postal}"
    ),
    # 555-0100 to 555-0199: the numbers set aside for fiction.
    phone=lambda rng, c: f"+1 {c.area} 555 01{digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: f"{rng.randint(10, 98)}-{digits(rng, 7)}",
)
CA = country(
    "CA",
    address=lambda rng, c: (
        f"{rng.randint(10, 9800)} {rng.choice(CA.pools['street'])}, {c.name}, {c.region} {c.postal}"
    ),
    phone=lambda rng, c: f"+1 {c.area} 555 01{digits(rng, 2)}",
    tax_id=lambda rng, _c, _n: f"{digits(rng, 9)} RT0001",
)

COUNTRIES = [CN, US, MX, VN, IN, BD, CA, DE, TR, CO]
assert sum(sum(c.mix.values()) for c in COUNTRIES) == COUNT


# -- one partner ------------------------------------------------------------------------------
def _fill(template: tuple[str, str], country: Country, city: City, rng) -> tuple[str, str]:
    """The English name and the native-script name (empty when there is none)."""
    english, native = template
    used = set()
    for placeholder in re.findall(r"{(\w+)}", english):
        if placeholder == "city":
            en, nat = city.name, city.native or city.name
        elif placeholder == "cityadj":
            en = nat = DE_CITY_ADJECTIVES[city.name]
        else:
            for _ in range(10):  # "Garza y Garza" would look odd
                pick = rng.choice(country.pools[placeholder])
                en, nat = pick if isinstance(pick, tuple) else (pick, pick)
                if en not in used:
                    break
        used.add(en)
        english = english.replace("{" + placeholder + "}", en, 1)
        native = native.replace("{" + placeholder + "}", nat, 1)
    return english, native


# Words too common in names to make a recognisable email domain.
GENERIC_WORDS = frozenset((DATA / "generic_words.txt").read_text(encoding="utf-8").split())


def _domain(legal_name: str, city: City) -> str:
    city_words = set(tokens(city.name))
    words = [w for w in name_key(legal_name).split() if len(w) > 1 and w not in city_words]
    useful = [w for w in words if w not in GENERIC_WORDS] or words
    return "-".join(useful[:2]) + ".example"


def _mid(country: Country, city: City, legal_name: str, address: str) -> str:
    """The CBP manufacturer ID: country, 3+3 letters of the name, street number, city."""
    skip = {"a", "an", "and", "of", "the"}
    words = [w for w in tokens(legal_name) if w not in skip and w.isalpha()]
    name_part = "".join(w[:3] for w in words[:2]).upper()
    numbers = re.findall(r"\d+", address.replace(city.postal, ""))
    number = max(numbers, key=int)[:4] if numbers else ""
    city_part = re.sub(r"[^A-Z]", "", anyascii(city.name).upper())[:3]
    origin = city.region if country.code == "CA" else country.code
    return f"{origin}{name_part}{number}{city_part}"


def lei(rng) -> str:
    """A 20-character LEI with ISO 17442 (ISO 7064 mod 97-10) check digits."""
    base = rng.choice(LEI_PREFIXES) + "00" + letters(rng, 12, GST_CHARS)
    number = int("".join(str(int(c, 36)) for c in base + "00"))
    return f"{base}{98 - number % 97:02d}"


def _scac(rng, legal_name: str) -> str:
    """Four letters, most often starting with the name's initials, as carriers choose them."""
    words = [w for w in name_key(legal_name).split() if w.isalpha() and len(w) > 1]
    initials = "".join(w[0] for w in words).upper()[: rng.choice([1, 2, 2, 3])]
    return (initials + letters(rng, 4))[:4]


def _contact(rng, country: Country, domain: str) -> tuple[str, str]:
    first, last = rng.choice(country.first), rng.choice(country.last)
    if country.english_first and rng.random() < 0.5:
        first = rng.choice(country.english_first)
        name = f"{first} {last}"
    else:
        name = f"{last} {first}" if country.family_first else f"{first} {last}"
    ascii_first = re.sub(r"[^a-z]", "", anyascii(first.split()[-1]).lower())
    ascii_last = re.sub(r"[^a-z]", "", anyascii(last).lower())
    local = rng.choice(
        [f"{ascii_first}.{ascii_last}", f"{ascii_first[0]}{ascii_last}", f"{ascii_first}"]
    )
    if rng.random() < 0.15:
        local = rng.choice(words("sales, export, logistics, info, operations, compliance"))
    return name, f"{local}@{domain}"


@dataclass
class Made:
    """Names and identifiers already used: every new partner must differ from all of them."""

    keys: dict[str, list[str]] = field(default_factory=dict)  # country -> folded names
    idents: set = field(default_factory=set)  # (kind, value)

    def name_free(self, country: str, legal_name: str, check_similar: bool) -> bool:
        key = name_key(legal_name)
        earlier = self.keys.setdefault(country, [])
        if not check_similar:  # a bench registry: names may repeat (branches, namesakes)
            return True
        return not process.extractOne(key, earlier, scorer=fuzz.ratio, score_cutoff=MAX_SIMILARITY)

    def take(self, kind: str, value: str) -> bool:
        folded = (kind, importing.normalise_identifier(kind, value).upper())
        if folded in self.idents:
            return False
        self.idents.add(folded)
        return True


def make_partner(rng, country: Country, partner_type: str, made: Made, check_similar=True):
    kind = KIND[partner_type]
    for _ in range(2000):
        city = rng.choice(country.cities)
        english, native = _fill(rng.choice(country.names[kind]), country, city, rng)
        english = " ".join(english.split())
        if made.name_free(country.code, english, check_similar):
            break
    else:
        raise RuntimeError(f"Out of distinct names for {country.code} {partner_type}")
    made.keys[country.code].append(name_key(english))
    row = dict.fromkeys(HEADERS, "")
    row["Legal name"] = english
    row["Type"] = TYPE_LABELS[partner_type]
    row["Country"] = country.code
    other_names = []
    if native and native != english and rng.random() < country.native_share:
        other_names.append(native)
    if rng.random() < 0.08:
        initials = "".join(w[0] for w in name_key(english).split() if w.isalpha())[:3].upper()
        if len(initials) >= 2:
            other_names.append(f"{initials} {rng.choice(['Group', 'International', 'Global'])}")
    row["Other names"] = "; ".join(other_names)
    address = country.address(rng, city)
    row["Address"] = address

    def unique(kind_, build):
        for _ in range(100):
            value = build()
            if made.take(kind_, value):
                return value
        raise RuntimeError(f"No free {kind_}")

    if rng.random() < 0.9:
        duns = unique("duns", lambda: digits(rng, 9))
        row["DUNS"] = f"{duns[:2]}-{duns[2:5]}-{duns[5:]}" if rng.random() < 0.1 else duns
    lei_share = 0.35 if kind != "mfg" else 0.08
    if country.code == "DE":
        lei_share = 0.4
    if rng.random() < lei_share:
        row["LEI"] = unique("lei", lambda: lei(rng))
    if rng.random() < 0.75:
        row["Tax ID"] = unique("tax_id", lambda: country.tax_id(rng, city, english))
    if kind in SCAC_KINDS and rng.random() < 0.95:
        row["SCAC"] = unique("scac", lambda: _scac(rng, english))
    if kind == "mfg" and country.code != "US" and rng.random() < 0.85:
        mid = _mid(country, city, english, address)
        if made.take("mid", mid):
            row["MID"] = mid
    always, sometimes = SERVICES[partner_type]
    services = list(always) + [s for s in sometimes if rng.random() < 0.4]
    if not services:
        services = [rng.choice(sometimes)]
    row["Services"] = "; ".join(services)
    status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
    row["Status"] = status
    if status != "Prospect":
        start = datetime.date(2006, 1, 1) + datetime.timedelta(days=rng.randrange(7100))
        row["Start date"] = start
    chance = rng.random()
    if chance < 0.92:
        name, email = _contact(rng, country, _domain(english, city))
        row["Contact email"] = email
        if chance < 0.85:
            row["Contact name"] = name
            row["Contact phone"] = country.phone(rng, city)
    return row


def build_rows(count: int = COUNT, seed: int = SEED, check_similar: bool = True) -> list[dict]:
    """``count`` partners (the country and type mix scaled to it), sorted by legal name."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    made = Made()
    plan = []
    for country in COUNTRIES:
        for partner_type, n in country.mix.items():
            plan += [(country, partner_type)] * n
    plan = [plan[i * len(plan) // count] for i in range(count)]  # the mix, scaled to count
    rows = [make_partner(rng, c, t, made, check_similar) for c, t in plan]
    rows.sort(key=lambda r: (anyascii(r["Legal name"]).casefold(), r["Country"]))
    return rows


# -- files ------------------------------------------------------------------------------------
def _stable_zip(data: bytes) -> bytes:
    """The workbook with fixed timestamps, so the same rows give the same bytes."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>" + stamp.encode(),
                    body,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body, compresslevel=9)
    return out.getvalue()


def xlsx_bytes(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[h] if row[h] != "" else None for h in HEADERS])
    for cell in sheet["L"][1:]:
        cell.number_format = "yyyy-mm-dd"
    widths = [48, 20, 8, 36, 60, 12, 22, 20, 6, 18, 40, 11, 10, 22, 36, 18]
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.creator = "OpenCTPAT demo data (scripts/make_demo_partners.py)"
    book.properties.title = "Demo business-partner registry"
    book.properties.created = book.properties.modified = FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _stable_zip(out.getvalue())


# Twelve rows: 3 no legal name... see the module docstring. Lines are the file's (header = 1).
ERROR_ROWS = _data("error_rows.json")
EXPECTED_ERRORS = {
    3: "Country 'Atlantis'",
    4: "Legal name is required",
    5: "DUNS must have 9 digits",
    6: "Contact email",
}
EXPECTED_DUPLICATE = 7  # "Qingdao Haibin Knitting Company Limited" = line 2 with another legal form


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# -- checks -----------------------------------------------------------------------------------
def _setup_django() -> None:
    """Django settings, for the import choices (models); no database is opened."""
    tmp = tempfile.mkdtemp(prefix="ctpat-demo-")
    os.environ.setdefault("CTPAT_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openctpat.settings.dev")
    import django

    django.setup()


def check_file(data: bytes, file_name: str, known=()):
    """The importer's view of a file: cleaned rows and duplicates, as services.preview has it."""
    from openctpat.partners.services import IMPORT_CHOICES

    headers, body = importing.read_table(data, file_name)
    mapping = importing.guess_mapping(headers)
    missing = sorted(
        set(importing.FIELDS) - set(mapping) - {"other_countries", "ior", "iata_code", "notes"}
    )
    if missing:
        raise SystemExit(f"{file_name}: columns not recognised: {missing}")
    index = {h: i for i, h in enumerate(headers)}
    rows = [
        importing.clean_row(n + 2, {f: r[index[h]] for f, h in mapping.items()}, IMPORT_CHOICES)
        for n, r in enumerate(body)
    ]
    return rows, importing.duplicates(rows, list(known))


def known_from(rows) -> list:
    from openctpat.partners.models import IDENTIFIERS

    return [
        importing.Known(
            i,
            r.values["legal_name"],
            name_key(r.values["legal_name"]),
            r.values["country"],
            tuple((k, r.values.get(k, "")) for k in IDENTIFIERS),
        )
        for i, r in enumerate(rows)
    ]


def main() -> None:
    _setup_django()
    rows = build_rows()
    data = xlsx_bytes(rows)
    clean, dupes = check_file(data, XLSX_PATH.name)
    errors = [(r.line, r.errors) for r in clean if r.errors]
    if len(clean) != COUNT or errors or dupes:
        raise SystemExit(f"demo file not clean: {len(clean)} rows, {errors[:5]}, {dupes}")
    if len(data) > 200 * 1024:
        raise SystemExit(f"demo file is {len(data) / 1024:.0f} KiB, over 200 KiB")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    XLSX_PATH.write_bytes(data)

    error_data = csv_bytes(ERROR_ROWS)
    bad, bad_dupes = check_file(error_data, CSV_PATH.name)
    found = {r.line: " ".join(r.errors) for r in bad if r.errors}
    wrong = [line for line, text in EXPECTED_ERRORS.items() if text not in found.get(line, "")]
    if set(found) != set(EXPECTED_ERRORS) or wrong or set(bad_dupes) != {EXPECTED_DUPLICATE}:
        raise SystemExit(f"error file: errors {found}, duplicates {bad_dupes}")
    # Imported after the 1,000, the sound rows must not look like registry duplicates.
    _bad, against_registry = check_file(error_data, CSV_PATH.name, known_from(clean))
    if set(against_registry) - {EXPECTED_DUPLICATE}:
        raise SystemExit(f"error file duplicates the demo registry: {against_registry}")
    CSV_PATH.write_bytes(error_data)

    by_country: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for r in clean:
        by_country[r.values["country"]] = by_country.get(r.values["country"], 0) + 1
        by_type[r.values["partner_type"]] = by_type.get(r.values["partner_type"], 0) + 1
    print(f"{XLSX_PATH.relative_to(ROOT)}: {len(clean)} partners, {len(data) / 1024:.0f} KiB")
    print("  countries:", ", ".join(f"{k} {v}" for k, v in sorted(by_country.items())))
    print(
        "  types:", ", ".join(f"{k} {v}" for k, v in sorted(by_type.items(), key=lambda x: -x[1]))
    )
    print(
        "  with DUNS {}, LEI {}, tax ID {}, SCAC {}, MID {}, contact {}".format(
            *(
                sum(1 for r in rows if r[h])
                for h in ("DUNS", "LEI", "Tax ID", "SCAC", "MID", "Contact email")
            )
        )
    )
    print(
        f"{CSV_PATH.relative_to(ROOT)}: {len(bad)} rows, errors on lines {sorted(found)}, "
        f"duplicate on line(s) {sorted(bad_dupes)}"
    )


if __name__ == "__main__":
    main()
