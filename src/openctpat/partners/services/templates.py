"""Questionnaire templates: one question per MSC criterion of the partner type, versioned."""

from django.db import transaction

from openctpat.catalog.services import latest_criteria_set
from openctpat.core import audit, concurrency
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.cleaning import create_audited as _create_audited
from openctpat.core.cleaning import refuse_unknown
from openctpat.core.ctpat import EntityType
from openctpat.core.errors import invalid

from ..models import PARTNER_TYPE_LABELS, QuestionnaireTemplate, TemplateQuestion

TEMPLATE_FIELDS = ("name", "instructions")
# Which catalog a partner type's questionnaire starts from.
CATALOG_FOR_TYPE = {
    **{t: t for t in EntityType.values},
    "supplier": EntityType.FOREIGN_MANUFACTURER,
    "agent": EntityType.CONSOLIDATOR,
    "service_provider": EntityType.THIRD_PARTY_LOGISTICS,
}


# -- registry --------------------------------------------------------------------------------
def question_text(criterion) -> str:
    return criterion.summary.strip()


@transaction.atomic
def create_template(
    org, actor, *, partner_type: str, name: str = "", entity_type: str | None = None
) -> QuestionnaireTemplate:
    """A template with one question per criterion of the partner type's MSC catalog."""
    if partner_type not in PARTNER_TYPE_LABELS:
        raise invalid("partner_type", "Choose one of the partner types.")
    entity_type = entity_type or CATALOG_FOR_TYPE[partner_type]
    if entity_type not in EntityType.values:
        raise invalid("entity_type", "Choose a CTPAT entity type.")
    criteria_set = latest_criteria_set(entity_type)
    if criteria_set is None:
        raise invalid("entity_type", "No MSC catalog is loaded for this entity type.")
    fields = {"name": name or f"{PARTNER_TYPE_LABELS[partner_type]} security questionnaire"}
    _text(fields, "name", 200, required=True)
    template = _create_audited(
        org,
        actor,
        QuestionnaireTemplate,
        ("name", "partner_type", "criteria_set", "version"),
        name=fields["name"],
        partner_type=partner_type,
        criteria_set=criteria_set,
        instructions=(
            "Answer each question for the facilities and services you provide to us. "
            "Add a comment or a document where it helps. You can save and come back."
        ),
    )
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(
            organisation=org,
            template=template,
            position=i,
            text=question_text(c),
            criterion=c,
            reference=c.criterion_id,
            must=c.is_must,
            created_by=actor,
            updated_by=actor,
        )
        for i, c in enumerate(criteria_set.criteria.order_by("category", "number"), start=1)
    )
    return template


def _bump_version(template: QuestionnaireTemplate) -> None:
    """An edit after the template was sent starts a new version."""
    if template.sent_version == template.version:
        template.version += 1
        template.save(update_fields=["version", "updated_at"])


@transaction.atomic
def update_template(org, actor, template, **fields) -> QuestionnaireTemplate:
    concurrency.lock(template)
    refuse_unknown(fields, TEMPLATE_FIELDS)
    _text(fields, "name", 200, required=True)
    _text(fields, "instructions", 5000)
    _bump_version(template)
    return audit.update_audited(org, actor, template, fields, ("name", "instructions", "version"))


QUESTION_FIELDS = ("text", "reference", "must", "position")


def _clean_question(fields: dict) -> dict:
    refuse_unknown(fields, QUESTION_FIELDS)
    _text(fields, "text", 2000, required=True)
    _text(fields, "reference", 20)
    return fields


@transaction.atomic
def add_question(org, actor, template, **fields) -> TemplateQuestion:
    concurrency.lock(template)
    if not fields.get("text"):
        raise invalid("text", "A question needs its text.")
    fields = _clean_question(dict(fields))
    last = template.questions.order_by("-position").values_list("position", flat=True).first()
    fields.setdefault("position", (last or 0) + 1)
    _bump_version(template)
    return _create_audited(
        org, actor, TemplateQuestion, QUESTION_FIELDS, template=template, **fields
    )


@transaction.atomic
def update_question(org, actor, question: TemplateQuestion, **fields) -> TemplateQuestion:
    concurrency.lock(question.template)
    fields = _clean_question(dict(fields))
    _bump_version(question.template)
    return audit.update_audited(org, actor, question, fields, QUESTION_FIELDS)


@transaction.atomic
def delete_question(org, actor, question: TemplateQuestion) -> None:
    concurrency.lock(question.template)
    _bump_version(question.template)
    audit.delete_audited(org, actor, question, QUESTION_FIELDS)
