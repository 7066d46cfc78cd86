"""Pages where a user makes, sees and revokes its own API tokens; the auditor lists everybody's."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shidian.accounts.models import User
from shidian.api import selectors, services
from shidian.api.models import TokenAccess
from shidian.core.errors import DomainError
from shidian.core.forms import Form


class TokenForm(Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    access = forms.ChoiceField(label=gettext_lazy("权限"), choices=TokenAccess.choices, initial=TokenAccess.READ)
    expires_on = forms.DateField(label=gettext_lazy("有效期至"), help_text=gettext_lazy("最长一年。"))


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form to make one; a new secret is shown once, on this response only."""
    user = cast(User, request.user)
    secret = ""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_token(
                user=user,
                name=form.cleaned_data["name"],
                access=form.cleaned_data["access"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "secret": secret,
        "tokens": list(selectors.tokens_of(user=user)),
        "all_tokens": list(selectors.all_tokens(user=user)[:500]) if selectors.can_list_all_tokens(user) else None,
    }
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = cast(User, request.user)
    token = selectors.get_own_token(user=user, token_id=token_id)
    try:
        services.revoke_token(token=token, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已吊销令牌“%(name)s”。") % {"name": token.name})
    return redirect("api_tokens:tokens")
