"""The trade.gov Consolidated Screening List, CSV and JSON."""

import csv
import io
import re
from collections import Counter
from pathlib import Path

from ..entries import ENTRY_TYPES, ListEntry, ListFileError, ListName, ParsedList
from .countries import _add_country, country_code
from .formats import _MAX_TRUNCATED_RECORD_LINES, CSL_CSV, CSL_JSON
from .reading import _csv_records, _CsvBroken, _File, _line_at, _result, _str, _values
from .remarks import _add_name


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
