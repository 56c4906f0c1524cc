"""Business partners: the registry, certifications, questionnaires, follow-up and risk tiers."""

from django.db import models
from django.utils import timezone

from openctpat.core.ctpat import EntityType
from openctpat.core.models import (
    ActionStatus,  # noqa: F401  (re-exported for the app)
    OrgOwnedModel,
    TrackedAction,
    VersionedTemplate,
    choices,
    optional_link,
    optional_user,
)

PARTNER_TYPES = [
    *EntityType.choices,
    ("supplier", "Supplier"),
    ("agent", "Agent"),
    ("service_provider", "Service provider"),
]
PARTNER_TYPE_LABELS = dict(PARTNER_TYPES)

# What a partner does for us; the ones that touch the cargo or its data weigh more in the tier.
SERVICES = {
    "manufacturing": "Manufacturing",
    "packing": "Packing",
    "stuffing": "Container / trailer stuffing",
    "sealing": "Sealing",
    "storage": "Storage / warehousing",
    "consolidation": "Consolidation",
    "highway_transport": "Highway transport",
    "sea_transport": "Ocean transport",
    "air_transport": "Air transport",
    "rail_transport": "Rail transport",
    "customs_brokerage": "Customs brokerage",
    "freight_forwarding": "Freight forwarding",
    "documentation": "Shipping documents / data",
    "security_services": "Security services",
    "it_services": "IT services",
    "other": "Other",
}
IDENTIFIERS = ("duns", "lei", "tax_id", "ior", "scac", "iata_code", "mid")
IDENTIFIER_LABELS = {
    "duns": "DUNS",
    "lei": "LEI",
    "tax_id": "Tax ID",
    "ior": "IOR number",
    "scac": "SCAC",
    "iata_code": "IATA code",
    "mid": "MID",
}


PartnerStatus = choices(
    "PartnerStatus",
    prospect="Prospect",
    active="Active",
    suspended="Suspended",
    terminated="Terminated",
)


Tier = choices("Tier", Low="Low", Medium="Medium", High="High")


class BusinessPartner(OrgOwnedModel):
    legal_name = models.CharField(max_length=200)
    # Folded legal name (ASCII, lower case, no legal form): search and duplicate detection.
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    other_names = models.JSONField(
        default=list, blank=True, help_text="Trade names, former names, names in original script."
    )
    partner_type = models.CharField(max_length=30, choices=PARTNER_TYPES)
    country = models.CharField(max_length=2, help_text="Main country (ISO 3166-1 alpha-2).")
    other_countries = models.JSONField(default=list, blank=True)
    address = models.TextField(blank=True)
    duns = models.CharField("DUNS", max_length=20, blank=True, db_index=True)
    lei = models.CharField("LEI", max_length=20, blank=True, db_index=True)
    tax_id = models.CharField("tax ID", max_length=40, blank=True, db_index=True)
    ior = models.CharField("IOR number", max_length=40, blank=True)
    scac = models.CharField("SCAC", max_length=4, blank=True, db_index=True)
    iata_code = models.CharField("IATA code", max_length=10, blank=True)
    mid = models.CharField("MID", max_length=40, blank=True, db_index=True)
    services = models.JSONField(default=list, blank=True)
    start_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE
    )
    notes = models.TextField(blank=True)
    documents = models.ManyToManyField("profiles.EvidenceDocument", blank=True, related_name="+")
    # The last tier computed (see partners/tiering.py); kept so lists filter and sort by it.
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_tier = models.CharField(max_length=6, choices=Tier.choices, blank=True, db_index=True)
    tier_reasons = models.JSONField(default=list, blank=True)
    tier_computed_at = models.DateTimeField(null=True, blank=True)
    last_assessed_on = models.DateField(null=True, blank=True)
    next_assessment_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name_key", "id"]
        indexes = [
            models.Index(fields=["organisation", "name_key"]),
            models.Index(fields=["organisation", "country"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def countries(self) -> list[str]:
        return [self.country, *[c for c in self.other_countries if c != self.country]]

    @property
    def service_labels(self) -> list[str]:
        return [SERVICES.get(s, s) for s in self.services]

    @property
    def identifiers(self) -> dict[str, str]:
        return {IDENTIFIER_LABELS[k]: getattr(self, k) for k in IDENTIFIERS if getattr(self, k)}


class PartnerContact(OrgOwnedModel):
    partner = models.ForeignKey(BusinessPartner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name


CertificationProgram = choices(
    "CertificationProgram",
    ctpat="CTPAT",
    mra="AEO / MRA program",
    iso28000="ISO 28000",
    other="Other",
)


CertificationStatus = choices(
    "CertificationStatus",
    certified="Certified",
    validated="Certified and validated",
    suspended="Suspended",
    expired="Expired / removed",
    not_verified="Claimed, not verified",
)


class Certification(OrgOwnedModel):
    """A security certification the partner holds, and when we last verified it."""

    partner = models.ForeignKey(
        BusinessPartner, on_delete=models.CASCADE, related_name="certifications"
    )
    program = models.CharField(max_length=10, choices=CertificationProgram.choices)
    program_name = models.CharField(
        max_length=200, blank=True, help_text="For MRA and other programs: which one."
    )
    country = models.CharField(max_length=2, blank=True)
    reference = models.CharField(
        max_length=60, blank=True, help_text="CTPAT SVI number or certificate number."
    )
    status = models.CharField(max_length=12, choices=CertificationStatus.choices)
    importer_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    reverify_due = models.DateField(null=True, blank=True)
    evidence = optional_link("profiles.EvidenceDocument")

    class Meta:
        ordering = ["program", "-verified_on", "id"]

    def __str__(self):
        name = self.program_name or self.get_program_display()
        return f"{name} {self.reference}".strip()

    def is_current(self, today) -> bool:
        good = self.status in (CertificationStatus.CERTIFIED, CertificationStatus.VALIDATED)
        return good and (self.expires_on is None or self.expires_on >= today)


class QuestionnaireTemplate(VersionedTemplate):
    """Questions for one partner type, drawn from the MSC catalog and edited by the PCSO."""

    name = models.CharField(max_length=200)
    partner_type = models.CharField(max_length=30, choices=PARTNER_TYPES)
    criteria_set = optional_link("catalog.CriteriaSet", models.PROTECT)
    sent_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The latest version sent to a partner."
    )
    instructions = models.TextField(blank=True)


class AbstractQuestion(OrgOwnedModel):
    """What a question asks: on its template, and as sent in each questionnaire."""

    position = models.PositiveIntegerField()
    text = models.TextField()
    criterion = optional_link("catalog.Criterion")
    must = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.reference or self.position}: {self.text[:60]}"


class TemplateQuestion(AbstractQuestion):
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.CASCADE, related_name="questions"
    )
    reference = models.CharField(max_length=20, blank=True, help_text="The MSC criterion ID.")

    class Meta:
        ordering = ["template", "position", "id"]


QuestionnaireStatus = choices(
    "QuestionnaireStatus",
    sent="Sent",
    in_progress="Partner is answering",
    submitted="Submitted",
    reviewed="Reviewed",
    revoked="Revoked",
)


class Questionnaire(OrgOwnedModel):
    """One questionnaire sent to one partner contact, answered through a partner link."""

    partner = models.ForeignKey(
        BusinessPartner, on_delete=models.CASCADE, related_name="questionnaires"
    )
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.PROTECT, related_name="questionnaires"
    )
    template_version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    status = models.CharField(
        max_length=12, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.SENT
    )
    due_date = models.DateField()
    # The link: sha256 of the token at rest; the token itself is an HMAC of link_nonce.
    token_hash = models.CharField(max_length=64, unique=True)
    link_nonce = models.CharField(max_length=64)
    link_expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = optional_user()
    review_summary = models.TextField(blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent of applicable questions answered yes."
    )

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.title} · {self.partner}"

    @property
    def link_state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.status in (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.REVIEWED):
            return "submitted"
        if self.link_expires_at <= timezone.now():
            return "expired"
        return "open"


