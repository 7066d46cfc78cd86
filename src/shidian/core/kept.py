"""Page parts kept until the data moves (issue 16): one way for every page that only reads.

A part of a page that is a function of the data, its reader, its query, the business date and the language
only is rendered once and kept in this process's memory (the ``default`` cache) under those and the data
generation (core/generation.py). Any write through the platform moves the generation, so a kept copy is
never served after a write: the next visit renders anew. ``KEPT_PAGES_SECONDS`` bounds how long a copy lives,
for writes made outside the platform (psql); 0 renders every visit.

The reader is always in the key (``user.pk``), so no copy is ever served to anyone but the user it was
rendered for: the scoping of what was rendered is the scoping of who reads it. The checks that may refuse
a request (permissions, a 404) run before ``kept`` is asked, in the view.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from shidian.core import clock, generation

if TYPE_CHECKING:  # core is the lowest layer: the user is only a type here
    from shidian.accounts.models import User
    from shidian.core.http import AuthedHttpRequest


def kept(part: str, user: User, query: str, render: Callable[[], SafeString]) -> SafeString:
    """``render()`` for ``user``, or what it returned before under the same query and data generation.

    ``part`` names what is kept (kept_template: the template); ``query`` is everything else the part depends on
    (a request's query string, an indicator and period); the business date and the language are added here.
    """
    seconds = settings.KEPT_PAGES_SECONDS
    if seconds <= 0:
        return render()
    digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
    key = ":".join(
        (
            "kept",
            part,
            str(user.pk),
            digest,
            clock.today().isoformat(),
            translation.get_language() or "",
            generation.current(),
        )
    )
    if (copy := cache.get(key)) is not None:
        return copy  # type: ignore[no-any-return]
    html = render()
    cache.set(key, html, seconds)
    return html


def kept_template(
    request: AuthedHttpRequest, template: str, query: str, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """``template`` rendered with ``context()`` for the request's user, kept under the template's name and
    ``query``: what every page that keeps a part calls. ``context`` runs only when the part is rendered."""
    return kept(template, request.user, query, lambda: render_to_string(template, context(), request=request))
