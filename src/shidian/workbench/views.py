"""The workbench (工作台): every role's home page. Thin: gather, render, keep the sections until the data moves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from shidian.accounts.models import User
from shidian.core import clock
from shidian.core.http import AuthedHttpRequest
from shidian.core.kept import kept
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
            "bench_html": bench_html(request.user),
            "unread_notifications": notification_selectors.unread_count(user=request.user),
        },
    )


def bench_html(user: User) -> SafeString:
    """The sections as HTML, kept until the data moves (core/kept.py: issue 16, the workbench gathered 10-20
    lists on every visit). They depend on the user, the business date and the language only."""
    return kept(
        "workbench",
        user,
        "",
        lambda: render_to_string("workbench/_bench.html", {"bench": selectors.workbench_for(user=user)}),
    )
