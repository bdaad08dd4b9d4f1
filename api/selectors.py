"""Reads of the API app."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from accounts.actor import Actor, as_actor
from accounts.models import User
from api.models import AccessToken


def my_tokens(*, actor: Actor | User, page: int = 1) -> Page[AccessToken]:
    """The member's tokens, active ones first, newest first."""
    member = as_actor(actor).member
    qs = AccessToken.objects.filter(user=member).order_by("revoked_at", "-created_at", "-pk")
    return Paginator(qs, 25).get_page(page)


def token_by_secret(*, token_hash: str) -> AccessToken | None:
    """The active token with this hash, with its member (one query)."""
    return (
        AccessToken.objects.select_related("user", "user__profile")
        .filter(token_hash=token_hash, revoked_at=None, user__is_active=True)
        .first()
    )
