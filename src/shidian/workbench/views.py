"""The workbench (工作台): every role's home page. Thin: gather, render, keep the sections until the data moves."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from shidian.accounts.models import User
from shidian.core import clock, generation
from shidian.core.http import AuthedHttpRequest
from shidian.notifications import selectors as notification_selectors
from shidian.workbench import selectors


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "workbench/home.html",
        {
            "today": today,
            "bench_html": bench_html(request.user, today),
            "unread_notifications": notification_selectors.unread_count(user=request.user),
        },
    )


def bench_html(user: User, today: dt.date) -> SafeString:
    """The sections as HTML: kept per user, business date, language and data generation (core/generation.py).

    The sections depend on nothing else, so a kept copy is served until any write commits (issue 16: the
    workbench gathered 10-20 lists on every visit). ``WORKBENCH_CACHE_SECONDS`` bounds how long a copy lives
    (a write made outside the platform is not seen); 0 renders every visit.
    """
    seconds = settings.WORKBENCH_CACHE_SECONDS
    if seconds <= 0:
        return render_to_string("workbench/_bench.html", {"bench": selectors.workbench_for(user=user)})
    key = f"workbench:{user.pk}:{today.isoformat()}:{translation.get_language()}:{generation.current()}"
    if (kept := cache.get(key)) is not None:
        return kept  # type: ignore[no-any-return]
    html = render_to_string("workbench/_bench.html", {"bench": selectors.workbench_for(user=user)})
    cache.set(key, html, seconds)
    return html
