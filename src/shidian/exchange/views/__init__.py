"""Exchange pages: difficulties (list, raise, one item and its moves, statistics, routing) and notices. Thin.

One module per domain object or step; callers import the package (``from shidian.exchange import views``)
and use the names re-exported here.
"""

from shidian.exchange.views.difficulties import (
    accept,
    answer,
    close,
    difficulty,
    difficulty_file,
    home,
    opinion,
    raise_difficulty,
    reopen,
)
from shidian.exchange.views.notices import new_notice, notice, notice_document, notice_file, notices
from shidian.exchange.views.routing import edit_routing, routing, statistics

__all__ = [
    "accept",
    "answer",
    "close",
    "difficulty",
    "difficulty_file",
    "edit_routing",
    "home",
    "new_notice",
    "notice",
    "notice_document",
    "notice_file",
    "notices",
    "opinion",
    "raise_difficulty",
    "reopen",
    "routing",
    "statistics",
]
