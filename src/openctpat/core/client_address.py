"""The address of the client a request comes from, as every throttle and the audit see it.

Behind reverse proxies the connecting address (``REMOTE_ADDR``) is the nearest proxy's, so
throttles keyed on it would lump every client together. With ``CTPAT_TRUSTED_PROXY_COUNT``
set to the number of proxies in front of the application, the client is the address the
outermost of them saw: that many entries from the right of ``X-Forwarded-For``. Entries
further left were sent by the client itself and are ignored, so they cannot be spoofed.
"""

import ipaddress

from django.conf import settings


def _normalised(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _normalised(request.META.get("REMOTE_ADDR") or "")
    hops = settings.CTPAT_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < hops:
        return remote  # not through every trusted proxy: only the connecting address is known
    return _normalised(forwarded[-hops]) or remote
