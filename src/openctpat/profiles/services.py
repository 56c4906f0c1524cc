"""Security-profile logic: sites, profiles, answers, evidence, completeness, reviews.

Every function takes the organisation and the acting user, validates, writes inside a
transaction and records the change in the audit trail.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

import pycountry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from openctpat.catalog import services as catalog
from openctpat.catalog.categories import CATEGORIES, category_name
from openctpat.catalog.models import CriteriaSet, Requirement
from openctpat.core import audit, concurrency
from openctpat.core.audit import Action
from openctpat.core.cleaning import check_member as _check_owner
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import Conflict, NotFound, invalid

from .filetypes import HEAD_BYTES, RefusedFile, sniff
from .models import (
    AnnualReview,
    Answer,
    AnswerComment,
    AnswerStatus,
    EvidenceDocument,
    EvidenceVersion,
    ReviewItem,
    ReviewOutcome,
    ReviewStatus,
    SecurityProfile,
    Site,
    SiteType,
)

SITE_FIELDS = ("name", "address", "country", "site_type")
ANSWER_FIELDS = (
    "status",
    "narrative",
    "owner",
    "due_date",
    "na_justification",
    "must_override_reason",
)
DOCUMENT_FIELDS = ("title", "description", "review_date")
REVIEW_WINDOW_DAYS = 90
EXPIRY_WARNING_DAYS = 30
MUST_NA_OVERRIDE = "must_na_override"


# -- sites -----------------------------------------------------------------------------------
def _clean_site(fields: dict) -> dict:
    fields = dict(fields)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise invalid("name", "A site needs a name.")
    if "country" in fields:
        code = (fields["country"] or "").strip().upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise invalid("country", f"{fields['country']!r} is not an ISO 3166 country code.")
        fields["country"] = code
    if "site_type" in fields and fields["site_type"] not in SiteType.values:
        raise invalid("site_type", f"Choose one of {', '.join(SiteType.values)}.")
    return fields


def _save_unique(obj, field_name: str, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(message, field_errors={field_name: [message]}) from exc


@transaction.atomic
def create_site(org, actor, **fields) -> Site:
    fields = _clean_site(fields)
    site = Site(organisation=org, created_by=actor, updated_by=actor, **fields)
    _save_unique(site, "name", f"A site named {site.name!r} already exists.")
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor,
        target=site,
        changes=audit.diff({}, audit.snapshot(site, SITE_FIELDS)),
    )
    return site


@transaction.atomic
def update_site(org, actor, site: Site, **fields) -> Site:
    concurrency.lock(site)
    fields = _clean_site(fields)

    def save():
        _save_unique(site, "name", f"A site named {site.name!r} already exists.")

    return _update_audited(org, actor, site, fields, SITE_FIELDS, save)


def _update_audited(org, actor, obj, fields: dict, audited, save=None):
    """Apply field changes, save, and record what changed (nothing when nothing did)."""
    before = audit.snapshot(obj, audited)
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.updated_by = actor
    (save or obj.save)()
    changes = audit.diff(before, audit.snapshot(obj, audited))
    if changes:
        audit.record(Action.UPDATE, organisation=org, actor=actor, target=obj, changes=changes)
    return obj


@transaction.atomic
def delete_site(org, actor, site: Site) -> None:
    concurrency.lock(site)
    if SecurityProfile.objects.for_org(org).filter(site=site).exists():
        raise Conflict(f"{site.name} has a security profile; delete or move that first.")
    audit.record(
        Action.DELETE,
        organisation=org,
        actor=actor,
        target=site,
        changes=audit.diff(audit.snapshot(site, SITE_FIELDS), {}),
    )
    site.delete()


# -- profiles --------------------------------------------------------------------------------
@transaction.atomic
def create_profile(
    org, actor, *, entity_type: str, site: Site | None = None, msc_version: str | None = None
) -> SecurityProfile:
    """A profile with one not-started answer per criterion of the entity type's MSC."""
    if entity_type not in (org.entity_types or []):
        raise invalid(
            "entity_type",
            f"{org.name} does not hold the entity type {entity_type!r}; "
            "add it on the organisation page first.",
        )
    if site is not None and site.organisation_id != org.pk:
        raise NotFound("No such site.")
    criteria_set = (
        catalog.get_criteria_set(msc_version, entity_type)
        if msc_version
        else catalog.latest_criteria_set(entity_type)
    )
    if criteria_set is None:
        raise invalid("entity_type", f"No MSC criteria are loaded for {entity_type!r}.")
    profile = SecurityProfile(
        organisation=org,
        entity_type=entity_type,
        site=site,
        criteria_set=criteria_set,
        created_by=actor,
        updated_by=actor,
    )
    where = f" for {site.name}" if site else ""
    _save_unique(profile, "entity_type", f"There is already a {entity_type} profile{where}.")
    Answer.objects.bulk_create(
        Answer(organisation=org, profile=profile, criterion=c, created_by=actor, updated_by=actor)
        for c in criteria_set.criteria.all()
    )
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor,
        target=profile,
        changes={
            "entity_type": [None, entity_type],
            "site": [None, site.pk if site else None],
            "criteria_set": [None, str(criteria_set)],
        },
    )
    return profile


