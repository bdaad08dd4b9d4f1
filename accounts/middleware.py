"""Per-request account middleware: two-factor enforcement, and the member's last-seen time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from accounts.models import User

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


# How fresh ``User.last_seen_at`` is kept: at most one UPDATE per member per interval.
LAST_SEEN_EVERY = timedelta(minutes=5)


class LastSeenMiddleware:
    """Remember when a signed-in member last used Kring (digests go only to members who have
    been away). Reads the user row the request has loaded anyway; writes one UPDATE at most every
    ``LAST_SEEN_EVERY`` per member, after the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated:
            now = timezone.now()
            if user.last_seen_at is None or now - user.last_seen_at >= LAST_SEEN_EVERY:
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return response
