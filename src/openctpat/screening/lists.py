"""Loaders for restricted-party list files (pure Python, no Django).

Why one module without Django: the database layer (``ctpat lists load`` and the upload page),
the batch ``ctpat screen`` CLI and the benchmarks must read the lists exactly the same way,
and the CLI runs without a database.

Supported formats (:data:`FORMATS`), always recognised from the content, never from the file
name (uploads arrive as ``upload (3).csv``, OFAC itself writes ``SDN.CSV`` or ``sdn.csv``):

* ``ofac-legacy-csv``: OFAC's legacy CSV, ``sdn.csv`` (SDN) or ``cons_prim.csv`` (non-SDN
  consolidated list), with its companions ``alt.csv`` (aliases), ``add.csv`` (addresses) and
  ``sdn_comments.csv`` (the remarks OFAC cut off), given in any order and recognised by their
  columns. Weak aliases, dates of birth, nationalities and identifiers are parsed out of the
  remarks text, because the legacy CSV has no other place for them.
* ``ofac-xml``: OFAC ``SDN.XML`` / ``CONSOLIDATED.XML`` (``sdnList`` schema, old
  ``http://tempuri.org/sdnList.xsd`` namespace or the Sanctions List Service one).
* ``csl-csv`` / ``csl-json``: the trade.gov Consolidated Screening List.
* ``ofac-flat-csv`` / ``ofac-flat-json``: the flattened SDN list (``uid,name,type,programs,
  alternate_names``) with its optional ``metadata.json`` companion: names, types and programs
  only, but the newest complete SDN list we have.
* ``un-xml``: the UN Security Council consolidated list.

A file is loaded completely or not at all: anything unexpected raises
:class:`~openctpat.screening.entries.ListFileError` naming the file and the line, so the
caller keeps the previous list version active. The only exception is documented in
:func:`_parse_csl_csv` (a cut-off final CSL record is skipped with a warning).

Values are kept as written (individuals stay ``LAST, First``; the matcher handles name
order); countries are turned into ISO 3166-1 alpha-2 codes where they can be, else kept raw.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET  # safe here: _parse_xml refuses DTDs before parsing
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pycountry

from .entries import ENTRY_TYPES, ListEntry, ListFileError, ListName, ParsedList

__all__ = [
    "FORMATS",
    "country_code",
    "detect",
    "detect_bytes",
    "load",
    "load_all",
    "load_bytes",
    "load_files",
    "parse_remarks",
]

OFAC_LEGACY = "ofac-legacy-csv"
OFAC_LEGACY_ALT = "ofac-legacy-alt"
OFAC_LEGACY_ADD = "ofac-legacy-add"
OFAC_LEGACY_COMMENTS = "ofac-legacy-comments"
OFAC_XML = "ofac-xml"
OFAC_FLAT_CSV = "ofac-flat-csv"
OFAC_FLAT_JSON = "ofac-flat-json"
OFAC_FLAT_METADATA = "ofac-flat-metadata"
CSL_CSV = "csl-csv"
CSL_JSON = "csl-json"
UN_XML = "un-xml"

FORMATS: dict[str, str] = {
    OFAC_LEGACY: "OFAC legacy CSV list file (sdn.csv or cons_prim.csv, 12 columns)",
    OFAC_LEGACY_ALT: "OFAC legacy CSV alias file (alt.csv or cons_alt.csv, 5 columns)",
    OFAC_LEGACY_ADD: "OFAC legacy CSV address file (add.csv or cons_add.csv, 6 columns)",
    OFAC_LEGACY_COMMENTS: (
        "OFAC legacy CSV remarks overflow (sdn_comments.csv or cons_comments.csv, 2 columns)"
    ),
    OFAC_XML: "OFAC XML (SDN.XML or CONSOLIDATED.XML, sdnList schema)",
    OFAC_FLAT_CSV: "flattened OFAC SDN CSV (uid,name,type,programs,alternate_names)",
    OFAC_FLAT_JSON: "flattened OFAC SDN JSON (entries with uid, name, type, programs)",
    OFAC_FLAT_METADATA: "metadata.json of the flattened OFAC SDN list (publish date, counts)",
    CSL_CSV: "Consolidated Screening List CSV (trade.gov, 29 columns)",
    CSL_JSON: "Consolidated Screening List JSON (trade.gov, {'results': [...]})",
    UN_XML: "UN Security Council consolidated list XML (CONSOLIDATED_LIST)",
}

# Companion files and the list formats they belong to.
_COMPANION_OF = {
    OFAC_LEGACY_ALT: (OFAC_LEGACY,),
    OFAC_LEGACY_ADD: (OFAC_LEGACY,),
    OFAC_LEGACY_COMMENTS: (OFAC_LEGACY,),
    OFAC_FLAT_METADATA: (OFAC_FLAT_CSV, OFAC_FLAT_JSON),
}
_ROLE = {
    OFAC_LEGACY_ALT: "alt",
    OFAC_LEGACY_ADD: "add",
    OFAC_LEGACY_COMMENTS: "comments",
    OFAC_FLAT_METADATA: "metadata",
}
_LEGACY_COLUMNS = {OFAC_LEGACY: 12, OFAC_LEGACY_ALT: 5, OFAC_LEGACY_ADD: 6, OFAC_LEGACY_COMMENTS: 2}

OFAC_FLAT_HEADER = ["uid", "name", "type", "programs", "alternate_names"]

# A cut-off final CSL record is skipped only if it spans at most this many lines: an
# unclosed quote earlier in the file swallows everything after it, and that must be refused.
_MAX_TRUNCATED_RECORD_LINES = 10


# -- public API -------------------------------------------------------------------------------


def detect(path: Path | str) -> str:
    """The format name (a key of :data:`FORMATS`) of one file, from its content."""
    path = Path(path)
    return _sniff(str(path), _read(path)).format


def detect_bytes(name: str, data: bytes) -> str:
    """:func:`detect` for a file already in memory; ``name`` is only used in messages."""
    return _sniff(name, data).format


def load(paths: Sequence[Path | str] | Path | str, *, source: str | None = None) -> ParsedList:
    """Load one list (one future list version) from one or more files.

    The files may be given in any order: OFAC companion files are recognised by their content
    and joined to their list file. Raises :class:`ListFileError` if the files do not make up
    exactly one list (e.g. ``add.csv`` alone, or ``sdn.csv`` together with ``csl.csv``).
    ``source`` ("sdn" or "cons") overrides the guess for OFAC files, see :func:`_ofac_source`.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    return load_files([(str(p), _read(Path(p))) for p in paths], source=source)


