"""The five-step risk assessment: lanes and nodes, country threats, vulnerabilities, actions."""

from django.db import models

from openctpat.core.models import (
    ActionStatus,  # noqa: F401  (re-exported for the app)
    OrgOwnedModel,
    TrackedAction,
    choices,
    optional_link,
    optional_user,
)

Rating = choices("Rating", Low="Low", Medium="Medium", High="High")


class ThreatCategory(models.TextChoices):
    TERRORISM = "terrorism", "Terrorism"
    CONTRABAND = "contraband_smuggling", "Contraband smuggling (drugs, weapons)"
    HUMAN_SMUGGLING = "human_smuggling", "Human smuggling and trafficking"
    ORGANISED_CRIME = "organised_crime", "Organised crime"
    CORRUPTION = "corruption", "Corruption"
    POLITICAL_INSTABILITY = "political_instability", "Political instability"


NodeType = choices(
    "NodeType",
    supplier="Supplier",
    manufacturer="Foreign manufacturer",
    consolidator="Consolidator",
    origin_port="Origin port / airport",
    carrier_leg="Carrier leg",
    transshipment="Transshipment point",
    destination_port="U.S. port of entry",
    customs_broker="Customs broker",
    warehouse="U.S. warehouse / DC",
    other="Other",
)


Mode = choices("Mode", sea="Sea", air="Air", rail="Rail", highway="Highway")


ACTIVITIES = {
    "stuffing": "Stuffing / loading",
    "sealing": "Sealing",
    "storage": "Storage",
    "transport": "Transport",
    "document_handling": "Document handling",
    "order_data": "Order data",
    "shipping_data": "Shipping documents / data",
}


class ReferenceSet(models.Model):
    """A loaded file of reference indicators: packaged (shared) or imported by one org."""

    organisation = optional_link("accounts.Organisation", models.CASCADE)
    name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    as_of = models.CharField(max_length=10, help_text="The newest source date in the file.")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = optional_user()

    class Meta:
        ordering = ["-loaded_at", "-id"]

    def __str__(self):
        return f"{self.name} (as of {self.as_of})"


class ReferenceIndicator(models.Model):
    reference_set = models.ForeignKey(
        ReferenceSet, on_delete=models.CASCADE, related_name="indicators"
    )
    country = models.CharField(max_length=2, db_index=True)
    category = models.CharField(max_length=30, choices=ThreatCategory.choices)
    rating = models.CharField(max_length=6, choices=Rating.choices)
    indicator = models.CharField(max_length=300)
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500)
    source_date = models.CharField(max_length=10)

    class Meta:
        ordering = ["country", "category"]

    def __str__(self):
        return f"{self.country} {self.category}: {self.rating} ({self.indicator})"


class ScoringSettings(OrgOwnedModel):
    """The organisation's risk matrix (see risk/scoring.py)."""

    low = models.PositiveSmallIntegerField(default=1)
    medium = models.PositiveSmallIntegerField(default=2)
    high = models.PositiveSmallIntegerField(default=3)
    use_impact = models.BooleanField(default=False)
    medium_from = models.PositiveSmallIntegerField(default=3)
    high_from = models.PositiveSmallIntegerField(default=6)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="one_matrix_per_org")]

    def __str__(self):
        return f"Risk matrix of {self.organisation_id}"


AssessmentStatus = choices("AssessmentStatus", draft="Draft", signed_off="Signed off")


DEFAULT_METHODOLOGY = (
    "This assessment follows CBP's five-step CTPAT risk assessment. (1) We mapped the cargo "
    "flow of each trade lane from the point of stuffing to our U.S. door, with every party "
    "that handles the goods or the shipping data. (2) For every country on a lane we rated "
    "terrorism, contraband smuggling, human smuggling, organised crime, corruption and "
    "political instability High, Medium or Low, starting from public reference lists (FATF, "
    "U.S. State Department, INCSR) and recording our reasons. (3) For every party on a lane "
    "we rated its vulnerability against the MSC categories that apply to its role, using our "
    "own security profile for our sites and what we know of each business partner. (4) Each "
    "risk is threat times vulnerability on the matrix shown in this report; the highest "
    "risks have corrective actions with owners and due dates. (5) The PCSO approves the "
    "assessment; it is reviewed at least once a year and whenever the supply chain changes."
)


