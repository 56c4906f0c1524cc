"""The WSGI entry point. Without ``DJANGO_SETTINGS_MODULE`` it runs production settings,
which refuse to start without a strong ``SECRET_KEY`` and ``CTPAT_AUDIT_KEY``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openctpat.settings.production")
application = get_wsgi_application()
