"""OFAC's SDN.XML / CONSOLIDATED.XML (sdnList schema, either namespace)."""

import xml.etree.ElementTree as ET  # safe here: _parse_xml refuses DTDs before parsing
from collections import Counter
from datetime import datetime

from ..entries import ENTRY_TYPES, ListEntry, ListFileError, ListName, ParsedList
from .countries import _add_country, country_code
from .formats import OFAC_XML
from .ofac_legacy import _ofac_source
from .reading import _children, _File, _items, _result, _text
from .remarks import Remarks, _add_name, _apply_remarks, parse_remarks

_XML_TYPES = {t: t for t in ENTRY_TYPES}
_AKA_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka", "aka": "aka", "fka": "fka"}


def _xml_name(element: ET.Element) -> str:
    """``lastName, firstName`` as in the CSV (``LAST, First``), or ``lastName`` alone."""
    last, first = _text(element, "lastName"), _text(element, "firstName")
    return f"{last}, {first}" if last and first else (last or first)


def _parse_ofac_xml(f: _File, source: str | None) -> ParsedList:
    root: ET.Element = f.payload  # type: ignore[assignment]
    entries: list[ListEntry] = []
    seen: set[str] = set()
    dropped = 0
    for number, item in enumerate(_children(root, "sdnEntry"), start=1):
        uid = _text(item, "uid")
        where = f"sdnEntry #{number}" + (f" (uid {uid})" if uid else "")
        if not uid.isdigit():
            raise ListFileError(f"{where} has no numeric <uid>", path=f.name)
        if uid in seen:
            raise ListFileError(f"{where}: uid {uid} appears twice", path=f.name)
        seen.add(uid)
        name = _xml_name(item)
        raw_type = _text(item, "sdnType").lower()
        if not name or raw_type not in _XML_TYPES:
            raise ListFileError(
                f"{where} has no name or an unknown <sdnType> {raw_type!r}", path=f.name
            )
        entry = ListEntry(
            list="sdn",
            entry_id=uid,
            entry_type=_XML_TYPES[raw_type],
            names=[ListName(name)],
            programs=[p.text.strip() for p in _items(item, "programList", "program") if p.text],
            remarks=_text(item, "remarks"),
        )
        for aka in _items(item, "akaList", "aka"):
            kind = _AKA_KINDS.get(_text(aka, "type").lower(), "aka")
            weak = _text(aka, "category").lower() == "weak"
            dropped += _add_name(entry, _xml_name(aka), kind, strong=not weak)
        for address in _items(item, "addressList", "address"):
            parts = [
                _text(address, tag)
                for tag in ("address1", "address2", "address3", "city", "stateOrProvince")
            ]
            parts += [_text(address, "postalCode"), _text(address, "country")]
            text = ", ".join(p for p in parts if p)
            if text:
                entry.addresses.append(text)
            _add_country(entry, _text(address, "country"))
        for ident in _items(item, "idList", "id"):
            found = {
                "type": _text(ident, "idType"),
                "number": _text(ident, "idNumber"),
                "country": "",
            }
            if raw := _text(ident, "idCountry"):
                found["country"] = country_code(raw) or raw
            if issued := _text(ident, "issueDate"):
                found["issue_date"] = issued
            if expires := _text(ident, "expirationDate"):
                found["expiration_date"] = expires
            if found["type"] or found["number"]:
                entry.identifiers.append(found)
        for dob in _items(item, "dateOfBirthList", "dateOfBirthItem"):
            if value := _text(dob, "dateOfBirth"):
                entry.dates_of_birth.append(value)
        structured = Remarks(
            nationalities=[
                _text(n, "country") for n in _items(item, "nationalityList", "nationality")
            ],
            citizenships=[
                _text(c, "country") for c in _items(item, "citizenshipList", "citizenship")
            ],
        )
        _apply_remarks(entry, structured)
        vessel = _children(item, "vesselInfo")
        if vessel:
            if call_sign := _text(vessel[0], "callSign"):
                entry.identifiers.append({"type": "Call Sign", "number": call_sign, "country": ""})
            _add_country(entry, _text(vessel[0], "vesselFlag"))
        if entry.remarks:  # weak aliases etc. only written in the remarks; duplicates dropped
            dropped += _apply_remarks(entry, parse_remarks(entry.remarks))
        entries.append(entry)

    info = _children(root, "publshInformation")
    publish_date = _us_date(_text(info[0], "Publish_Date")) if info else None
    record_count = _text(info[0], "Record_Count") if info else ""
    if record_count.isdigit() and int(record_count) != len(entries):
        raise ListFileError(
            f"the file says it holds {record_count} entries (Record_Count) but has "
            f"{len(entries)}: incomplete file",
            path=f.name,
        )
    list_name = source or _ofac_source(entries)
    for entry in entries:
        entry.list = list_name
    counts = Counter(rows_primary=len(entries), duplicate_names_dropped=dropped)
    return _result(list_name, OFAC_XML, entries, [f], publish_date, [], counts)


def _us_date(value: str) -> str | None:
    """OFAC's ``MM/DD/YYYY`` (or an ISO date) as ``YYYY-MM-DD``."""
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip()[:10], fmt).date().isoformat()
        except ValueError:
            continue
    return None
