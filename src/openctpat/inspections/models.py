"""Conveyance and IIT inspections, the high-security seal inventory, and security incidents.

MSC 5.2–5.8 (inspections), 6.1–6.7 (seals, VVTT) and 7.23/7.37 (incident reporting).
"""

from django.conf import settings
from django.db import models

from openctpat.core.models import (
    OrgOwnedModel,
    TrackedAction,
    VersionedTemplate,
    choices,
    optional_link,
    optional_user,
)

from .seal_states import SealEvent, SealState

USER = settings.AUTH_USER_MODEL


ConveyanceType = choices(
    "ConveyanceType",
    container="Container / IIT",
    reefer="Refrigerated container",
    tractor_trailer="Tractor and trailer",
    trailer="Trailer",
    rail_car="Rail car",
    uld="Air ULD",
    other="Other",
)


class ChecklistTemplate(VersionedTemplate):
    """A checklist an inspector works through; its points are data the organisation edits."""

    name = models.CharField(max_length=120)
    conveyance_type = models.CharField(max_length=20, choices=ConveyanceType.choices)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the points come from.")
    standard_key = models.CharField(max_length=40, blank=True, help_text="Packaged template id.")
    used = models.BooleanField(default=False, help_text="An inspection has been done with it.")
    active = models.BooleanField(default=True)

    class Meta(VersionedTemplate.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="checklist_name_per_org")
        ]


class AbstractPoint(OrgOwnedModel):
    """What a point asks: on its template, and as copied into each inspection done with it."""

    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    agricultural = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.position}. {self.title}"


class ChecklistPoint(AbstractPoint):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="points")
    section = models.CharField(max_length=60, blank=True, help_text="Tractor, trailer…")

    class Meta:
        ordering = ["template", "position", "id"]


InspectionStatus = choices("InspectionStatus", in_progress="In progress", completed="Completed")


