"""Review of a submitted questionnaire: weaknesses marked, review completed."""

from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import Conflict

from ..models import Questionnaire, QuestionnaireItem, QuestionnaireStatus, Reply
from .tiers import recompute_tiers

REVIEW_FIELDS = ("weakness", "weakness_closed", "review_note")


def _ensure_submitted(q: Questionnaire) -> None:
    if q.status not in (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.REVIEWED):
        raise Conflict("Review starts once the partner has submitted the questionnaire.")


@transaction.atomic
def review_item(org, actor, item: QuestionnaireItem, **fields) -> QuestionnaireItem:
    concurrency.lock(item)
    _ensure_submitted(item.questionnaire)
    refuse_unknown(fields, REVIEW_FIELDS)
    _text(fields, "review_note", 5000)
    if fields.get("weakness") is False:
        fields["weakness_closed"] = False
    audit.update_audited(org, actor, item, fields, REVIEW_FIELDS)
    recompute_tiers(org, [item.questionnaire.partner])
    return item


def suggested_weaknesses(q: Questionnaire):
    return q.items.filter(reply__in=[Reply.NO, Reply.PARTIAL], weakness=False)


@transaction.atomic
def mark_suggested_weaknesses(org, actor, q: Questionnaire) -> int:
    """Every 'no' and 'partially' becomes a weakness (the reviewer can undo each)."""
    concurrency.lock(q)
    _ensure_submitted(q)
    items = list(suggested_weaknesses(q))
    for item in items:
        audit.update_audited(org, actor, item, {"weakness": True}, REVIEW_FIELDS)
    recompute_tiers(org, [q.partner])
    return len(items)


@transaction.atomic
def complete_review(org, actor, q: Questionnaire, *, summary: str = "") -> Questionnaire:
    concurrency.lock(q)
    _ensure_submitted(q)
    fields = {"review_summary": summary}
    _text(fields, "review_summary", 10000)
    before = audit.snapshot(q, ("status", "review_summary"))
    q.status = QuestionnaireStatus.REVIEWED
    q.review_summary = fields["review_summary"]
    q.reviewed_at = timezone.now()
    q.reviewed_by = actor
    q.updated_by = actor
    q.save()
    audit.record_changes(
        AuditAction.UPDATE,
        org,
        actor,
        q,
        audit.diff(before, audit.snapshot(q, ("status", "review_summary"))),
    )
    partner = concurrency.lock(q.partner)
    partner.last_assessed_on = timezone.localdate()
    partner.save(update_fields=["last_assessed_on", "updated_at"])
    recompute_tiers(org, [partner])
    return q
