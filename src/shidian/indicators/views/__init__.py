"""Indicator pages: monitoring, entry, review, history, quality, import. Thin: parse, call, render.

One module per domain object; callers import the package (``from shidian.indicators import views``) and
use the names re-exported here.
"""

from shidian.indicators.views._common import DEFAULT_INDICATOR, PAGE_SIZE, XLSX_TYPE
from shidian.indicators.views.import_jobs import import_job, import_progress, import_template, import_upload
from shidian.indicators.views.monitoring import catalogue, compare, monitoring, off_track
from shidian.indicators.views.quality import follow_up, quality
from shidian.indicators.views.values import entry, history, pilot, review, reviews, targets

__all__ = [
    "DEFAULT_INDICATOR",
    "PAGE_SIZE",
    "XLSX_TYPE",
    "catalogue",
    "compare",
    "entry",
    "follow_up",
    "history",
    "import_job",
    "import_progress",
    "import_template",
    "import_upload",
    "monitoring",
    "off_track",
    "pilot",
    "quality",
    "review",
    "reviews",
    "targets",
]
