"""OFAC's legacy CSV: the list file and its alias, address and remarks companions."""

import re
from collections import Counter
from pathlib import Path

from ..entries import ListEntry, ListFileError, ListName, ParsedList
from .countries import _add_country
from .formats import _ALT_KINDS, _LEGACY_COLUMNS, FORMATS, OFAC_LEGACY
from .reading import _csv_records, _CsvBroken, _File, _null, _result
from .remarks import _add_name, _apply_remarks, parse_remarks


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
