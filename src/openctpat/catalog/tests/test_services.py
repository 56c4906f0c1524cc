import pytest
import yaml

from openctpat.catalog import services
from openctpat.catalog.models import CriteriaSet, Criterion
from openctpat.catalog.services import CatalogFileError
from openctpat.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def write(tmp_path, doc, name="importer.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def importer_doc():
    path = next(p for p in services.packaged_files() if p.stem == "importer")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def newer_version(doc, version="2099"):
    """A made-up later version: 1.1 removed, 1.2 reworded, 2.1 made a Should, 1.9 added."""
    doc = dict(doc, msc_version=version)
    criteria = [dict(c) for c in doc["criteria"] if c["id"] != "1.1"]
    for c in criteria:
        if c["id"] == "1.2":
            c["summary"] = "Reworded: " + c["summary"]
        if c["id"] == "2.1":
            c["requirement"] = "should"
    criteria.insert(
        1,
        {
            "id": "1.9",
            "category": 1,
            "requirement": "must",
            "summary": "A test criterion added in the made-up version.",
            "guidance": "Test guidance.",
            "evidence": ["Test record"],
        },
    )
    doc["criteria"] = criteria
    return doc


def test_packaged_catalog_is_loaded_on_migrate():
    importer = CriteriaSet.objects.get(msc_version="2019", entity_type="importer")
    assert importer.criteria.count() >= 90
    assert CriteriaSet.objects.count() == len(services.packaged_files())


def test_loading_the_same_files_again_changes_nothing():
    before = AuditEntry.objects.count()
    results = services.load_catalog()
    assert {r.outcome for r in results} == {"unchanged"}
    assert AuditEntry.objects.count() == before


def test_a_newer_version_keeps_the_old_one(tmp_path):
    services.load_file(write(tmp_path, newer_version(importer_doc())))
    versions = set(
        CriteriaSet.objects.filter(entity_type="importer").values_list("msc_version", flat=True)
    )
    assert versions == {"2019", "2099"}
    assert services.latest_criteria_set("importer").msc_version == "2099"
    entry = AuditEntry.objects.filter(chain="system", object_type="catalog.criteriaset").first()
    assert entry.action == "create" and entry.changes["added"] > 90


def test_compare_lists_added_removed_and_reworded(tmp_path):
    services.load_file(write(tmp_path, newer_version(importer_doc())))
    changes = services.compare(
        services.get_criteria_set("2019", "importer"), services.get_criteria_set("2099", "importer")
    )
    assert [c.criterion_id for c in changes.added] == ["1.9"]
    assert [c.criterion_id for c in changes.removed] == ["1.1"]
    reworded = {r.criterion_id: r.fields for r in changes.reworded}
    assert reworded == {"1.2": ["summary"], "2.1": ["requirement"]}
    assert "1.3" in changes.unchanged


def test_a_corrected_file_updates_the_same_version_in_place(tmp_path):
    doc = importer_doc()
    doc["criteria"][0]["summary"] = "Corrected summary."
    result = services.load_file(write(tmp_path, doc))
    assert result.outcome == "updated"
    assert result.changes["changed"] == [doc["criteria"][0]["id"]]
    assert Criterion.objects.get(
        criteria_set=result.criteria_set, criterion_id=doc["criteria"][0]["id"]
    ).summary == ("Corrected summary.")


def test_a_bad_file_is_refused_and_nothing_is_saved(tmp_path):
    good = write(tmp_path, newer_version(importer_doc(), "2098"), "a.yaml")
    bad_doc = newer_version(importer_doc(), "2097")
    bad_doc["criteria"][3]["id"] = "99.1"
    bad = write(tmp_path, bad_doc, "b.yaml")
    with pytest.raises(CatalogFileError, match="b.yaml.*id must look like"):
        services.load_catalog([good, bad])
    assert not CriteriaSet.objects.filter(msc_version__in=["2097", "2098"]).exists()


def test_an_unreadable_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_bytes(b"criteria: [\n  - id: 1.1\n   bad indent")
    with pytest.raises(CatalogFileError, match="not a readable YAML file"):
        services.load_file(path)


def test_an_answered_criterion_cannot_be_dropped_from_its_version(tmp_path, org_a):
    from openctpat.testing.profiles import make_profile

    make_profile(org_a)
    doc = importer_doc()
    doc["criteria"] = [c for c in doc["criteria"] if c["id"] != "1.1"]
    with pytest.raises(CatalogFileError, match="publish a new MSC version"):
        services.load_file(write(tmp_path, doc))
    assert services.get_criteria_set("2019", "importer").criteria.filter(criterion_id="1.1")


def test_search_filters_by_category_requirement_and_words():
    importer = services.get_criteria_set("2019", "importer")
    musts = services.search_criteria(importer, category=6, requirement="must")
    assert musts and all(c.category == 6 and c.is_must for c in musts)
    seals = services.search_criteria(importer, q="seal")
    assert seals and all("seal" in (c.summary + c.guidance + c.note).lower() for c in seals)
    assert [c.criterion_id for c in services.search_criteria(importer, q="6.1")] == ["6.1"]


def test_cli_loads_files_and_reports_a_bad_one(tmp_path, capsys):
    from openctpat.cli import main

    assert main(["catalog", "load"]) == 0
    assert "unchanged MSC 2019 importer" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("msc_version: '2100'\nentity_type: importer\n", encoding="utf-8")
    assert main(["catalog", "load", str(bad)]) == 1
    assert "bad.yaml" in capsys.readouterr().err
