"""Incidents: CBP deadlines, notifications, corrective actions and closure."""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from openctpat.core import audit
from openctpat.core.audit import Action as AuditAction
from openctpat.core.cleaning import check_member, clean_text, create_audited, refuse_unknown
from openctpat.core.errors import Conflict, invalid
from openctpat.core.filters import narrowed
from openctpat.core.models import ActionStatus
from openctpat.core.reminders import owner_emails
from openctpat.profiles import services as profile_services
from openctpat.profiles.models import EvidenceDocument

from ..models import (
    CBP_REPORTABLE,
    CorrectiveAction,
    Incident,
    IncidentNotification,
    IncidentStatus,
    IncidentType,
    NotificationMethod,
    NotifiedParty,
    Severity,
)
from .org_settings import _lock_open, _require_owner, _same_org, settings_for

INCIDENT_FIELDS = (
    "title",
    "incident_type",
    "occurred_at",
    "site",
    "inspection",
    "seal",
    "shipment_reference",
    "partner",
    "description",
    "severity",
    "investigation_notes",
    "root_cause",
)
INCIDENT_AUDITED = (
    *INCIDENT_FIELDS,
    "status",
    "cbp_reportable",
    "cbp_report_due_at",
    "cbp_reported_at",
    "cbp_report_reference",
    "closed_at",
    "closure_note",
)
NOTIFICATION_FIELDS = ("party", "contact", "notified_at", "method", "reference", "note")
CORRECTIVE_FIELDS = ("title", "description", "owner", "due_date", "status", "completion_note")


def _clean_incident(org, fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, INCIDENT_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "description", 20000, required=True)
    clean_text(fields, "shipment_reference", 60)
    clean_text(fields, "investigation_notes", 20000)
    clean_text(fields, "root_cause", 5000)
    if "incident_type" in fields and fields["incident_type"] not in IncidentType.values:
        raise invalid("incident_type", "Choose one of the incident types.")
    if "severity" in fields and fields["severity"] not in Severity.values:
        raise invalid("severity", "Choose low, medium, high or critical.")
    if fields.get("occurred_at") and fields["occurred_at"] > timezone.now() + datetime.timedelta(
        hours=1
    ):
        raise invalid("occurred_at", "An incident cannot be in the future.")
    for name, what in (
        ("site", "site"),
        ("inspection", "inspection"),
        ("seal", "seal"),
        ("partner", "business partner"),
    ):
        _same_org(org, fields.get(name), f"{name}_id", what)
    return fields


def _deadline(org, incident: Incident) -> None:
    """MSC 7.23: reportable incidents go to CBP as soon as possible; policy sets the hours."""
    incident.cbp_reportable = incident.incident_type in CBP_REPORTABLE
    if incident.cbp_reportable:
        hours = settings_for(org).cbp_report_hours
        incident.cbp_report_due_at = incident.occurred_at + datetime.timedelta(hours=hours)
    else:
        incident.cbp_report_due_at = None


