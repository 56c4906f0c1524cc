"""CBP's Minimum Security Criteria as versioned data, shared by every organisation."""

from django.db import models

from openctpat.core.ctpat import EntityType
from openctpat.core.models import choices

from .categories import category_name, focus_area

Requirement = choices("Requirement", must="Must", should="Should")


Coverage = choices("Coverage", complete="Complete", partial="Partial")


class CriteriaSet(models.Model):
    """One entity type's criteria in one MSC version: one shipped data file."""

    msc_version = models.CharField(max_length=20)
    entity_type = models.CharField(max_length=40, choices=EntityType.choices)
    title = models.CharField(max_length=300)
    source_document = models.TextField()
    source_date = models.CharField(max_length=10)
    source_references = models.JSONField(default=list, blank=True)
    as_of = models.DateField()
    coverage = models.CharField(max_length=10, choices=Coverage.choices)
    coverage_notes = models.TextField(blank=True)
    missing_categories = models.JSONField(default=list, blank=True)
    file_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entity_type", "-msc_version"]
        constraints = [
            models.UniqueConstraint(fields=["msc_version", "entity_type"], name="criteria_set_key")
        ]

    def __str__(self):
        return f"MSC {self.msc_version} · {self.get_entity_type_display()}"

    @property
    def is_partial(self) -> bool:
        return self.coverage == Coverage.PARTIAL


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    criterion_id = models.CharField(max_length=8)
    category = models.PositiveSmallIntegerField(db_index=True)
    number = models.PositiveSmallIntegerField()
    requirement = models.CharField(max_length=6, choices=Requirement.choices)
    summary = models.TextField()
    guidance = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["category", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "criterion_id"], name="criterion_key")
        ]
        verbose_name_plural = "criteria"

    def __str__(self):
        return f"{self.criterion_id} {self.summary[:60]}"

    @property
    def category_name(self) -> str:
        return category_name(self.category)

    @property
    def focus_area(self) -> str:
        return focus_area(self.category)

    @property
    def is_must(self) -> bool:
        return self.requirement == Requirement.MUST

    def wording(self) -> dict:
        """What a version change compares to call a criterion reworded."""
        return {"requirement": self.requirement, "summary": self.summary, "guidance": self.guidance}
