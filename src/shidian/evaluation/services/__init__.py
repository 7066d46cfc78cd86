"""Change the evaluation, one module per domain object; the names are re-exported for ``services.X`` callers.

- ``schemes``: the year's scheme and its warning and elimination rules;
- ``experts``: provincial assessments, expert assignments and scores;
- ``inputs``: the evaluated pilots and a run's inputs snapshot (set-based reads);
- ``runs``: start, compute (by steps), publish;
- ``objections``: file and answer;
- ``decisions``: proposals by the rules, decisions, rectification;
- ``bulletins``: the bulletin's draft, content and files.
"""

from shidian.evaluation.services._common import BACKGROUND_PILOTS, EVALUATED_STATUSES
from shidian.evaluation.services.bulletins import bulletin_content, bulletin_file, issue_bulletin, save_bulletin
from shidian.evaluation.services.decisions import (
    _histories,
    create_proposals,
    decide_elimination,
    decide_warning,
    record_rectification,
)
from shidian.evaluation.services.experts import assign_expert, save_expert_scores, set_province_assessment
from shidian.evaluation.services.inputs import evaluated_pilots, gather_inputs
from shidian.evaluation.services.objections import answer_objection, file_objection
from shidian.evaluation.services.runs import compute_run, publish_run, run_job, start_run
from shidian.evaluation.services.schemes import create_scheme, update_rules, update_scheme

__all__ = [
    "BACKGROUND_PILOTS",
    "EVALUATED_STATUSES",
    "_histories",
    "answer_objection",
    "assign_expert",
    "bulletin_content",
    "bulletin_file",
    "compute_run",
    "create_proposals",
    "create_scheme",
    "decide_elimination",
    "decide_warning",
    "evaluated_pilots",
    "file_objection",
    "gather_inputs",
    "issue_bulletin",
    "publish_run",
    "record_rectification",
    "run_job",
    "save_bulletin",
    "save_expert_scores",
    "set_province_assessment",
    "start_run",
    "update_rules",
    "update_scheme",
]