def load_bytes(name: str, data: bytes, *, source: str | None = None) -> ParsedList:
    """Load a list held in memory (an upload); ``name`` is only used in messages."""
    return load_files([(name, data)], source=source)


def load_files(files: Sequence[tuple[str, bytes]], *, source: str | None = None) -> ParsedList:
    """Load exactly one list from ``(name, bytes)`` pairs; see :func:`load`."""
    parsed = _load_groups(files, source=source)
    if len(parsed) != 1:
        described = "; ".join(f"{p.format} ({p.source})" for p in parsed)
        raise ListFileError(
            f"these files hold {len(parsed)} lists ({described}): load each list on its own"
        )
    return parsed[0]


def load_all(paths: Sequence[Path | str]) -> list[ParsedList]:
    """Load several lists at once (e.g. the four SDN files and csl.csv): one per list."""
    return _load_groups([(str(p), _read(Path(p))) for p in paths])


# -- reading and recognising files ------------------------------------------------------------


@dataclass
class _File:
    name: str
    data: bytes
    text: str
    format: str
    payload: object = None  # what recognising the file already parsed (JSON, XML root)
    sha256: str = ""
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # legacy CSV records


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ListFileError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from exc


_BINARY_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or an Excel .xlsx file): unzip it or export it as CSV"),
    (b"\x1f\x8b", "a gzip archive: decompress it first"),
    (b"%PDF", "a PDF document, not a list data file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (e.g. .xls): export it as CSV"),
)
_UTF16_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(name: str, data: bytes) -> str:
    """The file as text, or a ListFileError that says what it really is and where.

    List files are UTF-8 (OFAC's are plain ASCII). Other encodings are refused rather than
    guessed: a wrong guess silently garbles names, which is worse than a clear refusal.
    """
    if not data.strip(b" \t\r\n\x1a\x00"):
        raise ListFileError("the file is empty: no list records", path=name, line=1)
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            raise ListFileError(
                f"the file is {encoding} text; list files must be UTF-8 (or ASCII): "
                "save it again as UTF-8",
                path=name,
                line=1,
            )
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ListFileError(f"the file is {what}", path=name, line=1)
    nul = data.find(b"\x00")
    if nul >= 0:
        head = data[:200]
        utf16 = head.count(b"\x00") * 3 >= len(head)  # every other byte NUL: UTF-16 text
        what = (
            "UTF-16 text without a byte-order mark; save it as UTF-8"
            if utf16
            else "binary data (a NUL byte), not a text list file"
        )
        raise ListFileError(f"the file is {what}", path=name, line=_line_at(data, nul))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ListFileError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} in column {column} cannot be "
            "decoded (list files are UTF-8 or ASCII; a Latin-1/Windows-1252 export must be "
            "converted)",
            path=name,
            line=line,
        ) from None
    # OFAC ends its files with a DOS end-of-file byte.
    return text[:-1] if text.endswith("\x1a") else text


