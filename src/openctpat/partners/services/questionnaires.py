"""Questionnaires sent to partners: the link, its email, and the partner's answers."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from openctpat.core import audit, concurrency
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import clean_text as _text
from openctpat.core.errors import Conflict, NotFound, ValidationFailed, invalid
from openctpat.profiles import services as profile_services

from .. import providers
from ..models import (
    BusinessPartner,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireStatus,
    QuestionnaireTemplate,
    Reply,
)
from .tiers import recompute_tiers

LINK_TTL_DAYS = 60


def _token(questionnaire_pk: int, nonce: str) -> str:
    """The link's token: derived from a random nonce with the server's secret key, so the
    reminder emails can repeat it while only its hash is stored."""
    msg = f"partner-link:{questionnaire_pk}:{nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()
    return f"{questionnaire_pk}-{digest}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(q: Questionnaire) -> str:
    return f"/partner-link/{q.organisation_id}/{_token(q.pk, q.link_nonce)}/"


def link_url(q: Questionnaire, base_url: str = "") -> str:
    return (base_url or settings.CTPAT_BASE_URL).rstrip("/") + link_path(q)


def _new_link(q: Questionnaire, days: int) -> None:
    q.link_nonce = secrets.token_hex(32)
    q.token_hash = _hash(_token(q.pk, q.link_nonce))
    q.link_expires_at = timezone.now() + datetime.timedelta(days=days)
    q.revoked_at = None


def _email_link(q: Questionnaire, base_url: str, reminder: bool = False) -> None:
    org = q.organisation
    first = "Reminder: " if reminder else ""
    send_mail(
        subject=f"{first}{org.name} security questionnaire for {q.partner.legal_name}",
        message=(
            f"Dear {q.contact_name},\n\n{org.name} asks {q.partner.legal_name} to answer a "
            f"supply-chain security questionnaire (CTPAT business-partner requirements) by "
            f"{q.due_date:%Y-%m-%d}.\n\nOpen it here (no account needed): "
            f"{link_url(q, base_url)}\n\nYou can save a draft and come back until "
            f"{q.link_expires_at:%Y-%m-%d}. Do not forward this link: anyone holding it can "
            f"answer for your company.\n"
        ),
        from_email=None,
        recipient_list=[q.contact_email],
    )


@transaction.atomic
def send_questionnaire(
    org,
    actor,
    partner: BusinessPartner,
    template: QuestionnaireTemplate,
    *,
    contact_name: str,
    contact_email: str,
    due_date: datetime.date,
    valid_days: int = LINK_TTL_DAYS,
    base_url: str = "",
) -> tuple[Questionnaire, str]:
    """Copy the template's questions for the partner and email the link.

    Returns the questionnaire and its link (shown once to the sender).
    """
    concurrency.lock(template)
    fields = {"contact_name": contact_name, "contact_email": (contact_email or "").lower()}
    _text(fields, "contact_name", 200, required=True)
    _text(fields, "contact_email", 254, required=True)
    try:
        validate_email(fields["contact_email"])
    except DjangoValidationError as exc:
        raise invalid("contact_email", "Enter a valid email address.") from exc
    if template.organisation_id != org.pk:
        raise NotFound("No such template.")
    if due_date < timezone.localdate():
        raise invalid("due_date", "The due date cannot be in the past.")
    if not 1 <= valid_days <= 365:
        raise invalid("valid_days", "A link is valid for 1 to 365 days.")
    questions = list(template.questions.all())
    if not questions:
        raise invalid("template_id", "The template has no questions.")
    q = Questionnaire(
        organisation=org,
        partner=partner,
        template=template,
        template_version=template.version,
        title=template.name,
        due_date=due_date,
        created_by=actor,
        updated_by=actor,
        token_hash=secrets.token_hex(32),  # replaced below once the pk is known
        link_nonce="",
        link_expires_at=timezone.now(),
        **fields,
    )
    q.save()
    _new_link(q, valid_days)
    q.save()
    QuestionnaireItem.objects.bulk_create(
        QuestionnaireItem(
            organisation=org,
            questionnaire=q,
            position=n,
            text=t.text,
            reference=t.reference,
            criterion_id=t.criterion_id,
            must=t.must,
        )
        for n, t in enumerate(questions, start=1)
    )
    template.sent_version = template.version
    template.save(update_fields=["sent_version", "updated_at"])
    audit.record(
        AuditAction.INVITE_SENT,
        organisation=org,
        actor=actor,
        target=q,
        changes={
            "partner": partner.pk,
            "contact_email": [None, q.contact_email],
            "template_version": q.template_version,
            "link_expires_at": [None, q.link_expires_at.isoformat()],
        },
    )
    _email_link(q, base_url)
    return q, link_url(q, base_url)


@transaction.atomic
def revoke_link(org, actor, q: Questionnaire) -> Questionnaire:
    concurrency.lock(q)
    if q.revoked_at:
        raise Conflict("This link is already revoked.")
    q.revoked_at = timezone.now()
    if q.status in (QuestionnaireStatus.SENT, QuestionnaireStatus.IN_PROGRESS):
        q.status = QuestionnaireStatus.REVOKED
    q.updated_by = actor
    q.save()
    audit.record(AuditAction.INVITE_REVOKED, organisation=org, actor=actor, target=q)
    return q


@transaction.atomic
def reissue_link(org, actor, q: Questionnaire, *, valid_days=LINK_TTL_DAYS, base_url="") -> str:
    """A new link (the old one stops working), emailed again; answers so far are kept."""
    concurrency.lock(q)
    if q.status in (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.REVIEWED):
        raise Conflict("The partner has submitted this questionnaire; the link is closed.")
    _new_link(q, valid_days)
    answered = q.items.exclude(reply="").exists()
    q.status = QuestionnaireStatus.IN_PROGRESS if answered else QuestionnaireStatus.SENT
    q.updated_by = actor
    q.save()
    audit.record(
        AuditAction.INVITE_SENT,
        organisation=org,
        actor=actor,
        target=q,
        changes={"reissued": True, "link_expires_at": q.link_expires_at.isoformat()},
    )
    _email_link(q, base_url)
    return link_url(q, base_url)


class LinkRefused(Exception):
    """The partner link does not open: unknown, expired, revoked or of another organisation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def questionnaire_for_link(organisation_id: int, token: str) -> Questionnaire:
    """The questionnaire a partner link opens, or LinkRefused.

    The token is compared by hash only; an unknown token and a token of another
    organisation are refused alike, so a link does not reveal whether it exists elsewhere.
    """
    if not token or len(token) > 200:
        raise LinkRefused("unknown")
    q = (
        Questionnaire.objects.select_related("organisation", "partner")
        .filter(token_hash=_hash(token), organisation_id=organisation_id)
        .first()
    )
    if q is None or not hmac.compare_digest(q.token_hash, _hash(token)):
        raise LinkRefused("unknown")
    if q.revoked_at or q.status == QuestionnaireStatus.REVOKED:
        raise LinkRefused("revoked")
    if q.link_expires_at <= timezone.now():
        raise LinkRefused("expired")
    return q


