"""The benchmark site's settings: the production settings (shidian.settings.base) with one more URL.

``DJANGO_SETTINGS_MODULE=bench_settings`` (with ``bench/`` and ``src/`` on the path) serves exactly the
product - every middleware, context processor and URL - and adds ``/bench/baseline/`` (bench_urls.py).
"""

from shidian.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
