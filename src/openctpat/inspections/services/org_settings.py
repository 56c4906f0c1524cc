"""The organisation's inspection settings, and the checks every part shares."""

from openctpat.core import concurrency
from openctpat.core.errors import Conflict, PermissionDenied, invalid
from openctpat.core.orgsettings import OrgSettings
from openctpat.core.permissions import Role

from ..models import InspectionSettings

SETTINGS_FIELDS = ("issued_unapplied_days", "seal_audit_interval_days", "cbp_report_hours")


def _same_org(org, obj, field: str, what: str) -> None:
    if obj is not None and obj.organisation_id != org.pk:
        raise invalid(field, f"No such {what} in this organisation.")


def _lock_open(obj, closed: bool, message: str) -> None:
    """Lock the record (its children change under it), then refuse once it is settled."""
    concurrency.lock(obj)
    if closed:
        raise Conflict(message)


def _require_owner(role: str, what: str) -> None:
    if role != Role.OWNER:
        raise PermissionDenied(f"Only an owner (the PCSO or a security manager) can {what}.")


def _check_settings(values: dict) -> None:
    limits = {
        "issued_unapplied_days": (1, 365),
        "seal_audit_interval_days": (7, 366),
        "cbp_report_hours": (1, 168),
    }
    for name, (low, high) in limits.items():
        value = values[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise invalid(name, f"A whole number from {low} to {high}.")


SETTINGS = OrgSettings(InspectionSettings, SETTINGS_FIELDS, check=_check_settings)
settings_for = SETTINGS.for_org
update_settings = SETTINGS.update
