"""Test settings: the environment's database (SQLite unless DATABASE_URL), fast hashing."""

import hashlib
import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403
from .dev import BASE_DIR, DATABASES

DEBUG = False
CTPAT_CHECK_ROW_LOCKS = True
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
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking (a
    # writer waits for the IMMEDIATE lock instead of failing at once). One file per checkout.
    _tag = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
    DATABASES["default"]["NAME"] = str(Path(tempfile.gettempdir()) / f"ctpat-{_tag}.sqlite3")
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"ctpat-test-{_tag}.sqlite3")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A test never needs a commit to survive a crash: do not wait for the disk on each one.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
