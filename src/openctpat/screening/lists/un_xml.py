"""The UN Security Council consolidated list (CONSOLIDATED_LIST XML)."""

import xml.etree.ElementTree as ET  # safe here: _parse_xml refuses DTDs before parsing
from collections import Counter

from ..entries import ListEntry, ListFileError, ListName, ParsedList
from .countries import _add_country, country_code
from .formats import UN_XML
from .reading import _children, _File, _iso_date, _items, _result, _text
from .remarks import Remarks, _add_name, _apply_remarks


def _parse_un_xml(f: _File) -> ParsedList:
    """The UN Security Council list: REFERENCE_NUMBER as the id, "Low" aliases as weak."""
    root: ET.Element = f.payload  # type: ignore[assignment]
    entries: list[ListEntry] = []
    dropped = 0
    for group, tag, entry_type in (
        ("INDIVIDUALS", "INDIVIDUAL", "individual"),
        ("ENTITIES", "ENTITY", "entity"),
    ):
        for item in _items(root, group, tag):
            ref = _text(item, "REFERENCE_NUMBER") or _text(item, "DATAID")
            parts = [_text(item, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
            name = " ".join(p for p in [*parts, _text(item, "FOURTH_NAME")] if p)
            if not ref or not name:
                raise ListFileError(f"a UN {tag} without reference number or name", path=f.name)
            # A few entities hold two names in one field: "CAGL ; GREAT LAKES BUSINESS COMPANY".
            name, *others = [n.strip() for n in name.split(" ; ") if n.strip()]
            entry = ListEntry(
                list="un",
                entry_id=ref,
                entry_type=entry_type,
                names=[ListName(name)],
                programs=[p for p in [_text(item, "UN_LIST_TYPE")] if p],
                remarks=_text(item, "COMMENTS1"),
            )
            for other in others:
                dropped += _add_name(entry, other, "aka", strong=True)
            if original := _text(item, "NAME_ORIGINAL_SCRIPT"):
                dropped += _add_name(entry, original, "aka", strong=True)
            for alias in _children(item, f"{tag}_ALIAS"):
                quality = _text(alias, "QUALITY").lower()
                kind = "fka" if quality.startswith("f.k.a") else "aka"
                strong = quality != "low"
                dropped += _add_name(entry, _text(alias, "ALIAS_NAME"), kind, strong=strong)
            for address in _children(item, f"{tag}_ADDRESS"):
                keys = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
                text = ", ".join(_text(address, k) for k in keys if _text(address, k))
                if text:
                    entry.addresses.append(text)
                if country := _text(address, "COUNTRY"):
                    _add_country(entry, country)
            for dob in _children(item, "INDIVIDUAL_DATE_OF_BIRTH"):
                if value := _un_date(dob):
                    entry.dates_of_birth.append(value)
            nationalities = [v.text or "" for n in _children(item, "NATIONALITY") for v in n]
            _apply_remarks(entry, Remarks(nationalities=[n for n in nationalities if n]))
            for doc in _children(item, "INDIVIDUAL_DOCUMENT"):
                number = _text(doc, "NUMBER")
                if number:
                    raw = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
                    ident = {
                        "type": _text(doc, "TYPE_OF_DOCUMENT"),
                        "number": number,
                        "country": (country_code(raw) or raw) if raw else "",
                    }
                    if issued := _text(doc, "DATE_OF_ISSUE"):
                        ident["issue_date"] = issued
                    entry.identifiers.append(ident)
            entries.append(entry)
    publish_date = _iso_date(root.get("dateGenerated"))
    counts = Counter(rows_primary=len(entries), duplicate_names_dropped=dropped)
    return _result("un", UN_XML, entries, [f], publish_date, [], counts)


def _un_date(element: ET.Element) -> str:
    kind = _text(element, "TYPE_OF_DATE").upper()
    date = _text(element, "DATE") or _text(element, "YEAR")
    if kind == "BETWEEN" or (not date and _text(element, "FROM_YEAR")):
        return f"{_text(element, 'FROM_YEAR')} to {_text(element, 'TO_YEAR')}".strip()
    if date and kind == "APPROXIMATELY":
        return f"circa {date}"
    return date