class Assessment(OrgOwnedModel):
    title = models.CharField(max_length=200)
    assessment_date = models.DateField()
    scope = models.TextField(blank=True)
    participants = models.TextField(blank=True)
    methodology = models.TextField(default=DEFAULT_METHODOLOGY)
    sources = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    reference_set = optional_link(ReferenceSet)
    previous = optional_link("self")
    matrix = models.JSONField(default=dict, blank=True, help_text="Frozen at sign-off.")
    signed_off_by = optional_user()
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessment_date", "-id"]

    def __str__(self):
        return f"{self.title} ({self.assessment_date:%Y-%m-%d})"

    @property
    def is_frozen(self) -> bool:
        return self.status == AssessmentStatus.SIGNED_OFF


class Lane(OrgOwnedModel):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lanes")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "name"], name="lane_name_per_assessment")
        ]

    def __str__(self):
        return self.name


class LaneNode(OrgOwnedModel):
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="nodes")
    position = models.PositiveIntegerField()
    node_type = models.CharField(max_length=20, choices=NodeType.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    name = models.CharField(max_length=200, help_text="The business partner or place.")
    site = optional_link("profiles.Site")
    partner = optional_link(
        "partners.BusinessPartner",
        related_name="lane_nodes",
        help_text="The registry's partner at this node: its role feeds the partner's tier.",
    )
    country = models.CharField(max_length=2)
    activities = models.JSONField(default=list, blank=True)
    impact = models.CharField(max_length=6, choices=Rating.choices, default=Rating.MEDIUM)

    class Meta:
        ordering = ["lane", "position"]

    def __str__(self):
        return f"{self.lane.name} #{self.position}: {self.name}"

    @property
    def activity_labels(self) -> list[str]:
        return [ACTIVITIES.get(a, a) for a in self.activities]


class CountryThreat(OrgOwnedModel):
    """Step 2: one threat category in one country, suggested from reference data, decided."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="threats")
    country = models.CharField(max_length=2)
    category = models.CharField(max_length=30, choices=ThreatCategory.choices)
    suggested_rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    suggestion_basis = models.JSONField(default=list, blank=True)
    rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    override_reason = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    sources = models.TextField(blank=True)
    needs_reconfirmation = models.BooleanField(default=False)

    class Meta:
        ordering = ["country", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "country", "category"], name="one_threat_rating"
            )
        ]

    def __str__(self):
        return f"{self.country} {self.get_category_display()}"

    @property
    def is_override(self) -> bool:
        return bool(self.rating and self.suggested_rating and self.rating != self.suggested_rating)


class Vulnerability(OrgOwnedModel):
    """Step 3: a lane node against one MSC category that applies to its role."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="vulnerabilities"
    )
    node = models.ForeignKey(LaneNode, on_delete=models.CASCADE, related_name="vulnerabilities")
    category = models.PositiveSmallIntegerField()
    suggested_rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    basis = models.CharField(max_length=300, blank=True)
    rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    notes = models.TextField(blank=True)
    needs_reconfirmation = models.BooleanField(default=False)

    class Meta:
        ordering = ["node__lane__name", "node__position", "category"]
        constraints = [
            models.UniqueConstraint(fields=["node", "category"], name="one_vulnerability_rating")
        ]

    def __str__(self):
        return f"{self.node} · category {self.category}"


class Action(TrackedAction):
    """Step 4: a corrective action for a risk. It stays workable after sign-off."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    node = optional_link(LaneNode, related_name="actions")
    msc_category = models.PositiveSmallIntegerField(null=True, blank=True)
    criterion = optional_link("catalog.Criterion")
    evidence = optional_link("profiles.EvidenceDocument")
