"""Recognising a file's format from its content, never from its name."""

import csv
import io

from ..entries import ListFileError
from .formats import (
    _ALT_KINDS,
    CSL_CSV,
    CSL_JSON,
    OFAC_FLAT_CSV,
    OFAC_FLAT_HEADER,
    OFAC_FLAT_JSON,
    OFAC_FLAT_METADATA,
    OFAC_LEGACY,
    OFAC_LEGACY_ADD,
    OFAC_LEGACY_ALT,
    OFAC_LEGACY_COMMENTS,
    OFAC_XML,
    UN_XML,
)
from .reading import _decode, _File, _local, _null, _parse_json, _parse_xml


def _sniff(name: str, data: bytes) -> _File:
    text = _decode(name, data)
    head = text.lstrip(" \t\r\n")
    found = _File(name=name, data=data, text=text, format="")
    if head.startswith("<"):
        root = _parse_xml(name, data)
        tag = _local(root.tag)
        if tag == "sdnList":
            found.format = OFAC_XML
        elif tag == "CONSOLIDATED_LIST":
            found.format = UN_XML
        else:
            raise ListFileError(
                f"an XML file with root <{tag}> is not a supported list "
                "(OFAC SDN.XML has <sdnList>, the UN list <CONSOLIDATED_LIST>)",
                path=name,
                line=1,
            )
        found.payload = root
    elif head[:1] in ("{", "["):
        found.payload = doc = _parse_json(name, text)
        found.format = _json_format(name, doc)
    else:
        found.format = _csv_format(name, text)
    return found


def _json_format(name: str, doc: object) -> str:
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        return CSL_JSON
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "source" in doc[0]:
        return CSL_JSON
    if isinstance(doc, dict) and isinstance(doc.get("entries"), list):
        return OFAC_FLAT_JSON
    if isinstance(doc, dict) and "published" in doc and "counts" in doc:
        return OFAC_FLAT_METADATA
    keys = ", ".join(list(doc)[:8]) if isinstance(doc, dict) else type(doc).__name__
    raise ListFileError(
        f"a JSON file that is not a supported list (top level: {keys}); expected the CSL "
        "{'results': [...]} or the flattened SDN {'entries': [...]}",
        path=name,
        line=1,
    )


def _csv_format(name: str, text: str) -> str:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, [])
        while not first:  # leading blank lines
            first = next(reader)
    except (csv.Error, StopIteration):
        first = []
    folded = [c.strip().lower() for c in first]
    if {"source", "name", "type", "alt_names"} <= set(folded) and (
        "_id" in folded or "entity_number" in folded
    ):
        return CSL_CSV
    if folded == OFAC_FLAT_HEADER:
        return OFAC_FLAT_CSV
    if first and first[0].strip().isdigit():
        fmt = {12: OFAC_LEGACY, 6: OFAC_LEGACY_ADD, 5: OFAC_LEGACY_ALT, 2: OFAC_LEGACY_COMMENTS}
        found = fmt.get(len(first))
        if found == OFAC_LEGACY_ALT and _null(first[2]).lower() not in _ALT_KINDS:
            found = None
        if found:
            return found
    preview = ",".join(first)[:80]
    raise ListFileError(
        f"not a supported list format: the first line has {len(first)} column(s) "
        f"({preview!r}); OFAC legacy files have 12 (sdn.csv), 6 (add.csv), 5 (alt.csv) or "
        "2 (sdn_comments.csv) columns and no header; the CSL has a 29-column header",
        path=name,
        line=1,
    )