def _line_at(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


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


def _parse_xml(name: str, data: bytes) -> ET.Element:
    """Parse XML, refusing DTDs: list files never have one, and entity declarations are how
    XML bombs and external-entity reads work (uploads are untrusted)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        offset = max(data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY"))
        raise ListFileError(
            "XML with a DOCTYPE or entity declarations is not accepted",
            path=name,
            line=_line_at(data, offset),
        )
    try:
        return ET.fromstring(data)  # noqa: S314 (no DTD: no entity expansion, no external reads)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ListFileError(
            f"broken XML ({_xml_reason(exc)}); a truncated download looks like this",
            path=name,
            line=line,
        ) from None


def _xml_reason(exc: ET.ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(exc))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_json(name: str, text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFileError(
            f"broken JSON ({exc.msg} at column {exc.colno}); a truncated download looks like this",
            path=name,
            line=exc.lineno,
        ) from None


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


# -- grouping files into lists ----------------------------------------------------------------


def _load_groups(
    files: Sequence[tuple[str, bytes]], *, source: str | None = None
) -> list[ParsedList]:
    if not files:
        raise ListFileError("no list file given")
    if source not in (None, "sdn", "cons"):
        raise ValueError(f"source must be 'sdn' or 'cons', not {source!r}")
    sniffed = [_sniff(name, data) for name, data in files]
    for f in sniffed:
        f.sha256 = hashlib.sha256(f.data).hexdigest()
    seen: dict[str, str] = {}
    for f in sniffed:
        if f.sha256 in seen:
            raise ListFileError(
                f"the same file is given twice (also as {seen[f.sha256]})", path=f.name
            )
        seen[f.sha256] = f.name
    lists = [f for f in sniffed if f.format not in _COMPANION_OF]
    companions = [f for f in sniffed if f.format in _COMPANION_OF]
    for f in [*lists, *companions]:
        if f.format in _LEGACY_COLUMNS:
            f.rows = _legacy_rows(f)
    groups: dict[int, dict[str, _File]] = {id(f): {} for f in lists}
    for comp in companions:
        owner = _owner(comp, lists)
        role = _ROLE[comp.format]
        if role in groups[id(owner)]:
            other = groups[id(owner)][role].name
            raise ListFileError(
                f"a second {FORMATS[comp.format]} for {owner.name} (the first is {other})",
                path=comp.name,
            )
        groups[id(owner)][role] = comp
    return [_parse_list(f, groups[id(f)], source) for f in lists]


def _owner(comp: _File, lists: list[_File]) -> _File:
    """The list file a companion file belongs to.

    Legacy companions go to the list file holding most of their ent_nums (so sdn.csv and
    cons_prim.csv with all their companions can be loaded in one call); a metadata.json to the
    only flattened SDN file.
    """
    candidates = [f for f in lists if f.format in _COMPANION_OF[comp.format]]
    if not candidates:
        wanted = (
            "its sdn.csv or cons_prim.csv"
            if comp.format in _LEGACY_COLUMNS
            else "its ofac-sdn.csv or ofac-sdn.json"
        )
        raise ListFileError(
            f"this is an {FORMATS[comp.format]}, not a list by itself: load it together with "
            f"{wanted}",
            path=comp.name,
            line=1,
        )
    if len(candidates) == 1:
        return candidates[0]
    if comp.format == OFAC_FLAT_METADATA:
        raise ListFileError(
            "a metadata.json with several flattened SDN files: load them one at a time",
            path=comp.name,
        )
    ids = Counter(row[0].strip() for _line, row in comp.rows)
    best = max(candidates, key=lambda f: sum(ids[r[0].strip()] for _l, r in f.rows))
    return best


# -- OFAC legacy CSV --------------------------------------------------------------------------

_ALT_KINDS = {"aka", "fka", "nka"}


def _null(value: str) -> str:
    """A legacy CSV value with OFAC's null (``-0-``, usually followed by a space) as ""."""
    value = value.strip()
    return "" if value == "-0-" else value


def _csv_records(f: _File) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, fields) for every record; strict quoting.

    Strict mode turns an unclosed quote into an error instead of a silently merged record.
    """
    reader = csv.reader(io.StringIO(f.text, newline=""), strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _CsvBroken(line, str(exc)) from None
        yield line, row
        line = reader.line_num + 1


class _CsvBroken(Exception):
    """A CSV record the strict reader refuses; ``line`` is where the record starts."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason

    @property
    def at_end(self) -> bool:
        """The file ends inside a quoted value (cut off, or a quote never closed)."""
        return self.reason == "unexpected end of data"

    def explain(self) -> str:
        if self.at_end:
            return "broken CSV: a quote opened in this record is never closed (truncated file?)"
        return f"broken CSV ({self.reason}): a stray quote in this record"


