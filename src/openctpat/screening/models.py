"""Restricted-party screening: list versions (shared), screenings, alerts and dispositions."""

from django.db import models
from django.db.models import Q

from openctpat.core.models import OrgOwnedModel, choices, optional_link, optional_user


class ListVersion(models.Model):
    """One load of a list (SDN, non-SDN, CSL, UN): shared by every organisation.

    A new load of a source becomes the active one only once it is complete; the previous
    version stays active until then and is kept afterwards as screening evidence.
    """

    source = models.CharField(max_length=10, db_index=True)
    format = models.CharField(max_length=30)
    file_sha256 = models.CharField(max_length=64)
    file_names = models.JSONField(default=list)
    publish_date = models.DateField(null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = optional_user()
    entry_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["source", "-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=Q(active=True), name="one_active_version_per_source"
            )
        ]

    def __str__(self):
        when = self.publish_date or self.loaded_at.date()
        return f"{self.source.upper()} of {when} ({self.entry_count} entries)"


class ListRecord(models.Model):
    """One entry of a list version, as the loaders read it (see screening/entries.py)."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="records")
    list_name = models.CharField(max_length=10)
    entry_id = models.CharField(max_length=64)
    entry_type = models.CharField(max_length=12)
    primary_name = models.CharField(max_length=500)
    names = models.JSONField(default=list)  # [{"name", "kind", "strong"}]
    programs = models.JSONField(default=list)
    source = models.CharField(max_length=300, blank=True)
    addresses = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    dates_of_birth = models.JSONField(default=list)
    nationalities = models.JSONField(default=list)
    identifiers = models.JSONField(default=list)
    remarks = models.TextField(blank=True)
    fingerprint = models.CharField(
        max_length=64, help_text="Hash of the names: a changed entry gets a new fingerprint."
    )

    class Meta:
        ordering = ["version", "id"]
        indexes = [models.Index(fields=["version", "entry_id"])]

    def __str__(self):
        return f"{self.list_name.upper()} {self.entry_id} {self.primary_name}"


class ScreeningSettings(OrgOwnedModel):
    threshold = models.FloatField(default=0.0, help_text="0 means the matcher's measured default.")
    four_eyes = models.BooleanField(
        default=False, help_text="A true match needs a second reviewer's confirmation."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="one_screening_cfg")]

    def __str__(self):
        return f"Screening settings of {self.organisation_id}"


class Outcome(models.TextChoices):
    CLEAR = "clear", "No match"
    POTENTIAL = "potential_match", "Potential match"
    CONFIRMED = "confirmed_match", "Confirmed match"


class Screening(OrgOwnedModel):
    """One screening of a name against the active list versions: the evidence kept."""

    partner = optional_link("partners.BusinessPartner", models.CASCADE, related_name="screenings")
    query = models.CharField(max_length=500)
    country = models.CharField(max_length=2, blank=True)
    reason = models.CharField(max_length=30)  # created, changed, list_update, manual, ad_hoc
    versions = models.ManyToManyField(ListVersion, related_name="+")
    threshold = models.FloatField()
    matches = models.JSONField(default=list)  # the matcher's hits with explanations
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "partner", "-created_at"])]

    def __str__(self):
        return f"Screening of {self.query!r}: {self.get_outcome_display()}"


AlertStatus = choices(
    "AlertStatus",
    open="Open",
    false_positive="False positive",
    pending_confirmation="True match, awaiting a second reviewer",
    true_match="True match",
)


class Alert(OrgOwnedModel):
    """A potential match of a partner to a list entry, until a reviewer decides it."""

    partner = models.ForeignKey(
        "partners.BusinessPartner", on_delete=models.CASCADE, related_name="alerts"
    )
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="alerts")
    record = models.ForeignKey(ListRecord, on_delete=models.PROTECT, related_name="+")
    list_name = models.CharField(max_length=10)
    entry_id = models.CharField(max_length=64)
    entry_name = models.CharField(max_length=500)
    matched_name = models.CharField(max_length=500)
    score = models.FloatField()
    explanation = models.JSONField(default=dict)
    status = models.CharField(max_length=24, choices=AlertStatus.choices, default="open")
    reason = models.TextField(blank=True)
    decided_by = optional_user()
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = optional_user()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-score", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.partner} ~ {self.list_name.upper()} {self.entry_id} ({self.score:.2f})"


class Suppression(OrgOwnedModel):
    """A false-positive decision remembered for one partner name and one list entry."""

    partner = models.ForeignKey(
        "partners.BusinessPartner", on_delete=models.CASCADE, related_name="suppressions"
    )
    list_name = models.CharField(max_length=10)
    entry_id = models.CharField(max_length=64)
    entry_fingerprint = models.CharField(max_length=64)
    partner_name_key = models.CharField(max_length=200)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["organisation", "partner", "list_name", "entry_id"])]

    def __str__(self):
        return f"{self.partner_id} ≠ {self.list_name} {self.entry_id}"


class RescreenRun(models.Model):
    """Progress of screening every partner after a list update (a background task)."""

    version = models.ForeignKey(ListVersion, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Rescreen after {self.version}: {self.done}/{self.total}"


class RescreenShare(OrgOwnedModel):
    """One organisation's part of a rescreen run: what its members see of the run."""

    run = models.ForeignKey(RescreenRun, on_delete=models.CASCADE, related_name="shares")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "organisation"], name="one_share_per_run_org")
        ]

    def __str__(self):
        return f"{self.run} for {self.organisation_id}: {self.done}/{self.total}"
