"""The flattened OFAC SDN list (CSV or JSON) with its optional metadata.json."""

from collections import Counter
from pathlib import Path

from ..entries import ENTRY_TYPES, ListEntry, ListFileError, ListName, ParsedList
from .formats import OFAC_FLAT_CSV, OFAC_FLAT_JSON
from .reading import _csv_records, _CsvBroken, _File, _iso_date, _result, _str, _values
from .remarks import _add_name


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
