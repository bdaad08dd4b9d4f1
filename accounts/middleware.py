"""Sends a member who must use two-factor authentication, and has not set it up, to do so first."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import two_factor

# What such a member may still reach: the account pages (setting up 2FA, reauthenticating,
# logging out), the page that explains why, and what pages load.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/", "/favicon.ico", "/healthz")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(ALLOWED_PREFIXES):
            explanation = reverse("accounts:two_factor_required")
            if request.path != explanation and two_factor.missing_for_session(request.session, user):
                return redirect(explanation)
        return self.get_response(request)