@transaction.atomic
def create_incident(org, actor, **fields) -> Incident:
    for required in ("title", "incident_type", "description"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields.setdefault("occurred_at", timezone.now())
    fields = _clean_incident(org, fields)
    incident = Incident(organisation=org, created_by=actor, updated_by=actor, **fields)
    _deadline(org, incident)
    incident.save()
    audit.record_created(org, actor, incident, INCIDENT_AUDITED)
    _escalate(org, incident)
    return incident


def _escalate(org, incident: Incident) -> None:
    """Internal escalation (MSC 7.23): every owner hears of a new incident at once."""
    recipients = owner_emails(org)
    if not recipients:
        return
    lines = [
        f"A security incident was recorded: {incident}.",
        f"Severity: {incident.get_severity_display()}.",
        f"Occurred: {incident.occurred_at:%Y-%m-%d %H:%M}.",
    ]
    if incident.cbp_reportable:
        lines.append(
            f"This type must be reported to CBP by {incident.cbp_report_due_at:%Y-%m-%d %H:%M} "
            "(MSC 7.23: as soon as possible and before the border crossing)."
        )
    transaction.on_commit(
        lambda: send_mail(
            f"[OpenCTPAT] Security incident: {incident.title}",
            "\n".join(lines),
            None,
            recipients,
            fail_silently=True,
        )
    )


def _ensure_incident_open(incident: Incident) -> None:
    _lock_open(incident, incident.is_closed, "This incident is closed; it can no longer change.")


@transaction.atomic
def update_incident(org, actor, incident: Incident, **fields) -> Incident:
    _ensure_incident_open(incident)
    fields = _clean_incident(org, fields)
    if fields.get("investigation_notes") and incident.status == IncidentStatus.OPEN:
        fields["status"] = IncidentStatus.INVESTIGATING
    if "incident_type" in fields or "occurred_at" in fields:
        probe = Incident(
            incident_type=fields.get("incident_type", incident.incident_type),
            occurred_at=fields.get("occurred_at", incident.occurred_at),
        )
        _deadline(org, probe)
        fields["cbp_reportable"] = probe.cbp_reportable
        fields["cbp_report_due_at"] = probe.cbp_report_due_at
    return audit.update_audited(org, actor, incident, fields, INCIDENT_AUDITED)


@transaction.atomic
def add_notification(org, actor, incident: Incident, **fields) -> IncidentNotification:
    """Record who was told; telling CBP is what meets the reporting deadline."""
    _ensure_incident_open(incident)
    refuse_unknown(fields, NOTIFICATION_FIELDS)
    for required in ("party", "contact", "method"):
        if not fields.get(required):
            raise invalid(required, "This field is required.")
    fields.setdefault("notified_at", timezone.now())
    if fields["party"] not in NotifiedParty.values:
        raise invalid("party", "Choose who was notified.")
    if fields["method"] not in NotificationMethod.values:
        raise invalid("method", "Choose how they were notified.")
    clean_text(fields, "contact", 200, required=True)
    clean_text(fields, "reference", 120)
    clean_text(fields, "note", 2000)
    if fields["notified_at"] > timezone.now() + datetime.timedelta(hours=1):
        raise invalid("notified_at", "A notification cannot be in the future.")
    notification = create_audited(
        org, actor, IncidentNotification, NOTIFICATION_FIELDS, incident=incident, **fields
    )
    if fields["party"] == NotifiedParty.CBP and incident.cbp_reported_at is None:
        audit.update_audited(
            org,
            actor,
            incident,
            {
                "cbp_reported_at": fields["notified_at"],
                "cbp_report_reference": fields.get("reference", ""),
            },
            INCIDENT_AUDITED,
        )
    return notification


def attach_files(org, actor, incident: Incident, uploads) -> list[EvidenceDocument]:
    documents = []
    with transaction.atomic():
        _ensure_incident_open(incident)
        for uploaded in uploads:
            title = f"Incident {incident.pk}: {uploaded.name}"[:200]
            documents.append(profile_services.upload_evidence(org, actor, uploaded, title=title))
        incident.files.add(*documents)
        changes = {"files": [None, [d.pk for d in documents]]}
        audit.record_changes(AuditAction.UPDATE, org, actor, incident, changes)
    return documents


def _clean_corrective(org, fields: dict) -> dict:
    fields = dict(fields)
    refuse_unknown(fields, CORRECTIVE_FIELDS)
    clean_text(fields, "title", 200, required=True)
    clean_text(fields, "description", 5000)
    clean_text(fields, "completion_note", 5000)
    if "status" in fields and fields["status"] not in ActionStatus.values:
        raise invalid("status", "Choose open, in progress, done or cancelled.")
    check_member(org, fields.get("owner"))
    return fields


def _risk_plan(org):
    from openctpat.risk.models import Assessment

    return Assessment.objects.for_org(org).order_by("-assessment_date", "-id").first()


@transaction.atomic
def add_corrective_action(
    org, actor, incident: Incident, *, on_risk_plan: bool = False, **fields
) -> CorrectiveAction:
    """A corrective action; ``on_risk_plan`` also puts it on the latest risk assessment's plan."""
    _ensure_incident_open(incident)
    if not fields.get("title"):
        raise invalid("title", "An action needs a title.")
    fields = _clean_corrective(org, fields)
    risk_action = None
    if on_risk_plan:
        from openctpat.risk import services as risk_services

        assessment = _risk_plan(org)
        if assessment is None:
            raise invalid(
                "on_risk_plan", "There is no risk assessment yet whose action plan could take it."
            )
        risk_action = risk_services.create_action(
            org,
            actor,
            assessment,
            title=fields["title"],
            description=f"From incident {incident.pk}: {incident.title}. "
            + fields.get("description", ""),
            owner=fields.get("owner"),
            due_date=fields.get("due_date"),
        )
    action = create_audited(
        org,
        actor,
        CorrectiveAction,
        (*CORRECTIVE_FIELDS, "risk_action"),
        incident=incident,
        risk_action=risk_action,
        **fields,
    )
    if incident.status == IncidentStatus.OPEN:
        audit.update_audited(
            org, actor, incident, {"status": IncidentStatus.INVESTIGATING}, INCIDENT_AUDITED
        )
    return action


@transaction.atomic
def update_corrective_action(org, actor, action: CorrectiveAction, **fields) -> CorrectiveAction:
    _ensure_incident_open(action.incident)  # closing settled every action; they stay settled
    fields = _clean_corrective(org, fields)
    if fields.get("status") == ActionStatus.DONE and action.status != ActionStatus.DONE:
        fields["completed_at"] = timezone.now()
    elif fields.get("status") not in (None, ActionStatus.DONE):
        fields["completed_at"] = None
    audit.update_audited(org, actor, action, fields, (*CORRECTIVE_FIELDS, "completed_at"))
    if action.risk_action_id and "status" in fields:
        from openctpat.risk import services as risk_services

        risk_services.update_action(
            org,
            actor,
            action.risk_action,
            status=fields["status"],
            completion_note=fields.get("completion_note", action.completion_note),
        )
    return action


@transaction.atomic
def close_incident(
    org, actor, incident: Incident, role: str, *, root_cause: str, closure_note: str
) -> Incident:
    """Sign-off: a cause is found, CBP told where required, every corrective action settled."""
    _require_owner(role, "close an incident")
    _ensure_incident_open(incident)
    values = {"root_cause": root_cause, "closure_note": closure_note}
    clean_text(values, "root_cause", 5000, required=True)
    clean_text(values, "closure_note", 5000, required=True)
    if incident.cbp_reportable and incident.cbp_reported_at is None:
        raise Conflict(
            "This incident must be reported to CBP before it is closed: record the "
            "notification to CBP first."
        )
    open_actions = incident.actions.filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    ).count()
    if open_actions:
        raise Conflict(f"{open_actions} corrective action(s) are still open.")
    values.update(status=IncidentStatus.CLOSED, closed_at=timezone.now(), closed_by=actor)
    return audit.update_audited(org, actor, incident, values, (*INCIDENT_AUDITED, "closed_by"))


