"""Sign-in events into the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from openctpat.core.audit import Action

from .services import record_auth_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_auth_event(Action.LOGIN, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_auth_event(Action.LOGOUT, user=user)


def _user_for(username: str):
    return get_user_model().objects.filter(email__iexact=username or "").first()


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    record_auth_event(Action.LOGIN_FAILED, user=_user_for(username), label=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record_auth_event(Action.LOCKOUT, user=_user_for(username), label=username or "")