def _legacy_rows(f: _File) -> list[tuple[int, list[str]]]:
    """All records of a legacy CSV file, each checked for its column count and ent_num."""
    width = _LEGACY_COLUMNS[f.format]
    rows = []
    try:
        for line, row in _csv_records(f):
            if not row:
                continue
            if len(row) != width:
                raise ListFileError(
                    f"{len(row)} columns where this {FORMATS[f.format].split(' (')[0]} has "
                    f"{width}: the file is broken or mixes files",
                    path=f.name,
                    line=line,
                )
            if not row[0].strip().isdigit():
                raise ListFileError(f"ent_num {row[0]!r} is not a number", path=f.name, line=line)
            rows.append((line, row))
    except _CsvBroken as exc:
        raise ListFileError(exc.explain(), path=f.name, line=exc.line) from None
    if rows and not f.text.endswith("\n"):
        raise ListFileError(
            "the last record has no line break: the file is truncated (OFAC files end every "
            "record with CRLF)",
            path=f.name,
            line=rows[-1][0],
        )
    return rows


def _parse_legacy(f: _File, companions: dict[str, _File], source: str | None) -> ParsedList:
    entries: dict[str, ListEntry] = {}
    lines: dict[str, int] = {}
    types = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft", "": "entity"}
    for line, row in f.rows:
        ent_num = row[0].strip()
        if ent_num in entries:
            raise ListFileError(
                f"ent_num {ent_num} appears twice (first at line {lines[ent_num]})",
                path=f.name,
                line=line,
            )
        name = _null(row[1])
        if not name:
            raise ListFileError(f"entry {ent_num} has no name", path=f.name, line=line)
        raw_type = _null(row[2]).lower()
        if raw_type not in types:
            raise ListFileError(
                f"entry {ent_num} has the unknown SDN_Type {row[2].strip()!r}",
                path=f.name,
                line=line,
            )
        entry = ListEntry(
            list="sdn",
            entry_id=ent_num,
            entry_type=types[raw_type],
            names=[ListName(name)],
            programs=_split_programs(row[3]),
            # Not stripped yet: a comment row may continue it mid-word or after a space.
            remarks="" if _null(row[11]) == "" else row[11],
        )
        call_sign = _null(row[5])
        if call_sign:
            entry.identifiers.append({"type": "Call Sign", "number": call_sign, "country": ""})
        _add_country(entry, _null(row[9]))  # Vess_flag: a vessel's only country
        entries[ent_num] = entry
        lines[ent_num] = line

    counts: Counter[str] = Counter(rows_primary=len(f.rows))
    comments = companions.get("comments")
    if comments:
        for _line, row in _companion_rows(comments, entries):
            # OFAC cuts Remarks mid-word; the comment row continues it without a separator.
            entries[row[0].strip()].remarks += row[1]
        counts["rows_comments"] = len(comments.rows)
    alt = companions.get("alt")
    if alt:
        for line, row in _companion_rows(alt, entries):
            kind, alias = _null(row[2]).lower(), _null(row[3])
            if kind not in _ALT_KINDS or not alias:
                raise ListFileError(
                    f"alias {row[1].strip()} of entry {row[0].strip()} has type {row[2]!r} and "
                    f"name {row[3]!r}; expected aka/fka/nka and a name",
                    path=alt.name,
                    line=line,
                )
            counts["duplicate_names_dropped"] += _add_name(
                entries[row[0].strip()], alias, kind, strong=True
            )
        counts["rows_alt"] = len(alt.rows)
    add = companions.get("add")
    if add:
        for _line, row in _companion_rows(add, entries):
            entry = entries[row[0].strip()]
            street, city, country = _null(row[2]), _null(row[3]), _null(row[4])
            text = ", ".join(p for p in (street, city, country) if p)
            if text:
                entry.addresses.append(text)
            _add_country(entry, country)
        counts["rows_add"] = len(add.rows)

    for entry in entries.values():
        entry.remarks = entry.remarks.strip()
        if entry.remarks:
            counts["duplicate_names_dropped"] += _apply_remarks(entry, parse_remarks(entry.remarks))

    listed = list(entries.values())
    list_name = source or _ofac_source(listed)
    for entry in listed:
        entry.list = list_name
    warnings = []
    missing = [role for role in ("alt", "add", "comments") if role not in companions]
    if missing:
        warnings.append(
            f"{Path(f.name).name} loaded without its {', '.join(missing)} file(s): "
            + ", ".join(_MISSING_MEANS[m] for m in missing)
        )
    files = [f, *(companions[r] for r in ("alt", "add", "comments") if r in companions)]
    return _result(list_name, OFAC_LEGACY, listed, files, None, warnings, counts)


_MISSING_MEANS = {
    "alt": "no strong aliases (only the weak ones in the remarks)",
    "add": "no addresses",
    "comments": "remarks cut off by OFAC stay cut off",
}


