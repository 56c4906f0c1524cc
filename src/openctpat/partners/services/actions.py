"""Follow-up actions on a partner, closing the weakness they answer when done."""

from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.cleaning import check_member as _check_owner
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.cleaning import create_audited as _create_audited
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.errors import invalid

from ..models import ActionStatus, BusinessPartner, FollowUpAction
from .review import REVIEW_FIELDS
from .tiers import recompute_tiers

ACTION_FIELDS = (
    "title",
    "description",
    "owner",
    "partner_contact",
    "due_date",
    "status",
    "completion_note",
)


# -- registry --------------------------------------------------------------------------------
def _clean_action(org, fields: dict, partner: BusinessPartner) -> dict:
    refuse_unknown(fields, (*ACTION_FIELDS, "item"))
    _text(fields, "title", 200, required=True)
    for name, limit in (("description", 5000), ("partner_contact", 200), ("completion_note", 5000)):
        _text(fields, name, limit)
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise invalid("status", "Choose open, in progress, done or cancelled.")
    _check_owner(org, fields.get("owner"))
    item = fields.get("item")
    if item is not None and item.questionnaire.partner_id != partner.pk:
        raise invalid("item_id", "The question belongs to another partner's questionnaire.")
    return fields


def _close_weakness_when_done(org, actor, action: FollowUpAction) -> None:
    if action.status != ActionStatus.DONE or action.item is None:
        return
    others_open = action.item.actions.exclude(pk=action.pk).filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    )
    if action.item.weakness and not others_open.exists():
        audit.update_audited(org, actor, action.item, {"weakness_closed": True}, REVIEW_FIELDS)


@transaction.atomic
def create_action(org, actor, partner: BusinessPartner, **fields) -> FollowUpAction:
    if not fields.get("title"):
        raise invalid("title", "An action needs a title.")
    fields = _clean_action(org, dict(fields), partner)
    action = _create_audited(
        org, actor, FollowUpAction, (*ACTION_FIELDS, "item"), partner=partner, **fields
    )
    if action.item and not action.item.weakness:
        audit.update_audited(org, actor, action.item, {"weakness": True}, REVIEW_FIELDS)
        recompute_tiers(org, [partner])
    return action


@transaction.atomic
def update_action(org, actor, action: FollowUpAction, **fields) -> FollowUpAction:
    concurrency.lock(action)
    fields = _clean_action(org, dict(fields), action.partner)
    if fields.get("status") == ActionStatus.DONE and action.status != ActionStatus.DONE:
        fields["completed_at"] = timezone.now()
    audit.update_audited(org, actor, action, fields, ACTION_FIELDS)
    _close_weakness_when_done(org, actor, action)
    recompute_tiers(org, [action.partner])
    return action


@transaction.atomic
def delete_action(org, actor, action: FollowUpAction) -> None:
    audit.delete_audited(org, actor, action, ACTION_FIELDS)
