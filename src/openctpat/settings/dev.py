"""Development settings: ``make demo``, ``ctpat demo`` and the tests (through ``test``).

The keys below are public (they are in this file): a server started with these settings
has no secret sessions and an audit trail anyone could re-sign. Serve with
``openctpat.settings.production``.
"""

import os

from . import *  # noqa: F403
from . import DATA_DIR

SECRET_KEY = (
    os.environ.get("SECRET_KEY")
    or "insecure-dev-key-only-for-local-demo-change-me-0123456789abcdefghij"
)
CTPAT_AUDIT_KEY = os.environ.get("CTPAT_AUDIT_KEY") or "insecure-dev-audit-key-for-local-demo"
# The demo's mail (questionnaire links, invitations, reminders) is written to files under
# var/mail/, so that what `make demo` prints is the sign-in details and the address.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
