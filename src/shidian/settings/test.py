"""Test overrides: fast hashing, no outside network, database from SHIDIAN_DATABASE_URL."""

import os

os.environ.setdefault("SHIDIAN_DEBUG", "0")
os.environ.setdefault("SHIDIAN_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")

from shidian.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Portal pages are not kept between tests (their database rolls back); the portal's cache tests switch it on.
CACHES = {**CACHES, "portal": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # noqa: F405
# No process-local copy either (a test's database rolls back under it); the test of that copy switches it on.
PORTAL_LOCAL_SECONDS = 0
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# No LibreOffice started with a process: the document tests count the starts (the warm-up test turns it on).
DOCUMENTS_OFFICE_WARM_UP = False

# Tests sign in as the demo accounts, which only work in demo mode (accounts/backends.py).
DEMO = True

# Browser tests flush the database between tests; the SQLite audit triggers let only that through.
AUDIT_ALLOW_TEST_FLUSH = True

# A bad query plan fails in seconds instead of eating CI's time (issue 11: one demo query ran ten minutes).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"options": "-c statement_timeout=30000"}  # noqa: F405

# The replica (scripts/with_postgres.sh starts a hot standby) sees only committed rows, and most tests write
# inside a transaction that is rolled back: its routing is off except in the tests that switch it on.
REPLICA_READS = False