class Reply(models.TextChoices):
    YES = "yes", "Yes"
    PARTIAL = "partial", "Partially"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


class QuestionnaireItem(AbstractQuestion):
    """One question as sent, the partner's reply, and the reviewer's finding."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    reference = models.CharField(max_length=20, blank=True)
    reply = models.CharField(max_length=8, choices=Reply.choices, blank=True)
    comment = models.TextField(blank=True)
    document = optional_link("profiles.EvidenceDocument")
    file_name = models.CharField(max_length=255, blank=True)
    weakness = models.BooleanField(default=False)
    weakness_closed = models.BooleanField(default=False)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["questionnaire", "position", "id"]


class FollowUpAction(TrackedAction):
    """What the partner must fix, agreed with it: closes a weakness when done."""

    partner = models.ForeignKey(BusinessPartner, on_delete=models.CASCADE, related_name="actions")
    item = optional_link(QuestionnaireItem, related_name="actions")
    partner_contact = models.CharField(max_length=200, blank=True)


class TierSettings(OrgOwnedModel):
    """The organisation's weights for the partner risk tier (see partners/tiering.py)."""

    weight_country = models.PositiveSmallIntegerField(default=25)
    weight_role = models.PositiveSmallIntegerField(default=20)
    weight_certification = models.PositiveSmallIntegerField(default=15)
    weight_questionnaire = models.PositiveSmallIntegerField(default=20)
    weight_weaknesses = models.PositiveSmallIntegerField(default=10)
    weight_screening = models.PositiveSmallIntegerField(default=10)
    high_from = models.PositiveSmallIntegerField(default=60)
    medium_from = models.PositiveSmallIntegerField(default=35)
    months_high = models.PositiveSmallIntegerField(default=12)
    months_medium = models.PositiveSmallIntegerField(default=24)
    months_low = models.PositiveSmallIntegerField(default=36)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="one_tier_settings")]

    def __str__(self):
        return f"Partner tier settings of {self.organisation_id}"


ImportStatus = choices(
    "ImportStatus",
    uploaded="Uploaded",
    importing="Importing",
    committed="Imported",
    failed="Stopped",
)


class PartnerImport(OrgOwnedModel):
    """An uploaded registry file between upload and commit: its rows and the column mapping.

    A large file is committed by a background task in batches; ``done`` of ``total``
    partners created is its progress.
    """

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="Field -> column header.")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0, help_text="Rows below the header.")
    skip_duplicates = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0, help_text="Partners the commit creates.")
    done = models.PositiveIntegerField(default=0, help_text="Partners created so far.")
    error = models.TextField(blank=True, help_text="Why the last commit stopped.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Import of {self.file_name}"

    @property
    def open(self) -> bool:
        """Whether it can still be committed (never, or stopped part-way)."""
        return self.status in (ImportStatus.UPLOADED, ImportStatus.FAILED)