@transaction.atomic
def update_profile(org, actor, profile: SecurityProfile, **fields) -> SecurityProfile:
    """The anniversary date, the one field set after creation; a patch naming none writes
    nothing."""
    refuse_unknown(fields, ("anniversary_date",))
    if not fields:
        return profile
    concurrency.lock(profile)
    return _update_audited(org, actor, profile, fields, ["anniversary_date"])


def active_answers(profile: SecurityProfile):
    return profile.answers.filter(retired=False)


def search_answers(
    org, category=None, status=None, requirement=None, owner_id=None, needs_review=None
):
    """Answers of criteria still in force, filtered as a profile's page and the API do."""
    criteria = {
        "criterion__category": category,
        "status": status,
        "criterion__requirement": requirement,
        "owner_id": owner_id,
    }
    answers = Answer.objects.for_org(org).filter(
        retired=False, **{k: v for k, v in criteria.items() if v}
    )
    return answers if needs_review is None else answers.filter(needs_review=needs_review)


# -- answers ---------------------------------------------------------------------------------
def _answer_snapshot(answer: Answer) -> dict:
    data = audit.snapshot(answer, ANSWER_FIELDS)
    data["evidence"] = sorted(answer.evidence.values_list("pk", flat=True))
    return data


def validate_answer(answer: Answer) -> None:
    """The rules an answer must keep whatever changed it (form, API, XLSX import)."""
    if answer.status not in AnswerStatus.values:
        raise invalid("status", f"Choose one of {', '.join(AnswerStatus.values)}.")
    if answer.status == AnswerStatus.NOT_APPLICABLE:
        if not answer.na_justification.strip():
            raise invalid(
                "na_justification", "Say why the criterion does not apply (N/A justification)."
            )
        if answer.criterion.is_must and not answer.must_override_reason.strip():
            raise invalid(
                "must_override_reason",
                f"{answer.criterion.criterion_id} is a Must: marking it not applicable needs "
                "an override reason, which is kept in the audit trail.",
            )


@transaction.atomic
def update_answer(org, actor, answer: Answer, **fields) -> Answer:
    concurrency.lock(answer)
    refuse_unknown(fields, ANSWER_FIELDS)
    if "owner" in fields:
        _check_owner(org, fields["owner"])
    before = _answer_snapshot(answer)
    for k, v in fields.items():
        setattr(answer, k, "" if v is None and k in ("narrative", "na_justification") else v)
    for text in ("narrative", "na_justification", "must_override_reason"):
        setattr(answer, text, (getattr(answer, text) or "").strip())
    validate_answer(answer)
    answer.needs_review = False
    answer.review_note = ""
    answer.updated_by = actor
    answer.save()
    _after_answer_change(org, actor, answer, before)
    return answer


def _after_answer_change(org, actor, answer: Answer, before: dict) -> None:
    after = _answer_snapshot(answer)
    changes = audit.diff(before, after)
    if not changes:
        return
    audit.record(Action.UPDATE, organisation=org, actor=actor, target=answer, changes=changes)
    if (
        answer.status == AnswerStatus.NOT_APPLICABLE
        and answer.criterion.is_must
        and ("status" in changes or "must_override_reason" in changes)
    ):
        audit.record(
            MUST_NA_OVERRIDE,
            organisation=org,
            actor=actor,
            target=answer,
            changes={
                "criterion": answer.criterion.criterion_id,
                "reason": answer.must_override_reason,
            },
        )
    review = open_review(answer.profile)
    if review is not None:
        _record_review_item(review, answer, actor, ReviewOutcome.UPDATED)


