"""The member's personal calendar feed: its secret (only the hash is kept), reset and stopped."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Forbidden
from meetings.models import CalendarFeed


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reset_feed_token(*, actor: Actor | User) -> str:
    """A new secret for the member's calendar feed (the old address stops working); only its hash is kept."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in first."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=actor.member, defaults={"token_hash": hash_token(token)})
    return token


@transaction.atomic
def stop_feed(*, actor: Actor | User) -> None:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in first."))
    CalendarFeed.objects.filter(user=actor.member).delete()