def _partner_actor(q: Questionnaire) -> str:
    return f"partner link: {q.contact_email}"


def _ensure_answerable(q: Questionnaire) -> None:
    if q.status in (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.REVIEWED):
        raise Conflict("This questionnaire was submitted and can no longer be changed.")


@transaction.atomic
def partner_save(
    q: Questionnaire, replies: dict[int, dict], files: dict | None = None, *, submit=False
) -> Questionnaire:
    """The partner's draft or submission. ``replies``: item id -> {reply, comment}.

    Only this questionnaire's items can be written; any other id is refused.
    """
    concurrency.lock(q)
    _ensure_answerable(q)
    items = {i.pk: i for i in concurrency.lock_all(q.items.all())}
    unknown = (set(replies) | set(files or {})) - set(items)
    if unknown:
        raise ValidationFailed("The form names questions that are not in this questionnaire.")
    changed = []
    for pk, data in replies.items():
        item = items[pk]
        reply = data.get("reply", item.reply) or ""
        comment = (data.get("comment", item.comment) or "").strip()
        if reply not in ("", *Reply.values):
            raise invalid(f"reply_{pk}", "Answer yes, partially, no or not applicable.")
        if "\x00" in comment or len(comment) > 5000:
            raise invalid(f"comment_{pk}", "A comment is at most 5,000 characters.")
        if (reply, comment) != (item.reply, item.comment):
            item.reply, item.comment = reply, comment
            changed.append(item)
    for pk, uploaded in (files or {}).items():
        _attach_partner_file(q, items[pk], uploaded)
    QuestionnaireItem.objects.bulk_update(changed, ["reply", "comment", "updated_at"])
    if q.opened_at is None:
        q.opened_at = timezone.now()
    if submit:
        missing = [i for i in items.values() if not i.reply]
        if missing:
            refs = ", ".join(i.reference or str(i.position) for i in missing[:10])
            raise ValidationFailed(
                f"Answer every question before submitting ({len(missing)} open: {refs}).",
                field_errors={f"reply_{i.pk}": ["Required to submit."] for i in missing},
            )
        q.status = QuestionnaireStatus.SUBMITTED
        q.submitted_at = timezone.now()
        q.score = questionnaire_score(list(items.values()))
    elif q.status == QuestionnaireStatus.SENT:
        q.status = QuestionnaireStatus.IN_PROGRESS
    q.save()
    audit.record(
        AuditAction.UPDATE,
        organisation=q.organisation,
        actor=_partner_actor(q),
        target=q,
        changes={
            "answered": len(changed),
            "files": len(files or {}),
            **({"status": [None, "submitted"], "score": q.score} if submit else {}),
        },
    )
    if submit:
        _notify_submitted(q)
        recompute_tiers(q.organisation, [q.partner])
        providers.questionnaire_submitted.send(
            Questionnaire, organisation=q.organisation, partner=q.partner
        )
    return q


