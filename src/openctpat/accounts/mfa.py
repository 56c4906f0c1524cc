"""TOTP two-factor authentication (django-otp) with single-use backup codes."""

import base64
import io

import segno
from django.db import transaction
from django_otp import device_classes, devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openctpat.core.audit import Action

from .services import record_mfa_change

DEVICE_NAME = "Authenticator app"
BACKUP_CODES = 10


def confirmed_devices(user) -> list:
    return list(devices_for_user(user, confirmed=True))


def without_two_factor(user_ids) -> set[int]:
    """Which of these users have no confirmed device (one query per device type)."""
    remaining = set(user_ids)
    for model in device_classes():
        if not remaining:
            break
        remaining -= set(
            model.objects.filter(user_id__in=remaining, confirmed=True).values_list(
                "user_id", flat=True
            )
        )
    return remaining


def pending_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (one at a time per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG (no script, so the CSP stays strict)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=4, xmldecl=False, svgns=True, title="Scan with your authenticator"
    )
    return out.getvalue().decode()


@transaction.atomic
def confirm_device(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with a code; returns fresh backup codes, or None if the code is wrong."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=request.user).delete()
    static = StaticDevice.objects.create(user=request.user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    otp_login(request, device)
    record_mfa_change(request.user, Action.MFA_ENABLED, DEVICE_NAME)
    return codes


def verify(request, code: str) -> bool:
    device = match_token(request.user, code)
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def disable(request, code: str) -> bool:
    if match_token(request.user, code) is None:
        return False
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    record_mfa_change(request.user, Action.MFA_DISABLED, DEVICE_NAME)
    return True


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
