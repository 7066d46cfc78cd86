"""Reads of the indicator system, always for a user (or for a pilot/province the caller already scoped).

The roll-ups read the maintained per-province rows (``IndicatorRollup``, kept by ``indicators.aggregates``):
one query per page part, whatever the number of periods and areas (docs/indicators.md).

One module per domain object; callers import the package (``from shidian.indicators import selectors``) and
use the names re-exported here.
"""

from shidian.indicators.selectors.catalogue import catalogue, get_indicator, periods, target_comparator_label, years
from shidian.indicators.selectors.facts import pilot_indicator_facts, province_indicator_summary
from shidian.indicators.selectors.quality import get_import_job_for, get_issue_for, open_issue_count, quality_issues
from shidian.indicators.selectors.rollups import (
    RankRow,
    Rollup,
    RollupTable,
    national_rollup,
    province_rollups,
    ranking,
    rollups_over_periods,
    scanned_national_rollup,
    scanned_province_rollups,
)
from shidian.indicators.selectors.series import (
    LatestWithTarget,
    OffTrack,
    Series,
    comparison,
    latest_with_targets,
    off_track,
    pilot_series,
    series_for_pilots,
)
from shidian.indicators.selectors.values import (
    EntryGroup,
    EntryRow,
    MissingValues,
    PendingReview,
    TargetRow,
    entry_groups,
    filter_values,
    missing_values,
    pending_reviews,
    period_values,
    target_rows,
    value_history,
    visible_values,
)

__all__ = [
    "EntryGroup",
    "EntryRow",
    "LatestWithTarget",
    "MissingValues",
    "OffTrack",
    "PendingReview",
    "RankRow",
    "Rollup",
    "RollupTable",
    "Series",
    "TargetRow",
    "catalogue",
    "comparison",
    "entry_groups",
    "filter_values",
    "get_import_job_for",
    "get_indicator",
    "get_issue_for",
    "latest_with_targets",
    "missing_values",
    "national_rollup",
    "off_track",
    "open_issue_count",
    "pending_reviews",
    "period_values",
    "periods",
    "pilot_indicator_facts",
    "pilot_series",
    "province_indicator_summary",
    "province_rollups",
    "quality_issues",
    "ranking",
    "rollups_over_periods",
    "scanned_national_rollup",
    "scanned_province_rollups",
    "series_for_pilots",
    "target_comparator_label",
    "target_rows",
    "value_history",
    "visible_values",
    "years",
]
