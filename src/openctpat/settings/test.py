"""Test settings: the environment's database (SQLite unless DATABASE_URL), fast hashing."""

import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403
from .dev import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ctpat-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ctpat-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get(
    "DATABASE_URL"
):
    DATABASES["default"]["NAME"] = str(Path(tempfile.gettempdir()) / "ctpat-test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": None}