@transaction.atomic
def link_evidence(org, actor, answer: Answer, document: EvidenceDocument) -> None:
    concurrency.lock(answer)
    if document.organisation_id != org.pk:
        raise NotFound("No such evidence document.")
    before = _answer_snapshot(answer)
    answer.evidence.add(document)
    _after_answer_change(org, actor, answer, before)


@transaction.atomic
def unlink_evidence(org, actor, answer: Answer, document: EvidenceDocument) -> None:
    concurrency.lock(answer)
    before = _answer_snapshot(answer)
    answer.evidence.remove(document)
    _after_answer_change(org, actor, answer, before)


@transaction.atomic
def add_comment(org, actor, answer: Answer, body: str) -> AnswerComment:
    body = (body or "").strip()
    if not body:
        raise invalid("body", "A comment cannot be empty.")
    comment = AnswerComment.objects.create(
        organisation=org, answer=answer, body=body, created_by=actor, updated_by=actor
    )
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor,
        target=comment,
        changes={"answer": answer.pk, "body": [None, body]},
    )
    return comment


# -- evidence --------------------------------------------------------------------------------
def max_upload_bytes() -> int:
    return settings.CTPAT_EVIDENCE_MAX_BYTES


def _hash_and_sniff(uploaded) -> tuple[str, str]:
    size = uploaded.size
    limit = max_upload_bytes()
    if size > limit:
        raise invalid(
            "file",
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.",
        )
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    try:
        sniffed = sniff(head, uploaded.name or "")
    except RefusedFile as exc:
        raise invalid("file", str(exc)) from exc
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest(), sniffed.content_type


def _store_version(org, actor, document, uploaded, sha, content_type) -> EvidenceVersion:
    number = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = EvidenceVersion(
        organisation=org,
        document=document,
        number=number + 1,
        original_name=(uploaded.name or "upload")[-255:],
        content_type=content_type,
        size=uploaded.size,
        sha256=sha,
        created_by=actor,
        updated_by=actor,
    )
    version.file.save("upload", uploaded, save=False)
    version.save()
    document.current = version
    document.save(update_fields=["current", "updated_at"])
    return version


@transaction.atomic
def upload_evidence(
    org, actor, uploaded, *, title: str = "", description: str = "", review_date=None
) -> EvidenceDocument:
    """A new document in the library, its first version being ``uploaded``."""
    for name, text in (("title", title), ("description", description)):
        if "\x00" in (text or ""):
            raise invalid(name, "Text must not contain NUL characters.")
    sha, content_type = _hash_and_sniff(uploaded)
    duplicate = (
        EvidenceVersion.objects.for_org(org).filter(sha256=sha).select_related("document").first()
    )
    if duplicate is not None:
        raise Conflict(
            f"This file is already in the evidence library as {duplicate.document.title!r} "
            f"(version {duplicate.number}); link that document instead.",
            field_errors={"file": ["Duplicate of a document already in the library."]},
        )
    title = (title or "").strip() or (uploaded.name or "Untitled").rsplit(".", 1)[0]
    document = EvidenceDocument.objects.create(
        organisation=org,
        title=title[:200],
        description=(description or "").strip(),
        review_date=review_date,
        created_by=actor,
        updated_by=actor,
    )
    version = _store_version(org, actor, document, uploaded, sha, content_type)
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor,
        target=document,
        changes={
            **audit.diff({}, audit.snapshot(document, DOCUMENT_FIELDS)),
            "version": [None, version.number],
            "sha256": [None, sha],
            "file": [None, version.original_name],
        },
    )
    return document


def upload_or_link_evidence(org, actor, uploaded, **fields) -> EvidenceDocument:
    """Like ``upload_evidence``, but bytes already in the library give that document back."""
    try:
        return upload_evidence(org, actor, uploaded, **fields)
    except Conflict:
        sha, _content_type = _hash_and_sniff(uploaded)
        return EvidenceDocument.objects.for_org(org).filter(versions__sha256=sha).distinct().first()