def _companion_rows(comp: _File, entries: dict[str, ListEntry]):
    """The companion's records, refusing any whose ent_num is not in the list file: that
    means the files come from different releases, and joining them would be wrong."""
    for line, row in comp.rows:
        if row[0].strip() not in entries:
            raise ListFileError(
                f"ent_num {row[0].strip()} is not in the list file: the files come from "
                "different OFAC releases",
                path=comp.name,
                line=line,
            )
        yield line, row


def _split_programs(value: str) -> list[str]:
    """``NPWMD] [IFSR`` (what is left of ``[NPWMD] [IFSR]``) -> ["NPWMD", "IFSR"]."""
    value = _null(value).strip("[] ")
    return [p.strip() for p in re.split(r"\]\s*\[", value) if p.strip()] if value else []


# Programs found only on OFAC's non-SDN lists (a few SDN entries carry one too).
_NON_SDN_PROGRAM = re.compile(r"^(?:NS-PLC|NS-ISA|NS-MBS.*|CMIC-.*|561-Related|FSE-.*)$")


def _ofac_source(entries: list[ListEntry]) -> str:
    """The list an OFAC file holds: "cons" (the non-SDN consolidated list) or "sdn".

    Both lists share one file format, and the file name is not to be trusted. The non-SDN
    list is the only one where many entries carry non-SDN programs (NS-PLC, CMIC, FSE,
    561-Related...): a third of cons_prim.csv against a few in a thousand on the SDN list.
    Callers that know better pass ``source=``.
    """
    if not entries:
        return "sdn"
    marked = sum(1 for e in entries if any(_NON_SDN_PROGRAM.match(p) for p in e.programs))
    return "cons" if marked >= 0.1 * len(entries) else "sdn"


# -- remarks ----------------------------------------------------------------------------------


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


# -- countries --------------------------------------------------------------------------------

# Names the lists use that pycountry does not know (its names are ISO's). XK (Kosovo) is the
# user-assigned code everyone, the CSL included, uses.
_COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "korea, north": "KP",
    "north korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "korea": "KR",
    "burma": "MM",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "palestinian": "PS",
    "palestinian authority": "PS",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "region: gaza": "PS",
    "region: west bank": "PS",
    "region: north gaza": "PS",
    "region: northern gaza": "PS",
    "kosovo": "XK",
    "the gambia": "GM",
    "gambia, the": "GM",
    "bahamas, the": "BS",
    "north macedonia, the republic of": "MK",
    "macedonia, the former yugoslav republic of": "MK",
    "macedonia": "MK",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "macau": "MO",
    "macao": "MO",
    "brunei": "BN",
    "man, isle of": "IM",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "taiwan": "TW",
    "cape verde": "CV",
    "swaziland": "SZ",
    "czech republic": "CZ",
    "uk": "GB",
    "united kingdom": "GB",
    "usa": "US",
    "united states": "US",
    "holland": "NL",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "st. vincent and the grenadines": "VC",
    "st. kitts and nevis": "KN",
    "st. kitts & nevis": "KN",
    "st. lucia": "LC",
    "eritrean": "ER",
}
_NOT_A_COUNTRY = {"", "-0-", "undetermined", "unknown", "none", "none identified", "stateless"}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code as the lists write it, else None.

    ``Korea, North`` -> KP, ``Burma`` -> MM, ``Palestinian`` -> PS, ``CN`` -> CN.
    """
    text = " ".join((value or "").replace("’", "'").split()).strip(" .")
    folded = text.casefold()
    if folded in _NOT_A_COUNTRY:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return found.alpha_2 if found else ("XK" if text.upper() == "XK" else None)
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def _add_country(entry: ListEntry, raw: str) -> None:
    """Add a country (as its code, or as written when unknown) to the entry's countries."""
    if raw.strip().casefold() in _NOT_A_COUNTRY:
        return
    value = country_code(raw) or raw.strip()
    if value not in entry.countries:
        entry.countries.append(value)


# -- OFAC XML ---------------------------------------------------------------------------------

_XML_TYPES = {t: t for t in ENTRY_TYPES}
_AKA_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka", "aka": "aka", "fka": "fka"}


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _items(element: ET.Element, list_name: str, item_name: str) -> list[ET.Element]:
    return [i for lst in _children(element, list_name) for i in _children(lst, item_name)]


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


# -- Consolidated Screening List --------------------------------------------------------------


