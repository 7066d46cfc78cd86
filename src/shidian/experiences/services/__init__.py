"""Writes of experiences: check permission and state, write, audit. Views, the demo and tests call these only.

One module per domain object or step; callers import the package (``from shidian.experiences import services``)
and use the names re-exported here.
"""

from shidian.experiences.services._common import ATTACHMENTS, CONTENT_FIELDS, MAX_RESULTS, SEARCH_KIND, ResultRow
from shidian.experiences.services.content import create_experience, update_experience
from shidian.experiences.services.files import add_file, remove_file
from shidian.experiences.services.indexing import index_experience, reindex_experiences, search_text
from shidian.experiences.services.promotion import create_batch, record_adoption
from shidian.experiences.services.review import (
    decline_experience,
    publish_experience,
    recommend_experience,
    return_experience,
    select_experience,
    submit_experience,
)

__all__ = [
    "ATTACHMENTS",
    "CONTENT_FIELDS",
    "MAX_RESULTS",
    "SEARCH_KIND",
    "ResultRow",
    "add_file",
    "create_batch",
    "create_experience",
    "decline_experience",
    "index_experience",
    "publish_experience",
    "recommend_experience",
    "record_adoption",
    "reindex_experiences",
    "remove_file",
    "return_experience",
    "search_text",
    "select_experience",
    "submit_experience",
    "update_experience",
]
