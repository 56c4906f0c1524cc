"""The loaders callers use: files grouped into lists, companions joined, each list parsed."""

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..entries import ListFileError, ParsedList
from .csl import _parse_csl_csv, _parse_csl_json
from .formats import (
    _COMPANION_OF,
    _LEGACY_COLUMNS,
    _ROLE,
    CSL_CSV,
    CSL_JSON,
    FORMATS,
    OFAC_FLAT_CSV,
    OFAC_FLAT_JSON,
    OFAC_FLAT_METADATA,
    OFAC_LEGACY,
    OFAC_XML,
)
from .ofac_flat import _parse_ofac_flat
from .ofac_legacy import _legacy_rows, _parse_legacy
from .ofac_xml import _parse_ofac_xml
from .reading import _File, _read
from .sniffing import _sniff
from .un_xml import _parse_un_xml


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
