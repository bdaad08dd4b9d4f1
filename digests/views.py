"""The digest settings (a section of the member's mail preferences) and one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Invalid
from core.http import one_click_unsubscribe
from digests import services
from digests.forms import FrequencyForm
from digests.models import DigestSettings, Frequency


@login_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    row = DigestSettings.objects.filter(user=user).first()
    current = row.frequency if row is not None else Frequency.WEEKLY
    form = FrequencyForm(request.POST or None, initial={"frequency": current})
    if request.method == "POST" and form.is_valid():
        services.set_frequency(actor=user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your digest settings have been saved."))
        return redirect("digests:settings")
    return render(request, "digests/settings.html", {"form": form}, status=400 if form.errors else 200)


def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _unsubscribe(request, token)
    if services.user_of_token(token) is None:
        return render(request, "digests/unsubscribe.html", {"invalid": True}, status=404)
    return render(request, "digests/unsubscribe.html", {"token": token})


def _unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.unsubscribe(token=token)
    except Invalid:
        return render(request, "digests/unsubscribe.html", {"invalid": True}, status=404)
    return render(request, "digests/unsubscribe.html", {"done": True})


unsubscribe = one_click_unsubscribe(page=_unsubscribe_page, one_click=_unsubscribe)
