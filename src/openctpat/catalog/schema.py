"""Validation of the MSC catalog data files (pure Python, no Django).

One YAML file per (MSC version, entity type). `validate(doc)` returns a list of
human-readable problems; an empty list means the file can be loaded.
Run `python -m openctpat.catalog.schema FILE...` to check files by hand.
"""

import re
import sys
from datetime import date

from openctpat.catalog.categories import CATEGORIES

ENTITY_TYPES = {
    "importer",
    "exporter",
    "air_carrier",
    "sea_carrier",
    "rail_carrier",
    "highway_carrier",
    "mexican_lhc",
    "consolidator",
    "third_party_logistics",
    "customs_broker",
    "mpto",
    "foreign_manufacturer",
}
CRITERION_ID = re.compile(r"^(1[0-2]|[1-9])\.([1-9][0-9]?)$")
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
TOP_KEYS = {
    "msc_version",
    "entity_type",
    "title",
    "source",
    "as_of",
    "coverage",
    "coverage_notes",
    "missing_categories",
    "criteria",
}
CRITERION_KEYS = {"id", "category", "requirement", "summary", "guidance", "evidence", "note"}
# Entity types whose file must carry guidance and evidence for every criterion.
DETAILED = {"importer"}


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def criterion_sort_key(criterion_id: str) -> tuple[int, int]:
    category, number = criterion_id.split(".")
    return int(category), int(number)


def validate(doc) -> list[str]:
    if not isinstance(doc, dict):
        return ["the file must hold a mapping at the top level"]
    problems: list[str] = []
    unknown = set(doc) - TOP_KEYS
    if unknown:
        problems.append(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    if not re.fullmatch(r"[0-9A-Za-z.\-]{1,20}", str(doc.get("msc_version", ""))):
        problems.append("msc_version is required: up to 20 letters, digits, dots or dashes")
    entity_type = doc.get("entity_type")
    if entity_type not in ENTITY_TYPES:
        problems.append(f"entity_type {entity_type!r} is not one of {sorted(ENTITY_TYPES)}")
    if not _text(doc.get("title")) or len(doc["title"]) > 300:
        problems.append("title is required, at most 300 characters")
    source = doc.get("source")
    if not isinstance(source, dict) or not _text(source.get("document")):
        problems.append("source.document is required")
    elif not DATE.match(str(source.get("date", ""))):
        problems.append("source.date must be YYYY-MM or YYYY-MM-DD")
    elif not isinstance(source.get("references", []), list):
        problems.append("source.references must be a list")
    as_of = doc.get("as_of")
    if not (isinstance(as_of, date) or DATE.match(str(as_of or ""))):
        problems.append("as_of must be a date (YYYY-MM-DD)")
    coverage = doc.get("coverage")
    if coverage not in ("complete", "partial"):
        problems.append("coverage must be 'complete' or 'partial'")
    if coverage == "partial" and not _text(doc.get("coverage_notes")):
        problems.append("a partial file must say what is missing in coverage_notes")
    missing = doc.get("missing_categories", [])
    if not isinstance(missing, list) or any(m not in CATEGORIES for m in missing):
        problems.append("missing_categories must be a list of category numbers 1-12")
        missing = []
    if coverage == "complete" and missing:
        problems.append("a complete file cannot have missing_categories")

    criteria = doc.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        problems.append("criteria must be a non-empty list")
        return problems
    seen: set[str] = set()
    present: set[int] = set()
    for index, item in enumerate(criteria, start=1):
        where = f"criterion #{index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        cid = str(item.get("id", ""))
        where = f"criterion {cid or '#' + str(index)}"
        unknown = set(item) - CRITERION_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        match = CRITERION_ID.match(cid)
        if not match:
            problems.append(f"{where}: id must look like '3.1' (category 1-12, number 1-99)")
            continue
        if cid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(cid)
        if item.get("category") != int(match.group(1)):
            problems.append(f"{where}: category must be {match.group(1)}, the id's first part")
        present.add(int(match.group(1)))
        if item.get("requirement") not in ("must", "should"):
            problems.append(f"{where}: requirement must be 'must' or 'should'")
        if not _text(item.get("summary")):
            problems.append(f"{where}: summary is required")
        evidence = item.get("evidence", [])
        if not isinstance(evidence, list) or not all(_text(e) for e in evidence):
            problems.append(f"{where}: evidence must be a list of short texts")
        if entity_type in DETAILED:
            if not _text(item.get("guidance")):
                problems.append(f"{where}: guidance is required for {entity_type}")
            if not evidence:
                problems.append(f"{where}: evidence is required for {entity_type}")
    absent = set(CATEGORIES) - present - set(missing)
    if absent:
        problems.append(
            "categories with no criteria must be listed in missing_categories: "
            + ", ".join(str(c) for c in sorted(absent))
        )
    both = present & set(missing)
    if both:
        problems.append(
            "missing_categories lists categories that have criteria: "
            + ", ".join(str(c) for c in sorted(both))
        )
    return problems


def main(paths: list[str]) -> int:
    import yaml

    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            problems = validate(yaml.safe_load(handle))
        for problem in problems:
            print(f"{path}: {problem}")
        failed += bool(problems)
        if not problems:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