@transaction.atomic
def upload_new_version(org, actor, document: EvidenceDocument, uploaded) -> EvidenceVersion:
    """A new upload of the same document: a new version; the old ones are kept."""
    concurrency.lock(document)
    sha, content_type = _hash_and_sniff(uploaded)
    if document.current and document.current.sha256 == sha:
        raise Conflict(
            "This file is identical to the current version.",
            field_errors={"file": ["Identical to the current version."]},
        )
    previous = document.current.number if document.current else None
    version = _store_version(org, actor, document, uploaded, sha, content_type)
    audit.record(
        Action.UPDATE,
        organisation=org,
        actor=actor,
        target=document,
        changes={"version": [previous, version.number], "sha256": [None, sha]},
    )
    return version


@transaction.atomic
def update_document(org, actor, document: EvidenceDocument, **fields) -> EvidenceDocument:
    concurrency.lock(document)
    refuse_unknown(fields, DOCUMENT_FIELDS)
    if "title" in fields and not (fields["title"] or "").strip():
        raise invalid("title", "A document needs a title.")
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    return _update_audited(org, actor, document, fields, DOCUMENT_FIELDS)


def record_download(org, actor, version: EvidenceVersion) -> None:
    audit.record(
        Action.EXPORT,
        organisation=org,
        actor=actor,
        target=version.document,
        changes={"downloaded_version": version.number, "sha256": version.sha256},
    )


def evidence_documents(org, q: str | None = None, expiring_within_days: int | None = None):
    docs = (
        EvidenceDocument.objects.for_org(org)
        .select_related("current")
        .annotate(linked=Count("answers", distinct=True))
        .order_by("title", "id")  # a count groups rows: the model's ordering is not used
    )
    for word in (q or "").split():
        docs = docs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if expiring_within_days is not None:
        limit = timezone.localdate() + datetime.timedelta(days=expiring_within_days)
        docs = docs.filter(review_date__lte=limit)
    return docs


# -- completeness and gaps -------------------------------------------------------------------
def _with_evidence_counts(answers, today: datetime.date):
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    return answers.annotate(
        evidence_count=Count("evidence", distinct=True),
        expired_count=Count("evidence", filter=Q(evidence__review_date__lt=today), distinct=True),
        expiring_count=Count(
            "evidence",
            filter=Q(evidence__review_date__gte=today, evidence__review_date__lte=soon),
            distinct=True,
        ),
    )


