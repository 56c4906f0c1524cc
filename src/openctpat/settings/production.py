"""Production settings: HTTPS only, secure cookies, HSTS; refuses to start with a weak key.

The default of ``wsgi.py``, ``asgi.py``, ``manage.py`` and ``ctpat``: a server started
without ``DJANGO_SETTINGS_MODULE`` runs these, and so refuses to start until it is given
its own ``SECRET_KEY`` and ``CTPAT_AUDIT_KEY``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from . import *  # noqa: F403
from . import CTPAT_AUDIT_KEY, CTPAT_AUDIT_PREVIOUS_KEYS, SECRET_KEY, env_bool


def _weak(key: str, length: int) -> bool:
    return "insecure" in key or len(key) < length or len(set(key)) < 5


DEBUG = False
if _weak(SECRET_KEY, 50):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
if _weak(CTPAT_AUDIT_KEY, 32) or CTPAT_AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "Set CTPAT_AUDIT_KEY to a random string of at least 32 characters, different from "
        "SECRET_KEY and kept outside the database: it signs the audit trail."
    )
if any(_weak(key, 32) for key in CTPAT_AUDIT_PREVIOUS_KEYS):
    raise ImproperlyConfigured("Every key in CTPAT_AUDIT_PREVIOUS_KEYS must be a strong key.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
WHITENOISE_USE_FINDERS = False
