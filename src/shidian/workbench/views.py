"""The workbench (工作台): every role's home page. Thin: gather, render, keep the sections until the data moves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shidian.core import clock
from shidian.core.http import AuthedHttpRequest
from shidian.core.kept import kept_template
from shidian.notifications import selectors as notification_selectors
from shidian.workbench import selectors


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    # The sections are kept until the data moves (core/kept.py; issue 16: the workbench gathered 10-20 lists
    # on every visit): they depend on the user, the business date and the language only.
    sections = kept_template(
        request, "workbench/_bench.html", "", lambda: {"bench": selectors.workbench_for(user=request.user)}
    )
    return render(
        request,
        "workbench/home.html",
        {
            "today": clock.today(),
            "bench_html": sections,
            "unread_notifications": notification_selectors.unread_count(user=request.user),
        },
    )
