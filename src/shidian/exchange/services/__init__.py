"""Writes of difficulties, the routing table and notices: check permission and state, write, audit.

One module per domain object; callers import the package (``from shidian.exchange import services``) and
use the names re-exported here.
"""

from shidian.exchange.services.difficulties import (
    IN_PROGRAMME,
    RATINGS,
    REPLY_WORKING_DAYS,
    accept_difficulty,
    add_co_opinion,
    answer_difficulty,
    close_difficulty,
    escalate_difficulty,
    escalate_overdue,
    raise_difficulty,
    reopen_difficulty,
)
from shidian.exchange.services.files import Upload, record_download
from shidian.exchange.services.notices import notice_document, open_notice, send_notice
from shidian.exchange.services.routing import DEFAULT_ROUTING, HANDLING_KINDS, ensure_routing, set_routing

__all__ = [
    "DEFAULT_ROUTING",
    "HANDLING_KINDS",
    "IN_PROGRAMME",
    "RATINGS",
    "REPLY_WORKING_DAYS",
    "Upload",
    "accept_difficulty",
    "add_co_opinion",
    "answer_difficulty",
    "close_difficulty",
    "ensure_routing",
    "escalate_difficulty",
    "escalate_overdue",
    "notice_document",
    "open_notice",
    "raise_difficulty",
    "record_download",
    "reopen_difficulty",
    "send_notice",
    "set_routing",
]