@dataclass
class Tally:
    number: int | None
    name: str
    total: int = 0
    answered: int = 0
    meets: int = 0
    not_applicable: int = 0
    musts_not_met: int = 0
    without_evidence: int = 0
    evidence_expired: int = 0
    evidence_expiring: int = 0

    @property
    def answered_pct(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def meets_pct(self) -> int:
        applicable = self.total - self.not_applicable
        return round(100 * self.meets / applicable) if applicable else 100


@dataclass
class Completeness:
    overall: Tally
    categories: list[Tally] = field(default_factory=list)


UNANSWERED = (AnswerStatus.NOT_STARTED, AnswerStatus.IN_PROGRESS)


def completeness(profile: SecurityProfile, today: datetime.date | None = None) -> Completeness:
    return completeness_by_profile([profile], today)[profile.pk]


def completeness_by_profile(profiles, today: datetime.date | None = None) -> dict:
    """Completeness of several profiles in one query (list pages and the dashboard)."""
    today = today or timezone.localdate()
    ids = [p.pk for p in profiles]
    answers = Answer.objects.filter(profile_id__in=ids, retired=False)
    rows = _with_evidence_counts(answers, today).values(
        "profile_id",
        "criterion__category",
        "criterion__requirement",
        "status",
        "evidence_count",
        "expired_count",
        "expiring_count",
    )
    result = {}
    tallies = {}
    for pid in ids:
        tallies[pid] = {n: Tally(n, category_name(n)) for n in CATEGORIES}
        result[pid] = Completeness(Tally(None, "All categories"))
    for row in rows:
        pid = row["profile_id"]
        for tally in (result[pid].overall, tallies[pid][row["criterion__category"]]):
            _count(tally, row)
    for pid in ids:
        result[pid].categories = [t for t in tallies[pid].values() if t.total]
    return result


def _count(tally: Tally, row: dict) -> None:
    status = row["status"]
    tally.total += 1
    tally.answered += status not in UNANSWERED
    tally.meets += status == AnswerStatus.MEETS
    tally.not_applicable += status == AnswerStatus.NOT_APPLICABLE
    tally.musts_not_met += row["criterion__requirement"] == Requirement.MUST and status not in (
        AnswerStatus.MEETS,
        AnswerStatus.NOT_APPLICABLE,
    )
    tally.without_evidence += status != AnswerStatus.NOT_APPLICABLE and row["evidence_count"] == 0
    tally.evidence_expired += row["expired_count"] > 0
    tally.evidence_expiring += row["expiring_count"] > 0


def gap_reasons(answer) -> list[str]:
    reasons = []
    status = answer.status
    if status in UNANSWERED:
        reasons.append("not answered")
    elif status in (AnswerStatus.PARTIALLY_MEETS, AnswerStatus.DOES_NOT_MEET):
        reasons.append(answer.get_status_display().lower())
    if status != AnswerStatus.NOT_APPLICABLE and answer.evidence_count == 0:
        reasons.append("no evidence")
    if answer.expired_count:
        reasons.append("evidence expired")
    elif answer.expiring_count:
        reasons.append(f"evidence expires within {EXPIRY_WARNING_DAYS} days")
    if answer.needs_review:
        reasons.append("needs review after a catalog change")
    return reasons


def gaps(
    profile: SecurityProfile,
    *,
    category: int | None = None,
    owner_id: int | None = None,
    requirement: str | None = None,
    today: datetime.date | None = None,
):
    """Answers that keep the profile from being complete: Musts first, then by criterion."""
    today = today or timezone.localdate()
    answers = _with_evidence_counts(active_answers(profile), today).filter(
        Q(status__in=[*UNANSWERED, AnswerStatus.PARTIALLY_MEETS, AnswerStatus.DOES_NOT_MEET])
        | (~Q(status=AnswerStatus.NOT_APPLICABLE) & Q(evidence_count=0))
        | Q(expired_count__gt=0)
        | Q(expiring_count__gt=0)
        | Q(needs_review=True)
    )
    if category:
        answers = answers.filter(criterion__category=category)
    if owner_id:
        answers = answers.filter(owner_id=owner_id)
    if requirement:
        answers = answers.filter(criterion__requirement=requirement)
    return answers.select_related("criterion", "owner").order_by(
        "criterion__requirement", "criterion__category", "criterion__number"
    )


# -- annual review ---------------------------------------------------------------------------
@dataclass
class ReviewWindow:
    anniversary: datetime.date | None
    opens_on: datetime.date | None
    days_left: int | None
    is_open: bool


def review_window(profile: SecurityProfile, today: datetime.date | None = None) -> ReviewWindow:
    today = today or timezone.localdate()
    if profile.anniversary_date is None:
        return ReviewWindow(None, None, None, False)
    anniversary = profile.anniversary_date
    opens_on = anniversary - datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    return ReviewWindow(anniversary, opens_on, (anniversary - today).days, opens_on <= today)


def open_review(profile: SecurityProfile) -> AnnualReview | None:
    return profile.reviews.filter(status=ReviewStatus.OPEN).first()


@transaction.atomic
def start_review(org, actor, profile: SecurityProfile, today=None) -> AnnualReview:
    concurrency.lock(profile)
    window = review_window(profile, today)
    if window.anniversary is None:
        raise invalid("anniversary_date", "Set the profile's anniversary date first.")
    if not window.is_open:
        raise Conflict(
            f"The annual review window opens on {window.opens_on:%Y-%m-%d}, "
            f"{REVIEW_WINDOW_DAYS} days before the anniversary."
        )
    if open_review(profile) is not None:
        raise Conflict("An annual review is already open for this profile.")
    review = AnnualReview(
        organisation=org,
        profile=profile,
        anniversary_date=window.anniversary,
        opens_on=window.opens_on,
        created_by=actor,
        updated_by=actor,
    )
    _save_unique(review, "anniversary_date", "This anniversary's review is already done.")
    audit.record(
        Action.CREATE,
        organisation=org,
        actor=actor,
        target=review,
        changes={"anniversary_date": [None, window.anniversary.isoformat()]},
    )
    return review


def _record_review_item(review, answer, actor, outcome) -> ReviewItem:
    snapshot = _answer_snapshot(answer)
    snapshot["status_label"] = answer.get_status_display()
    item, _ = ReviewItem.objects.update_or_create(
        review=review,
        answer=answer,
        defaults={
            "organisation_id": review.organisation_id,
            "outcome": outcome,
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "snapshot": snapshot,
            "updated_by": actor,
        },
        create_defaults={
            "organisation_id": review.organisation_id,
            "outcome": outcome,
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "snapshot": snapshot,
            "created_by": actor,
            "updated_by": actor,
        },
    )
    return item


@transaction.atomic
def affirm_answer(org, actor, review: AnnualReview, answer: Answer) -> ReviewItem:
    """Re-affirm a criterion unchanged in this year's review."""
    concurrency.lock(review)
    if review.status != ReviewStatus.OPEN:
        raise Conflict("This review is closed; past reviews are read-only.")
    if answer.profile_id != review.profile_id or answer.retired:
        raise NotFound("No such criterion in this review.")
    existing = review.items.filter(answer=answer).first()
    if existing and existing.outcome == ReviewOutcome.UPDATED:
        return existing  # an update made in the window already counts
    item = _record_review_item(review, answer, actor, ReviewOutcome.AFFIRMED)
    audit.record(
        Action.UPDATE,
        organisation=org,
        actor=actor,
        target=review,
        changes={"affirmed": answer.criterion.criterion_id},
    )
    return item


@transaction.atomic
def affirm_all_remaining(org, actor, review: AnnualReview) -> int:
    concurrency.lock(review)
    if review.status != ReviewStatus.OPEN:
        raise Conflict("This review is closed; past reviews are read-only.")
    remaining = active_answers(review.profile).exclude(review_items__review=review)
    count = 0
    for answer in remaining:
        _record_review_item(review, answer, actor, ReviewOutcome.AFFIRMED)
        count += 1
    if count:
        audit.record(
            Action.UPDATE, organisation=org, actor=actor, target=review, changes={"affirmed": count}
        )
    return count


@dataclass
class ReviewProgress:
    done: int
    total: int
    affirmed: int
    updated: int

    @property
    def pct(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def review_progress(review: AnnualReview) -> ReviewProgress:
    counts = dict(
        review.items.filter(answer__retired=False)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    affirmed = counts.get(ReviewOutcome.AFFIRMED, 0)
    updated = counts.get(ReviewOutcome.UPDATED, 0)
    return ReviewProgress(
        affirmed + updated, active_answers(review.profile).count(), affirmed, updated
    )


@transaction.atomic
def complete_review(org, actor, review: AnnualReview) -> AnnualReview:
    concurrency.lock(review)
    if review.status != ReviewStatus.OPEN:
        raise Conflict("This review is already completed.")
    progress = review_progress(review)
    if progress.done < progress.total:
        raise Conflict(
            f"{progress.total - progress.done} criteria are neither re-affirmed nor updated yet."
        )
    review.status = ReviewStatus.COMPLETED
    review.completed_at = timezone.now()
    review.completed_by = actor
    review.updated_by = actor
    review.save()
    profile = concurrency.lock(review.profile)
    profile.anniversary_date = _next_year(review.anniversary_date)
    profile.save(update_fields=["anniversary_date", "updated_at"])
    audit.record(
        Action.UPDATE,
        organisation=org,
        actor=actor,
        target=review,
        changes={
            "status": [ReviewStatus.OPEN, ReviewStatus.COMPLETED],
            "affirmed": progress.affirmed,
            "updated": progress.updated,
            "next_anniversary": profile.anniversary_date.isoformat(),
        },
    )
    return review


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# -- moving a profile to a newer MSC version -------------------------------------------------
@dataclass
class MigrationResult:
    kept: int
    flagged: int
    added: int
    retired: int


@transaction.atomic
def migrate_profile(org, actor, profile: SecurityProfile, target: CriteriaSet) -> MigrationResult:
    """Keep answers to unchanged criteria; flag reworded and new ones for review."""
    concurrency.lock(profile)
    if target.entity_type != profile.entity_type:
        raise invalid("criteria_set", "The new version must be for the same entity type.")
    if target.pk == profile.criteria_set_id:
        raise Conflict("The profile already uses this version.")
    changes = catalog.compare(profile.criteria_set, target)
    new_by_id = {c.criterion_id: c for c in target.criteria.all()}
    reworded = {r.criterion_id for r in changes.reworded}
    kept = flagged = retired = 0
    for answer in concurrency.lock_all(profile.answers.select_related("criterion")):
        cid = answer.criterion.criterion_id
        if answer.retired:
            continue
        if cid in new_by_id:
            answer.criterion = new_by_id[cid]
            if cid in reworded:
                answer.needs_review = True
                answer.review_note = f"Reworded in MSC {target.msc_version}"
                flagged += 1
            else:
                kept += 1
        else:
            answer.retired = True
            answer.review_note = f"Not in MSC {target.msc_version}"
            retired += 1
        answer.updated_by = actor
        answer.save()
    existing = set(profile.answers.values_list("criterion__criterion_id", flat=True))
    new_answers = [
        Answer(
            organisation=org,
            profile=profile,
            criterion=criterion,
            needs_review=True,
            review_note=f"New in MSC {target.msc_version}",
            created_by=actor,
            updated_by=actor,
        )
        for cid, criterion in new_by_id.items()
        if cid not in existing
    ]
    Answer.objects.bulk_create(new_answers)
    old = profile.criteria_set
    profile.criteria_set = target
    profile.updated_by = actor
    profile.save()
    result = MigrationResult(kept, flagged, len(new_answers), retired)
    audit.record(
        Action.UPDATE,
        organisation=org,
        actor=actor,
        target=profile,
        changes={
            "criteria_set": [str(old), str(target)],
            "kept": kept,
            "flagged": flagged,
            "added": len(new_answers),
            "retired": retired,
        },
    )
    return result


def newer_versions(profile: SecurityProfile):
    return CriteriaSet.objects.filter(
        entity_type=profile.entity_type, msc_version__gt=profile.criteria_set.msc_version
    ).order_by("-msc_version")


@dataclass
class DashboardRow:
    profile: SecurityProfile
    completeness: Tally
    window: ReviewWindow
    review_progress: ReviewProgress | None


def dashboard(org, today: datetime.date | None = None) -> dict:
    """What the overview shows about the security profiles, in a fixed number of queries."""
    today = today or timezone.localdate()
    profiles = list(
        SecurityProfile.objects.for_org(org).select_related("criteria_set", "site")[:20]
    )
    tallies = completeness_by_profile(profiles, today)
    open_reviews = {
        r.profile_id: r
        for r in AnnualReview.objects.for_org(org).filter(
            status=ReviewStatus.OPEN, profile__in=profiles
        )
    }
    outcomes: dict[int, dict[str, int]] = {}
    for review_id, outcome, n in (
        ReviewItem.objects.filter(review__in=open_reviews.values(), answer__retired=False)
        .values_list("review_id", "outcome")
        .annotate(n=Count("id"))
        .values_list("review_id", "outcome", "n")
    ):
        outcomes.setdefault(review_id, {})[outcome] = n
    rows = []
    for profile in profiles:
        review = open_reviews.get(profile.pk)
        progress = None
        if review is not None:
            counts = outcomes.get(review.pk, {})
            affirmed = counts.get(ReviewOutcome.AFFIRMED, 0)
            updated = counts.get(ReviewOutcome.UPDATED, 0)
            total = tallies[profile.pk].overall.total
            progress = ReviewProgress(affirmed + updated, total, affirmed, updated)
        rows.append(
            DashboardRow(
                profile, tallies[profile.pk].overall, review_window(profile, today), progress
            )
        )
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    return {
        "profiles": rows,
        "evidence_expiring": EvidenceDocument.objects.for_org(org)
        .filter(review_date__lte=soon)
        .count(),
    }
