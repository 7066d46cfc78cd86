"""The benchmark site's settings: the production settings (shidian.settings.base) with one more URL.

``DJANGO_SETTINGS_MODULE=bench_settings`` (with ``bench/`` and ``src/`` on the path) serves exactly the
product - every middleware, context processor and URL - and adds ``/bench/baseline/`` (bench_urls.py).
"""

import os

from shidian.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

# The configuration before issue 16's fix, to measure it against in the same run: the session row rewritten
# on every request (SESSION_SAVE_EVERY_REQUEST) and Django's plain database sessions.
if os.environ.get("BENCH_SESSION_EVERY_REQUEST") == "1":
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    SESSION_SAVE_EVERY_REQUEST = True
    MIDDLEWARE = [m for m in MIDDLEWARE if m != "shidian.accounts.sessions.SessionRenewalMiddleware"]  # noqa: F405