def _attach_partner_file(q: Questionnaire, item: QuestionnaireItem, uploaded) -> None:
    """A partner's file goes to the evidence library (same checks as any upload)."""
    org = q.organisation
    title = f"{q.partner.legal_name} · questionnaire {q.pk} · {item.reference or item.position}"
    # Same bytes already in the library: link it, without telling the partner more.
    document = profile_services.upload_or_link_evidence(
        org, None, uploaded, title=title[:200], description=f"Uploaded by {q.contact_email}"
    )
    item.document = document
    item.file_name = (uploaded.name or "upload")[-255:]
    item.save(update_fields=["document", "file_name", "updated_at"])
    q.partner.documents.add(document)


def questionnaire_score(items) -> int | None:
    """Percent of applicable questions met: yes counts 1, partially a half."""
    applicable = [i for i in items if i.reply and i.reply != Reply.NOT_APPLICABLE]
    if not applicable:
        return None
    points = sum(
        1 if i.reply == Reply.YES else 0.5 if i.reply == Reply.PARTIAL else 0 for i in applicable
    )
    return round(100 * points / len(applicable))


def _notify_submitted(q: Questionnaire) -> None:
    from openctpat.core.reminders import owner_emails

    recipients = [q.created_by.email] if q.created_by else owner_emails(q.organisation)
    send_mail(
        subject=f"[OpenCTPAT] {q.partner.legal_name} submitted its security questionnaire",
        message=(
            f"{q.contact_name} ({q.contact_email}) submitted {q.title!r} for "
            f"{q.partner.legal_name}: {q.score if q.score is not None else '-'}% met. "
            "Open OpenCTPAT to review the answers."
        ),
        from_email=None,
        recipient_list=recipients,
    )
