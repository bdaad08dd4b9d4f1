"""The OAuth 2 applications a member allowed (``/profiel/gekoppelde-apps/``): which, with which
scopes, since when and last active; and taking one's access back (every token of that application
for the member, ``api.services.revoke_application``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from api import selectors, services
from api.models import Scope


@login_required
def authorized_apps(request: HttpRequest) -> HttpResponse:
    apps = selectors.authorized_applications(actor=Actor(user=request.user))
    labels = dict(Scope.choices)
    rows = [(app, [labels.get(s, s) for s in app.scopes]) for app in apps]
    return render(request, "api/authorized_apps.html", {"rows": rows})


@login_required
@require_POST
def revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    application = services.revoke_application(actor=Actor(user=request.user), application_id=application_id)
    messages.success(
        request, _("%(name)s no longer has access to your account.") % {"name": getattr(application, "name", "")}
    )
    return redirect("api_apps:list")