def _parse_csl_csv(f: _File) -> ParsedList:
    """The CSL CSV: one record per entry, multi-valued cells joined with "; ".

    Policy on broken records: a malformed record anywhere in the file refuses the whole
    file, because loading the rest would silently drop listed parties. The one exception is
    a *final* record that is cut off (no line break at the end of the file, and an unclosed
    quote or too few columns), as published files have been: it is skipped, with a warning
    naming its line and, when readable, its name, so that the rest of an otherwise complete
    list still loads. An unclosed quote that swallows more than a few lines is not a cut-off
    record but a broken file, and is refused. Repeated header rows are skipped (with a
    warning).
    """
    warnings: list[str] = []
    skipped = 0
    rows: list[tuple[int, list[str]]] = []
    try:
        for line, row in _csv_records(f):
            if row:
                rows.append((line, row))
    except _CsvBroken as exc:
        span = _line_at(f.text, len(f.text)) - exc.line + 1
        if not exc.at_end or span > _MAX_TRUNCATED_RECORD_LINES:
            raise ListFileError(exc.explain(), path=f.name, line=exc.line) from None
        tail = next(csv.reader(io.StringIO(f.text.split("\n")[exc.line - 1])), [])
        warnings.append(_truncated_warning(f.name, exc.line, tail))
        skipped = 1
    header = [c.strip().lower() for c in rows[0][1]] if rows else []
    missing = {"source", "name"} - set(header)
    if missing or ("_id" not in header and "entity_number" not in header):
        raise ListFileError("the CSL header lacks _id/source/name columns", path=f.name, line=1)
    data_rows = rows[1:]
    if (
        data_rows
        and len(data_rows[-1][1]) != len(header)
        and not f.text.endswith(("\n", "\r"))
        and not skipped
    ):
        line, tail = data_rows.pop()
        warnings.append(_truncated_warning(f.name, line, tail))
        skipped = 1
    records = []
    repeats = []
    for line, row in data_rows:
        if [c.strip().lower() for c in row] == header:
            repeats.append(line)
            continue
        if len(row) != len(header):
            raise ListFileError(
                f"{len(row)} columns where the header has {len(header)}: the file is broken",
                path=f.name,
                line=line,
            )
        records.append((line, dict(zip(header, row, strict=True))))
    if repeats:
        warnings.append(
            f"{Path(f.name).name}: the header row is repeated at line(s) "
            f"{', '.join(map(str, repeats[:10]))} (skipped)"
        )
    entries, counts = _csl_entries(f.name, records, has_lines=True)
    counts["rows"] = len(data_rows) - len(repeats)
    counts["skipped_rows"] = skipped
    counts["header_rows"] = 1 + len(repeats)
    return _result("csl", CSL_CSV, entries, [f], None, warnings + _csl_notes(counts), counts)


def _truncated_warning(name: str, line: int, fields: list[str]) -> str:
    who = f" ({fields[5]!r}, _id {fields[0]})" if len(fields) > 5 else ""
    return (
        f"{Path(name).name}, line {line}: the last record is cut off{who} and was skipped; "
        "the file was truncated"
    )


def _parse_csl_json(f: _File) -> ParsedList:
    doc = f.payload
    results = doc["results"] if isinstance(doc, dict) else doc
    total = doc.get("total") if isinstance(doc, dict) else None
    if isinstance(total, int) and total > len(results):
        raise ListFileError(
            f"this JSON holds {len(results)} of {total} results (one page of an API search), "
            "not the whole list",
            path=f.name,
        )
    records = []
    for number, item in enumerate(results, start=1):
        if not isinstance(item, dict):
            raise ListFileError(f"result #{number} is not an object", path=f.name)
        records.append((number, item))
    entries, counts = _csl_entries(f.name, records, has_lines=False)
    counts["rows"] = len(records)
    return _result("csl", CSL_JSON, entries, [f], None, _csl_notes(counts), counts)


def _csl_notes(counts: Counter) -> list[str]:
    notes = []
    if counts.get("untyped"):
        notes.append(
            f"{counts['untyped']} CSL entries state no type (the BIS and State lists); "
            "they are loaded as entities"
        )
    if counts.get("shared_ids"):
        notes.append(
            f"{counts['shared_ids']} CSL ids are listed by several sub-lists; those entries "
            "carry the sub-list code in their entry_id (e.g. 17014:SSI)"
        )
    return notes


