"""The shipped MSC files: well-formed, unique IDs, every category accounted for (no database)."""

import copy

import pytest
import yaml

from openctpat.catalog.categories import CATEGORIES
from openctpat.catalog.schema import CRITERION_ID, ENTITY_TYPES, validate
from openctpat.catalog.services import packaged_files
from openctpat.core.ctpat import EntityType

FILES = packaged_files()


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_schema_entity_types_match_the_program_vocabulary():
    assert set(EntityType.values) == ENTITY_TYPES


def test_there_is_a_file_for_each_entity_type_the_issue_names():
    shipped = {(p.parent.name, p.stem) for p in FILES}
    for entity_type in EntityType.values:
        if entity_type in ("importer",):
            assert ("2019", entity_type) in shipped


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_file_is_valid(path):
    doc = load(path)
    assert validate(doc) == []
    assert doc["entity_type"] == path.stem, "the file name is the entity type"
    assert str(doc["msc_version"]) == path.parent.name, "the folder is the MSC version"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_ids_are_unique_well_formed_and_ordered(path):
    ids = [c["id"] for c in load(path)["criteria"]]
    assert len(ids) == len(set(ids))
    assert all(CRITERION_ID.match(i) for i in ids)
    keys = [tuple(int(x) for x in i.split(".")) for i in ids]
    assert keys == sorted(keys)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_category_is_present_or_declared_missing(path):
    doc = load(path)
    present = {c["category"] for c in doc["criteria"]}
    declared = set(doc.get("missing_categories", []))
    assert present | declared == set(CATEGORIES)
    if doc["coverage"] == "complete":
        assert present == set(CATEGORIES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_file_names_its_source_and_partial_files_say_what_is_missing(path):
    doc = load(path)
    assert doc["source"]["document"] and doc["source"]["date"]
    assert doc["source"].get("references"), "say where the criteria were read"
    if doc["coverage"] == "partial":
        assert len(doc["coverage_notes"]) > 40


def test_importer_criteria_carry_guidance_and_evidence():
    doc = load(next(p for p in FILES if p.stem == "importer"))
    assert len(doc["criteria"]) >= 90
    for c in doc["criteria"]:
        assert c["guidance"].strip() and c["evidence"], c["id"]
    musts = sum(c["requirement"] == "must" for c in doc["criteria"])
    assert 0 < musts < len(doc["criteria"])


def minimal():
    return {
        "msc_version": "2099",
        "entity_type": "importer",
        "title": "t",
        "source": {"document": "d", "date": "2099-01", "references": []},
        "as_of": "2099-01-02",
        "coverage": "partial",
        "coverage_notes": "only one criterion",
        "missing_categories": list(range(2, 13)),
        "criteria": [
            {
                "id": "1.1",
                "category": 1,
                "requirement": "should",
                "summary": "s",
                "guidance": "g",
                "evidence": ["e"],
            }
        ],
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["criteria"][0].update(id="13.1"), "id must look like"),
        (lambda d: d["criteria"][0].update(id="1.01"), "id must look like"),
        (lambda d: d["criteria"][0].update(category=2), "category must be 1"),
        (lambda d: d["criteria"][0].update(requirement="may"), "requirement must be"),
        (lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0])), "duplicate id"),
        (lambda d: d["criteria"][0].pop("guidance"), "guidance is required"),
        (lambda d: d.update(coverage_notes=""), "partial file must say"),
        (lambda d: d.update(missing_categories=[3]), "categories with no criteria"),
        (lambda d: d.update(coverage="complete"), "complete file cannot"),
        (lambda d: d.update(entity_type="pirate"), "entity_type"),
        (lambda d: d.update(extra=1), "unknown top-level keys"),
        (lambda d: d["criteria"][0].update(colour="red"), "unknown keys"),
    ],
)
def test_validate_names_each_problem(change, problem):
    doc = minimal()
    assert validate(doc) == []
    change(doc)
    assert any(problem in p for p in validate(doc)), validate(doc)
