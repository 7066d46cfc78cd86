"""The workbench (工作台): every role's home page. Thin: gather, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shidian.core.http import AuthedHttpRequest
from shidian.notifications import selectors as notification_selectors
from shidian.workbench import selectors


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "workbench/home.html",
        {
            "bench": selectors.workbench_for(user=request.user),
            "unread_notifications": notification_selectors.unread_count(user=request.user),
        },
    )
