"""The member's API tokens: make one (its secret shown once, on the answer to the form) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from api import selectors, services
from api.forms import TokenForm
from api.models import Scope
from core.errors import Invalid
from core.http import add_to_form


def _page(request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200) -> HttpResponse:
    actor = Actor(user=request.user)
    page = request.GET.get("page", "1")
    tokens = selectors.my_tokens(actor=actor, page=int(page) if page.isdigit() else 1)
    labels = dict(Scope.choices)
    rows = [(t, [labels.get(s, s) for s in t.scopes]) for t in tokens]
    context = {"form": form, "tokens": tokens, "rows": rows, "secret": secret}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@never_cache  # the answer to the form holds the secret: no cache may keep it
def tokens(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    can_manage = actor.is_platform_admin
    form = TokenForm(request.POST or None, can_manage=can_manage)
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = services.create_token(
                    actor=actor, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
                )
            except Invalid as error:
                add_to_form(form, error)
            else:
                return _page(request, TokenForm(can_manage=can_manage), secret=secret)
        return _page(request, form, status=400)
    return _page(request, form)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.revoke_token(actor=Actor(user=request.user), token_id=token_id)
    messages.success(request, _("The token '%(name)s' is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
