"""Writes of the indicator system: catalogue, targets, values and their versions, quality checks.

One module per domain object; callers import the package (``from shidian.indicators import services``)
and use the names re-exported here.
"""

from shidian.indicators.services.catalogue import (
    FIRST_YEAR,
    LAST_YEAR,
    check_indicator,
    load_catalogue,
    parse_target,
    save_indicator,
)
from shidian.indicators.services.import_jobs import move_job
from shidian.indicators.services.quality import OUTLIER_MIN_GROUP, OUTLIER_Z, follow_up_issue, run_quality_checks
from shidian.indicators.services.reviews import accept_values, return_values, submit_values
from shidian.indicators.services.targets import set_pilot_target, set_pilot_targets
from shidian.indicators.services.values import (
    ValuesRejected,
    indicators_for_period,
    open_period,
    recompute,
    save_values,
    stage_year,
    validate_value,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "OUTLIER_MIN_GROUP",
    "OUTLIER_Z",
    "ValuesRejected",
    "accept_values",
    "check_indicator",
    "follow_up_issue",
    "indicators_for_period",
    "load_catalogue",
    "move_job",
    "open_period",
    "parse_target",
    "recompute",
    "return_values",
    "run_quality_checks",
    "save_indicator",
    "save_values",
    "set_pilot_target",
    "set_pilot_targets",
    "stage_year",
    "submit_values",
    "validate_value",
]
