"""Loading the MSC data files, browsing criteria, and comparing two MSC versions."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import ProtectedError, Q

from openctpat.core import audit
from openctpat.core.errors import NotFound, ValidationFailed
from openctpat.core.filters import narrowed

from .models import CriteriaSet, Criterion
from .schema import criterion_sort_key, validate

DATA_DIR = Path(__file__).resolve().parent / "data" / "msc"
CRITERION_FIELDS = ("category", "number", "requirement", "summary", "guidance", "evidence", "note")


class CatalogFileError(ValidationFailed):
    """A data file that cannot be loaded; the message names the file and every problem."""


def packaged_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*/*.yaml"))


def read_file(path: Path) -> tuple[dict, str]:
    raw = Path(path).read_bytes()
    try:
        doc = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogFileError(f"{path}: not a readable YAML file ({exc})") from exc
    problems = validate(doc)
    if problems:
        raise CatalogFileError(f"{path}: " + "; ".join(problems))
    return doc, hashlib.sha256(raw).hexdigest()


@dataclass
class LoadResult:
    path: str
    criteria_set: CriteriaSet
    outcome: str  # created | updated | unchanged
    changes: dict = field(default_factory=dict)


def load_file(path, using: str = "default") -> LoadResult:
    """Create or update one (version, entity type). A newer version is a new set: old ones stay."""
    doc, sha = read_file(path)
    key = {"msc_version": str(doc["msc_version"]), "entity_type": doc["entity_type"]}
    source = doc["source"]
    values = {
        "title": doc["title"],
        "source_document": source["document"],
        "source_date": str(source["date"]),
        "source_references": source.get("references", []),
        "as_of": doc["as_of"],
        "coverage": doc["coverage"],
        "coverage_notes": doc.get("coverage_notes") or "",
        "missing_categories": doc.get("missing_categories", []),
        "file_sha256": sha,
    }
    with transaction.atomic(using=using):
        existing = CriteriaSet.objects.using(using).filter(**key).first()
        if existing and existing.file_sha256 == sha:
            return LoadResult(str(path), existing, "unchanged")
        criteria_set, created = CriteriaSet.objects.using(using).update_or_create(
            **key, defaults=values
        )
        changes = _sync_criteria(criteria_set, doc["criteria"], using)
        audit.record(
            audit.Action.CREATE if created else audit.Action.UPDATE,
            target=criteria_set,
            changes={"file": Path(path).name, "sha256": sha, **changes},
        )
    return LoadResult(str(path), criteria_set, "created" if created else "updated", changes)


def _sync_criteria(criteria_set: CriteriaSet, items: list[dict], using: str) -> dict:
    current = {c.criterion_id: c for c in criteria_set.criteria.using(using).all()}
    wanted = {}
    for item in items:
        cid = str(item["id"])
        category, number = criterion_sort_key(cid)
        wanted[cid] = {
            "category": category,
            "number": number,
            "requirement": item["requirement"],
            "summary": item["summary"].strip(),
            "guidance": (item.get("guidance") or "").strip(),
            "evidence": item.get("evidence", []),
            "note": (item.get("note") or "").strip(),
        }
    removed = sorted(set(current) - set(wanted), key=criterion_sort_key)
    if removed:
        try:
            Criterion.objects.using(using).filter(
                criteria_set=criteria_set, criterion_id__in=removed
            ).delete()
        except ProtectedError as exc:
            raise CatalogFileError(
                f"Criteria {', '.join(removed)} of {criteria_set} are answered in security "
                "profiles and cannot be removed from this version; publish a new MSC version "
                "instead."
            ) from exc
    added, changed = [], []
    for cid, values in wanted.items():
        criterion = current.get(cid)
        if criterion is None:
            added.append(Criterion(criteria_set=criteria_set, criterion_id=cid, **values))
        elif any(getattr(criterion, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(criterion, k, v)
            changed.append(criterion)
    Criterion.objects.using(using).bulk_create(added)
    Criterion.objects.using(using).bulk_update(changed, CRITERION_FIELDS)
    return {
        "added": len(added),
        "changed": [c.criterion_id for c in changed],
        "removed": removed,
    }


def load_catalog(paths=None, using: str = "default") -> list[LoadResult]:
    """Load the packaged files (or the given ones); one bad file stops before any is saved."""
    files = [Path(p) for p in paths] if paths else packaged_files()
    expanded: list[Path] = []
    for path in files:
        expanded.extend(sorted(path.glob("**/*.yaml")) if path.is_dir() else [path])
    with transaction.atomic(using=using):
        return [load_file(path, using=using) for path in expanded]


# -- reading -------------------------------------------------------------------------------
def criteria_sets():
    return CriteriaSet.objects.order_by("entity_type", "-msc_version")


def get_criteria_set(msc_version: str, entity_type: str) -> CriteriaSet:
    found = CriteriaSet.objects.filter(msc_version=msc_version, entity_type=entity_type).first()
    if found is None:
        raise NotFound(f"No MSC {msc_version} criteria for entity type {entity_type!r}.")
    return found


def latest_criteria_set(entity_type: str) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(entity_type=entity_type).order_by("-msc_version").first()


def previous_criteria_set(criteria_set: CriteriaSet) -> CriteriaSet:
    """The version before this one for the same entity type (itself when it is the first)."""
    return (
        CriteriaSet.objects.filter(
            entity_type=criteria_set.entity_type, msc_version__lt=criteria_set.msc_version
        )
        .order_by("-msc_version")
        .first()
        or criteria_set
    )


def search_criteria(
    criteria_set: CriteriaSet,
    *,
    category: int | None = None,
    requirement: str | None = None,
    q: str | None = None,
):
    criteria = narrowed(criteria_set.criteria.all(), category=category, requirement=requirement)
    for word in (q or "").split():
        criteria = criteria.filter(
            Q(criterion_id=word)
            | Q(summary__icontains=word)
            | Q(guidance__icontains=word)
            | Q(note__icontains=word)
        )
    return criteria


# -- comparing two versions ----------------------------------------------------------------
@dataclass
class Reworded:
    criterion_id: str
    fields: list[str]
    old: Criterion
    new: Criterion


@dataclass
class VersionChanges:
    old: CriteriaSet
    new: CriteriaSet
    added: list[Criterion]
    removed: list[Criterion]
    reworded: list[Reworded]
    unchanged: list[str]

    @property
    def changed_ids(self) -> set[str]:
        return {c.criterion_id for c in self.added} | {r.criterion_id for r in self.reworded}


def compare(old: CriteriaSet, new: CriteriaSet) -> VersionChanges:
    if old.entity_type != new.entity_type:
        raise ValidationFailed("Only two versions of the same entity type's criteria compare.")
    before = {c.criterion_id: c for c in old.criteria.all()}
    after = {c.criterion_id: c for c in new.criteria.all()}
    reworded, unchanged = [], []
    for cid in sorted(set(before) & set(after), key=criterion_sort_key):
        a, b = before[cid].wording(), after[cid].wording()
        fields = [k for k in a if a[k] != b[k]]
        if fields:
            reworded.append(Reworded(cid, fields, before[cid], after[cid]))
        else:
            unchanged.append(cid)
    return VersionChanges(
        old=old,
        new=new,
        added=[after[c] for c in sorted(set(after) - set(before), key=criterion_sort_key)],
        removed=[before[c] for c in sorted(set(before) - set(after), key=criterion_sort_key)],
        reworded=reworded,
        unchanged=unchanged,
    )
