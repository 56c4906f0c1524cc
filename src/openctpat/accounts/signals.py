"""Sign-in events into the audit trail.

Failed sign-ins go once into the system chain. During a lockout (django-axes) the refused
attempts are not written one by one: the lockout is one entry, and the attempts refused
while it lasts are counted, with an entry when the count reaches 1, 10, 100, 1000…
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from openctpat.core.audit import Action
from openctpat.core.client_address import client_ip
from openctpat.core.throttle import Throttle

from .services import record_auth_event, record_failed_sign_in

# One window per lockout: hit once when the lockout starts, then once per refused attempt.
LOCKOUTS = Throttle("sign-in-lockout", limit=1, window=settings.AXES_COOLOFF_TIME)
STARTED_LOCKOUT = "_ctpat_started_lockout"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_auth_event(Action.LOGIN, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_auth_event(Action.LOGOUT, user=user)


def _username(credentials) -> str:
    credentials = credentials or {}
    return credentials.get("username") or credentials.get("email") or ""


def _refused_by_lockout(request, username: str) -> bool:
    """The attempt was refused because the username is locked out from this address (not
    the failure that caused the lockout). Holds whichever receiver django-axes runs first."""
    if request is None or getattr(request, STARTED_LOCKOUT, False):
        return False
    return LOCKOUTS.count(username, client_ip(request)) > 0


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = _username(credentials)
    if not _refused_by_lockout(request, username):
        record_failed_sign_in(Action.LOGIN_FAILED, username=username)


def _is_power_of_ten(n: int) -> bool:
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    username = username or ""
    seen = LOCKOUTS.hit(username, ip_address)
    if seen == 1:
        if request is not None:
            setattr(request, STARTED_LOCKOUT, True)
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        record_failed_sign_in(
            Action.LOCKOUT,
            username=username,
            changes={"failures": settings.AXES_FAILURE_LIMIT, "locked_minutes": minutes},
        )
    elif _is_power_of_ten(seen - 1):
        record_failed_sign_in(
            Action.LOGIN_REFUSED, username=username, changes={"refused_while_locked": seen - 1}
        )
