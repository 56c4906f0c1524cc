"""What a restricted-party list holds, as the loaders produce it and the matcher reads it.

Pure Python, no Django: the loaders (``lists/``), the matcher (``matcher.py``), the
``ctpat screen`` CLI and the database layer all speak these types.
"""

from dataclasses import dataclass, field

ENTRY_TYPES = ("individual", "entity", "vessel", "aircraft")


@dataclass(frozen=True)
class ListName:
    """One name of an entry: its primary name or an alias.

    ``strong`` is False for OFAC's weak aliases (the "a.k.a." found in remarks, or marked
    weak), which deserve a lower score; ``kind`` is primary, aka, fka or nka.
    """

    name: str
    kind: str = "primary"
    strong: bool = True


@dataclass
class ListEntry:
    list: str  # "sdn", "cons" (OFAC non-SDN), "csl", "un"
    entry_id: str  # the official ID: OFAC ent_num / uid, CSL entity_number or _id
    entry_type: str  # one of ENTRY_TYPES
    names: list[ListName]  # names[0] is the primary name
    programs: list[str] = field(default_factory=list)
    source: str = ""  # for the CSL: the sub-list, e.g. "Entity List (EL) - Bureau of Industry..."
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2 where known
    dates_of_birth: list[str] = field(default_factory=list)  # as written: 1970, 12 Jan 1970
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)  # {"type", "number", "country"}
    remarks: str = ""

    @property
    def primary_name(self) -> str:
        return self.names[0].name if self.names else ""


@dataclass
class ParsedList:
    """One loaded list file (or set of files): what becomes a list version."""

    source: str  # "sdn", "cons", "csl", "un"
    format: str  # "ofac-legacy-csv", "ofac-xml", "csl-csv", "csl-json", ...
    entries: list[ListEntry]
    publish_date: str | None = None  # ISO date when the file says it
    file_sha256: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # entries, names, by type...
    warnings: list[str] = field(default_factory=list)


class ListFileError(ValueError):
    """A list file that cannot be loaded; the message names the file and the line."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None):
        where = f"{path}, line {line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(where + message)
        self.path = path
        self.line = line
