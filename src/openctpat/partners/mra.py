"""The foreign programs with a CTPAT Mutual Recognition Arrangement: shipped reference data."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "mra-programs.yaml"


@dataclass(frozen=True)
class MraProgram:
    country: str
    country_name: str
    program: str
    signed: str
    source_url: str
    source_date: str
    confirmed: bool


@dataclass(frozen=True)
class MraList:
    source: str
    source_url: str
    as_of: str
    notes: str
    programs: tuple[MraProgram, ...]

    def by_country(self, country: str) -> MraProgram | None:
        return next((p for p in self.programs if p.country == (country or "").upper()), None)


@lru_cache(maxsize=1)
def mra_list() -> MraList:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    programs = tuple(
        MraProgram(
            country=p["country"],
            country_name=p["country_name"],
            program=p["program"],
            signed=str(p["signed"]),
            source_url=p.get("source_url", ""),
            source_date=str(p.get("source_date") or ""),
            confirmed=bool(p.get("confirmed", False)),
        )
        for p in data["programs"]
    )
    return MraList(
        data["source"], data["source_url"], str(data["as_of"]), data.get("notes", ""), programs
    )
