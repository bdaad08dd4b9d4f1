"""The webhooks page (``/profiel/webhooks/``): a facilitator's or coordinator's webhooks, add and remove.

Thin: parse the form, call ``api.services.add_webhook``/``remove_webhook``, render. The secret is
shown once, on the answer to the form (``never_cache``), as a token's.
"""

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
from api.forms import WebhookForm
from api.webhooks import DELIVERIES_KEPT
from core.errors import KringError
from core.http import add_to_form
from forum.models import Community
from mentoring.models import Programme


def _render(
    request: HttpRequest, form: WebhookForm, owners: list[selectors.WebhookOwner], **extra: object
) -> HttpResponse:
    # Only owners that have webhooks get a section: a facilitator of thirty communities would
    # otherwise scroll past thirty "no webhooks yet".
    context = {
        "form": form,
        "owners": owners,
        "has_webhooks": any(o.webhooks for o in owners),
        "shown": selectors.DELIVERIES_SHOWN,
        "kept": DELIVERIES_KEPT,
        **extra,
    }
    return render(request, "api/webhooks.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def webhooks(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    owners = selectors.webhook_owners(actor=actor)
    choices = [(o.key, o.name) for o in owners]
    form = WebhookForm(request.POST or None, owners=choices)
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["owner"].partition(":")
        owner = (Community if kind == "community" else Programme).objects.get(pk=int(pk))
        try:
            hook, secret = services.add_webhook(
                actor=actor, owner=owner, target_url=form.cleaned_data["target_url"], events=form.cleaned_data["events"]
            )
        except KringError as error:
            add_to_form(form, error)
        else:
            owners = selectors.webhook_owners(actor=actor)
            return _render(request, WebhookForm(owners=choices), owners, secret=secret, new_hook=hook)
    return _render(request, form, owners)


@login_required
@require_POST
def remove(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = services.remove_webhook(actor=Actor(user=request.user), webhook_id=webhook_id)
    messages.success(request, _("The webhook to %(url)s is removed.") % {"url": hook.target_url})
    return redirect("api_webhooks:list")