def _cbp_overdue(now=None) -> Q:
    """Reportable to CBP, not reported, and past the deadline."""
    return Q(
        cbp_reportable=True,
        cbp_reported_at__isnull=True,
        cbp_report_due_at__lt=now or timezone.now(),
    )


def overdue_cbp_reports(org, now=None):
    return Incident.objects.for_org(org).filter(_cbp_overdue(now))


def incident_counts(org) -> dict:
    return Incident.objects.for_org(org).aggregate(
        open=Count("pk", filter=~Q(status=IncidentStatus.CLOSED)),
        cbp_due=Count("pk", filter=Q(cbp_reportable=True, cbp_reported_at__isnull=True)),
    )


# -- searching: one function a list's page, API and export share ---------------------------
def search_incidents(
    org, *, status=None, incident_type=None, cbp_overdue=None, cbp_reportable=None, now=None
):
    """The organisation's incidents; ``status="not_closed"`` keeps every open one, and
    ``cbp_overdue`` those reportable to CBP, not reported and past their deadline."""
    incidents = Incident.objects.for_org(org)
    if status == "not_closed":
        incidents, status = incidents.exclude(status=IncidentStatus.CLOSED), None
    incidents = narrowed(
        incidents, status=status, incident_type=incident_type, cbp_reportable=cbp_reportable or None
    )
    if cbp_overdue is not None:
        overdue = _cbp_overdue(now)
        incidents = incidents.filter(overdue if cbp_overdue else ~overdue)
    return incidents