def _csl_entries(name: str, records: list[tuple[int, dict]], *, has_lines: bool):
    """ListEntry for every CSL record (CSV cells or JSON values), and the CSL counts.

    ``_id`` is not unique in the CSL: one party on two sub-lists (SSI and NS-MBS, SDN and
    PLC) has two records with one id. Those get ``<id>:<sub-list code>`` (and ``#2``... should
    one sub-list repeat an id) so that every entry of a list version has its own id.
    """
    counts: Counter[str] = Counter()
    ids = [_csl_id(item) for _line, item in records]
    shared = {i for i, n in Counter(ids).items() if n > 1}
    counts["shared_ids"] = len(shared)
    taken: Counter[str] = Counter()
    entries = []
    for (line, item), entry_id in zip(records, ids, strict=True):
        where = {"path": name, "line": line} if has_lines else {"path": name}
        name_value = _str(item.get("name"))
        if not name_value:
            raise ListFileError(
                f"CSL record {entry_id or line} has no name",
                **where,
            )
        if not entry_id:
            raise ListFileError(f"CSL record {name_value!r} has no _id", **where)
        source = _str(item.get("source"))
        if entry_id in shared:
            code = re.search(r"\(([^()]+)\)", source)
            entry_id = f"{entry_id}:{(code.group(1) if code else source or '-').split()[0]}"
            taken[entry_id] += 1
            if taken[entry_id] > 1:
                entry_id = f"{entry_id}#{taken[entry_id]}"
        raw_type = _str(item.get("type")).lower()
        if raw_type and raw_type not in ENTRY_TYPES:
            raise ListFileError(f"CSL record {entry_id} has the type {raw_type!r}", **where)
        if not raw_type:
            counts["untyped"] += 1
        entry = ListEntry(
            list="csl",
            entry_id=entry_id,
            entry_type=raw_type or "entity",
            names=[ListName(name_value)],
            programs=_values(item.get("programs")),
            source=source,
            remarks=_str(item.get("remarks")),
            dates_of_birth=_values(item.get("dates_of_birth")),
        )
        for alias in _values(item.get("alt_names")):
            counts["duplicate_names_dropped"] += _add_name(entry, alias, "aka", strong=True)
        for address in _csl_addresses(item.get("addresses")):
            text, country = address
            entry.addresses.append(text)
            if country:
                _add_country(entry, country)
        for raw in [*_values(item.get("nationalities")), *_values(item.get("citizenships"))]:
            code = country_code(raw)
            if (code or raw) not in entry.nationalities:
                entry.nationalities.append(code or raw)
            if code and code not in entry.countries:
                entry.countries.append(code)
        entry.identifiers = _csl_ids(item.get("ids"))
        if flag := _str(item.get("vessel_flag")):
            _add_country(entry, flag)
        entries.append(entry)
    return entries, counts


def _csl_id(item: dict) -> str:
    return _str(item.get("_id") or item.get("id") or item.get("entity_number"))


def _str(value) -> str:
    return "" if value is None else str(value).strip()


