"""Field checks every app's services share: text limits, membership of a chosen user."""

from django.contrib.auth import get_user_model

from . import audit
from .errors import ValidationFailed, invalid


def refuse_unknown(fields: dict, allowed) -> None:
    """Services take only the fields they know: a typo never passes silently."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")


def clean_text(fields: dict, name: str, max_length: int, required: bool = False) -> None:
    """Strip ``fields[name]`` in place and refuse NUL, over-long or (if required) empty text."""
    if name not in fields:
        return
    value = (fields[name] or "").strip()
    if "\x00" in value:
        raise invalid(name, "Text must not contain NUL characters.")
    if required and not value:
        raise invalid(name, "This field is required.")
    if len(value) > max_length:
        raise invalid(name, f"At most {max_length} characters.")
    fields[name] = value


def check_member(org, user, field: str = "owner", message: str = "") -> None:
    """A person chosen on a record (owner, inspector…) must belong to the organisation."""
    members = get_user_model().objects.filter(memberships__organisation=org)
    if user is not None and not members.filter(pk=user.pk).exists():
        raise invalid(field, message or f"The {field} must be a member of the organisation.")


def create_audited(org, actor, model, audited, **values):
    obj = model.objects.create(organisation=org, created_by=actor, updated_by=actor, **values)
    audit.record_created(org, actor, obj, audited)
    return obj
