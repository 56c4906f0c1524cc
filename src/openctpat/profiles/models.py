"""Sites, security profiles, answers to the criteria, the evidence library and annual reviews."""

import uuid

from django.db import models
from django.db.models import Q

from openctpat.core.ctpat import EntityType
from openctpat.core.models import OrgOwnedModel, choices, optional_link, optional_user

SiteType = choices(
    "SiteType", warehouse="Warehouse", factory="Factory", office="Office", terminal="Terminal"
)


class Site(OrgOwnedModel):
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    site_type = models.CharField(max_length=20, choices=SiteType.choices)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_name_per_org")
        ]

    def __str__(self):
        return self.name


class SecurityProfile(OrgOwnedModel):
    """The organisation's answer to one entity type's MSC (optionally for one site)."""

    entity_type = models.CharField(max_length=40, choices=EntityType.choices)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT)
    criteria_set = models.ForeignKey("catalog.CriteriaSet", on_delete=models.PROTECT)
    anniversary_date = models.DateField(
        null=True, blank=True, help_text="The CTPAT anniversary; the annual review is due by it."
    )

    class Meta:
        ordering = ["entity_type", "site__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "entity_type"],
                condition=Q(site__isnull=True),
                name="one_profile_per_entity_type",
            ),
            models.UniqueConstraint(
                fields=["organisation", "entity_type", "site"],
                condition=Q(site__isnull=False),
                name="one_profile_per_entity_type_and_site",
            ),
        ]

    def __str__(self):
        label = self.get_entity_type_display()
        return f"{label} · {self.site.name}" if self.site_id else label


AnswerStatus = choices(
    "AnswerStatus",
    not_started="Not started",
    in_progress="In progress",
    meets="Meets",
    partially_meets="Partially meets",
    does_not_meet="Does not meet",
    not_applicable="Not applicable",
)


class Answer(OrgOwnedModel):
    profile = models.ForeignKey(SecurityProfile, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("catalog.Criterion", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.NOT_STARTED
    )
    narrative = models.TextField(blank=True)
    owner = optional_user()
    due_date = models.DateField(null=True, blank=True)
    na_justification = models.TextField(blank=True)
    must_override_reason = models.TextField(
        blank=True, help_text="Why a Must criterion does not apply (kept in the audit trail)."
    )
    needs_review = models.BooleanField(default=False)
    review_note = models.CharField(max_length=200, blank=True)
    retired = models.BooleanField(
        default=False, help_text="Its criterion left the catalog version the profile now uses."
    )
    evidence = models.ManyToManyField("EvidenceDocument", blank=True, related_name="answers")

    class Meta:
        ordering = ["criterion__category", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "criterion"], name="one_answer_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.profile} · {self.criterion.criterion_id}"


class AnswerComment(OrgOwnedModel):
    """The reviewer comments thread on one answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment on {self.answer}"


class EvidenceDocument(OrgOwnedModel):
    """A document in the evidence library; every upload of it is a version."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    review_date = models.DateField(
        null=True, blank=True, help_text="When the document expires or must be reviewed."
    )
    current = optional_link("EvidenceVersion")

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


def evidence_path(instance, filename):
    # Random names: nothing about a file's location can be guessed from its title or number.
    return f"evidence/org-{instance.organisation_id}/{uuid.uuid4().hex}"


class EvidenceVersion(OrgOwnedModel):
    document = models.ForeignKey(
        EvidenceDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="evidence_version_number")
        ]

    def __str__(self):
        return f"{self.document.title} v{self.number}"


ReviewStatus = choices("ReviewStatus", open="Open", completed="Completed")


class AnnualReview(OrgOwnedModel):
    profile = models.ForeignKey(SecurityProfile, on_delete=models.CASCADE, related_name="reviews")
    anniversary_date = models.DateField()
    opens_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = optional_user()

    class Meta:
        ordering = ["-anniversary_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "anniversary_date"], name="one_review_per_anniversary"
            )
        ]

    def __str__(self):
        return f"Annual review {self.anniversary_date:%Y} · {self.profile}"


ReviewOutcome = choices("ReviewOutcome", affirmed="Re-affirmed unchanged", updated="Updated")


class ReviewItem(OrgOwnedModel):
    """One criterion's re-affirmation or update in a review, with what the answer said then."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="items")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="review_items")
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    reviewed_by = optional_user(blank=False)
    reviewed_at = models.DateTimeField()
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["answer__criterion__category", "answer__criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "answer"], name="one_item_per_answer")
        ]

    def __str__(self):
        return f"{self.review} · {self.answer.criterion.criterion_id}"


class Reminder(OrgOwnedModel):
    """A reminder email that was sent, so that each due date is announced once."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    due_date = models.DateField()
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "object_id", "due_date"], name="reminder_once"
            )
        ]

    def __str__(self):
        return self.subject
