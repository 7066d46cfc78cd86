"""Start Django on a throwaway SQLite database (or SHIDIAN_DATABASE_URL) with the reference data loaded."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_with_reference() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    tmp = tempfile.mkdtemp(prefix="shidian-bench-")
    os.environ.setdefault("SHIDIAN_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("SHIDIAN_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shidian.settings.base")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from shidian.accounts import demo
    from shidian.bootstrap import data

    data.load_reference()
    demo.load_demo_accounts()