class InspectionResult(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class Inspection(OrgOwnedModel):
    """One conveyance/IIT inspection before loading (MSC 5.3, recorded as in 5.5)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    template_name = models.CharField(max_length=120)
    template_version = models.PositiveIntegerField()
    conveyance_type = models.CharField(max_length=20, choices=ConveyanceType.choices)
    site = models.ForeignKey("profiles.Site", on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField(db_index=True)
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    container_number = models.CharField(max_length=11, blank=True, db_index=True)
    trailer_number = models.CharField(max_length=40, blank=True)
    truck_plate = models.CharField(max_length=20, blank=True)
    trailer_plate = models.CharField(max_length=20, blank=True)
    driver_name = models.CharField(max_length=120, blank=True)
    driver_id = models.CharField(max_length=60, blank=True)
    shipment_reference = models.CharField(max_length=60, blank=True, db_index=True)
    partner = optional_link(
        "partners.BusinessPartner", help_text="The carrier or supplier whose conveyance this is."
    )
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.IN_PROGRESS
    )
    result = models.CharField(max_length=4, choices=InspectionResult.choices, blank=True)
    signature_name = models.CharField(max_length=120, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    supervisor_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["organisation", "inspected_at"])]

    def __str__(self):
        what = self.container_number or self.trailer_number or self.truck_plate or "conveyance"
        return f"{self.template_name} of {what} on {self.inspected_at:%Y-%m-%d %H:%M}"

    @property
    def is_completed(self) -> bool:
        return self.status == InspectionStatus.COMPLETED


class PointResult(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NOT_APPLICABLE = "na", "N/A"


class InspectionPoint(AbstractPoint):
    """One point of one inspection, copied from the template when the inspection began."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="points")
    section = models.CharField(max_length=60, blank=True)
    result = models.CharField(max_length=4, choices=PointResult.choices, blank=True)
    note = models.TextField(blank=True)
    photo = optional_link("profiles.EvidenceDocument")

    class Meta:
        ordering = ["inspection", "position", "id"]


class SealClass(models.TextChoices):
    HIGH = "H", "H — high security"
    SECURITY = "S", "S — security"
    INDICATIVE = "I", "I — indicative"


class SealBatch(OrgOwnedModel):
    """A purchase of seals: who made them, their ISO 17712 class and certificate, the range."""

    manufacturer = models.CharField(max_length=120)
    seal_type = models.CharField(max_length=60, blank=True, help_text="Bolt, cable…")
    iso_class = models.CharField(max_length=1, choices=SealClass.choices, default=SealClass.HIGH)
    certificate_reference = models.CharField(max_length=120, blank=True)
    certificate = optional_link("profiles.EvidenceDocument")
    prefix = models.CharField(max_length=10, blank=True)
    first_number = models.PositiveBigIntegerField()
    last_number = models.PositiveBigIntegerField()
    digits = models.PositiveSmallIntegerField(default=0, help_text="Zero-padded width.")
    received_on = models.DateField()
    storage_location = models.CharField(max_length=200)
    site = optional_link("profiles.Site", models.PROTECT)
    issuers = models.ManyToManyField(USER, blank=True, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "seal batches"

    def __str__(self):
        return (
            f"{self.manufacturer} {self.number(self.first_number)}–{self.number(self.last_number)}"
        )

    def number(self, n: int) -> str:
        return f"{self.prefix}{n:0{self.digits}d}"

    @property
    def size(self) -> int:
        return self.last_number - self.first_number + 1


class Seal(OrgOwnedModel):
    batch = models.ForeignKey(SealBatch, on_delete=models.PROTECT, related_name="seals")
    number = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    state = models.CharField(
        max_length=10,
        choices=[(s.value, s.value.replace("_", " ").capitalize()) for s in SealState],
        default=SealState.IN_STOCK,
        db_index=True,
    )
    issued_to = optional_link(USER, models.PROTECT)
    issued_at = models.DateTimeField(null=True, blank=True)
    inspection = optional_link(Inspection, models.PROTECT, related_name="seals")
    applied_at = models.DateTimeField(null=True, blank=True)
    container_number = models.CharField(max_length=40, blank=True)
    shipment_reference = models.CharField(max_length=60, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Removed or written off.")
    reason = models.TextField(blank=True, help_text="Why it was lost, damaged or voided.")

    class Meta:
        ordering = ["batch", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="seal_number_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self):
        return self.number


class SealMovement(OrgOwnedModel):
    """The seal log: one row per event in a seal's life (append-only, like the audit trail)."""

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="movements")
    event = models.CharField(max_length=10, choices=[(e.value, e.value) for e in SealEvent])
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    at = models.DateTimeField(db_index=True)
    by = optional_user()
    site = optional_link("profiles.Site")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["organisation", "at"])]

    def __str__(self):
        return f"{self.seal.number}: {self.event} at {self.at:%Y-%m-%d %H:%M}"


class SealVerification(OrgOwnedModel):
    """VVTT at receipt (MSC 6.7): View, Verify against the documents, Tug, Twist and turn."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="verifications")
    site = models.ForeignKey("profiles.Site", on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField()
    verified_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    document_seal_number = models.CharField(
        max_length=40, help_text="As on the shipping documents."
    )
    found_seal_number = models.CharField(max_length=40, help_text="As read on the seal.")
    view_ok = models.BooleanField()
    tug_ok = models.BooleanField()
    twist_ok = models.BooleanField()
    number_matches = models.BooleanField()
    passed = models.BooleanField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-verified_at", "-id"]

    def __str__(self):
        return f"VVTT of {self.seal.number}: {'passed' if self.passed else 'discrepancy'}"


class SealAudit(OrgOwnedModel):
    """A periodic count of the seal stock reconciled against the seal log (MSC 6.6)."""

    audited_on = models.DateField()
    counted_numbers = models.JSONField(default=list, blank=True)
    expected_in_stock = models.PositiveIntegerField(default=0)
    missing = models.JSONField(
        default=list, blank=True, help_text="In stock by the log, not found."
    )
    unexpected = models.JSONField(
        default=list, blank=True, help_text="Found, but the log says it left the stock."
    )
    report = models.JSONField(default=dict, blank=True, help_text="Reconciliation at the audit.")
    notes = models.TextField(blank=True)
    signed_off_by = optional_user()
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-audited_on", "-id"]

    def __str__(self):
        return f"Seal audit {self.audited_on:%Y-%m-%d}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


IncidentType = choices(
    "IncidentType",
    seal_discrepancy="Seal discrepancy",
    tampering="Tampering",
    hidden_compartment="Hidden compartment",
    contraband="Contraband found",
    unauthorised_access="Unauthorised access",
    cyber="Cyber incident",
    stolen_cargo="Stolen cargo",
    suspicious_activity="Suspicious activity",
    other="Other",
)


# MSC 7.23: these are reported to CBP as soon as possible, before the border crossing.
CBP_REPORTABLE = frozenset(
    {
        IncidentType.SEAL_DISCREPANCY,
        IncidentType.TAMPERING,
        IncidentType.HIDDEN_COMPARTMENT,
        IncidentType.CONTRABAND,
        IncidentType.STOLEN_CARGO,
    }
)


Severity = choices("Severity", low="Low", medium="Medium", high="High", critical="Critical")


IncidentStatus = choices(
    "IncidentStatus", open="Open", investigating="Investigating", closed="Closed"
)


class Incident(OrgOwnedModel):
    title = models.CharField(max_length=200)
    incident_type = models.CharField(max_length=24, choices=IncidentType.choices)
    occurred_at = models.DateTimeField(db_index=True)
    site = optional_link("profiles.Site", models.PROTECT)
    inspection = optional_link(Inspection, related_name="incidents")
    seal = optional_link(Seal, related_name="incidents")
    shipment_reference = models.CharField(max_length=60, blank=True)
    partner = optional_link("partners.BusinessPartner")
    description = models.TextField()
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(
        max_length=14, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    cbp_reportable = models.BooleanField(default=False)
    cbp_report_due_at = models.DateTimeField(null=True, blank=True)
    cbp_reported_at = models.DateTimeField(null=True, blank=True)
    cbp_report_reference = models.CharField(max_length=120, blank=True)
    investigation_notes = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    files = models.ManyToManyField("profiles.EvidenceDocument", blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = optional_user()
    closure_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self.get_incident_type_display()}: {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == IncidentStatus.CLOSED


NotifiedParty = choices(
    "NotifiedParty",
    cbp="CBP (port of entry)",
    scss="CTPAT SCSS",
    law_enforcement="Law enforcement",
    business_partner="Business partner",
    internal="Internal escalation",
    other="Other",
)


NotificationMethod = choices(
    "NotificationMethod",
    phone="Phone",
    email="Email",
    portal="CTPAT Portal",
    in_person="In person",
    other="Other",
)


class IncidentNotification(OrgOwnedModel):
    """Who was told, when and how (MSC 7.23)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    party = models.CharField(max_length=20, choices=NotifiedParty.choices)
    contact = models.CharField(max_length=200, help_text="Name, office or address reached.")
    notified_at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=NotificationMethod.choices)
    reference = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["notified_at", "id"]

    def __str__(self):
        return f"{self.get_party_display()} ({self.contact}) {self.notified_at:%Y-%m-%d %H:%M}"


class CorrectiveAction(TrackedAction):
    """A corrective action of an incident; mirrored on the risk action plan where one exists."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    risk_action = optional_link("risk.Action")


class InspectionSettings(OrgOwnedModel):
    """The organisation's seal and incident policy figures."""

    issued_unapplied_days = models.PositiveSmallIntegerField(
        default=7, help_text="An issued seal not applied after this many days is reported."
    )
    seal_audit_interval_days = models.PositiveSmallIntegerField(default=90)
    cbp_report_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours to report a CBP-reportable incident."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_inspection_settings")
        ]

    def __str__(self):
        return f"Inspection settings of {self.organisation_id}"