def _values(value) -> list[str]:
    """A multi-valued CSL cell ("a; b") or JSON list as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for v in value if (text := _str(v))]
    return [text for v in str(value).split("; ") if (text := v.strip())]


def _csl_addresses(value) -> list[tuple[str, str]]:
    """(address as written, country) pairs; in the CSV the country is the last part."""
    found = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                keys = ("address", "city", "state", "postal_code", "country")
                text = ", ".join(_str(item.get(k)) for k in keys if _str(item.get(k)))
                if text:
                    found.append((text, _str(item.get("country"))))
            elif _str(item):
                found.append((_str(item), ""))
        return found
    for text in _values(value):
        last = text.rsplit(",", 1)[-1].strip()
        country = last if len(last) == 2 and last.isupper() else ""
        found.append((text, country))
    return found


def _csl_ids(value) -> list[dict]:
    """CSL ids: JSON objects, or "Type, Number, CC" items of the CSV cell."""
    found = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                continue
            ident = {
                "type": _str(item.get("type")),
                "number": _str(item.get("number")),
                "country": _str(item.get("country")),
            }
            for key in ("issue_date", "expiration_date"):
                if _str(item.get(key)):
                    ident[key] = _str(item.get(key))
            found.append(ident)
        return found
    for text in _values(value):
        parts = [p.strip() for p in text.split(", ")]
        country = ""
        if len(parts) >= 3 and re.fullmatch(r"[A-Z]{2}", parts[-1]):
            country = parts.pop()
        found.append({"type": parts[0], "number": ", ".join(parts[1:]), "country": country})
    return found


# -- flattened OFAC SDN -----------------------------------------------------------------------


def _parse_ofac_flat(f: _File, companions: dict[str, _File]) -> ParsedList:
    """The flattened SDN list: names, types and programs only (no addresses, no DOB).

    Its own counts (in the JSON, or in the metadata.json given with the CSV) are checked, so
    a truncated file is refused even when it is cut at a record boundary.
    """
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    dropped = 0
    publish_date = None
    expected: dict = {}
    if f.format == OFAC_FLAT_JSON:
        doc: dict = f.payload  # type: ignore[assignment]
        records = [(n, item) for n, item in enumerate(doc["entries"], start=1)]
        publish_date = _iso_date(doc.get("published"))
        expected = doc.get("counts") or {}
        rows = len(records)
    else:
        records = []
        try:
            rows_in = [(line, row) for line, row in _csv_records(f) if row]
        except _CsvBroken as exc:
            raise ListFileError(exc.explain(), path=f.name, line=exc.line) from None
        if rows_in and not f.text.endswith("\n"):
            raise ListFileError(
                "the last record has no line break: the file is truncated",
                path=f.name,
                line=rows_in[-1][0],
            )
        for line, row in rows_in[1:]:
            if len(row) != 5:
                raise ListFileError(
                    f"{len(row)} columns where the header has 5", path=f.name, line=line
                )
            records.append(
                (
                    line,
                    {
                        "uid": row[0],
                        "name": row[1],
                        "type": row[2],
                        "programs": _values(row[3]),
                        "alternateNames": _values(row[4]),
                    },
                )
            )
        rows = len(records)
    metadata = companions.get("metadata")
    if metadata:
        meta: dict = metadata.payload  # type: ignore[assignment]
        publish_date = publish_date or _iso_date(meta.get("published"))
        expected = expected or meta.get("counts") or {}
    for line, item in records:
        where = {"path": f.name, "line": line} if f.format == OFAC_FLAT_CSV else {"path": f.name}
        uid = _str(item.get("uid"))
        label = f"entry {uid}" if f.format == OFAC_FLAT_CSV else f"entry #{line} (uid {uid})"
        if not uid.isdigit():
            raise ListFileError(f"{label}: uid is not a number", **where)
        if uid in seen:
            raise ListFileError(f"{label}: uid {uid} appears twice", **where)
        seen[uid] = line
        raw_type = _str(item.get("type")).lower()
        name = _str(item.get("name"))
        if raw_type not in ENTRY_TYPES or not name:
            raise ListFileError(f"{label}: no name or an unknown type {raw_type!r}", **where)
        entry = ListEntry(
            list="sdn",
            entry_id=uid,
            entry_type=raw_type,
            names=[ListName(name)],
            programs=_values(item.get("programs")),
        )
        for alias in _values(item.get("alternateNames")):
            dropped += _add_name(entry, alias, "aka", strong=True)
        entries.append(entry)
    if expected.get("entries") not in (None, len(entries)):
        source = metadata.name if metadata and f.format == OFAC_FLAT_CSV else f.name
        raise ListFileError(
            f"{Path(source).name} announces {expected['entries']} entries but "
            f"{Path(f.name).name} holds {len(entries)}: truncated, or from another release",
            path=f.name,
        )
    counts = Counter(rows_primary=rows, duplicate_names_dropped=dropped)
    files = [f, metadata] if metadata else [f]
    return _result("sdn", f.format, entries, files, publish_date, [], counts)


def _iso_date(value) -> str | None:
    text = _str(value)[:10]
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        return None


# -- UN consolidated list ---------------------------------------------------------------------


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


# -- the result -------------------------------------------------------------------------------


def _parse_list(f: _File, companions: dict[str, _File], source: str | None) -> ParsedList:
    if f.format == OFAC_LEGACY:
        return _parse_legacy(f, companions, source)
    if f.format == OFAC_XML:
        return _parse_ofac_xml(f, source)
    if f.format == CSL_CSV:
        return _parse_csl_csv(f)
    if f.format == CSL_JSON:
        return _parse_csl_json(f)
    if f.format in (OFAC_FLAT_CSV, OFAC_FLAT_JSON):
        return _parse_ofac_flat(f, companions)
    return _parse_un_xml(f)


def _result(
    source: str,
    fmt: str,
    entries: list[ListEntry],
    files: list[_File],
    publish_date: str | None,
    warnings: list[str],
    counts: Counter,
) -> ParsedList:
    """The ParsedList with its hash and counts; refuses a file that holds no entries.

    One file: the sha256 of its bytes. Several (sdn.csv with alt/add/comments): the sha256 of
    the lines "<role> <sha256 of the file>" in a fixed role order, so the same set of files
    gives the same hash whatever order they were given in.
    """
    if not entries:
        raise ListFileError("the file holds no list entries", path=files[0].name)
    if len(files) == 1:
        digest = files[0].sha256
    else:
        lines = [
            f"{_ROLE.get(x.format, 'list')} {x.sha256}\n"
            for x in sorted(files, key=lambda x: _ROLE.get(x.format, ""))
        ]
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
    counts = Counter({k: v for k, v in counts.items() if v})
    counts["entries"] = len(entries)
    for entry in entries:
        counts[entry.entry_type] += 1
        counts["names"] += len(entry.names)
        for n in entry.names[1:]:
            counts["aliases"] += 1
            counts["aliases_strong" if n.strong else "aliases_weak"] += 1
        counts["addresses"] += len(entry.addresses)
        counts["dates_of_birth"] += len(entry.dates_of_birth)
        counts["identifiers"] += len(entry.identifiers)
    for key in (*ENTRY_TYPES, "aliases", "aliases_strong", "aliases_weak", "addresses"):
        counts.setdefault(key, 0)
    return ParsedList(
        source=source,
        format=fmt,
        entries=entries,
        publish_date=publish_date,
        file_sha256=digest,
        counts=dict(counts),
        warnings=warnings,
    )
