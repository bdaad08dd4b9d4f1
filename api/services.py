"""Writes of the API app: make and revoke a personal access token."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from api.models import AccessToken, Scope
from core.errors import Invalid, NotFound
from core.limits import API_TOKENS_PER_MEMBER

TOKEN_PREFIX = "kring_"  # noqa: S105 (a public marker, not a secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(*, actor: Actor | User, name: str, scopes: Iterable[str]) -> tuple[AccessToken, str]:
    """Make a token; returns it and its secret, which is never stored and cannot be shown again."""
    member = as_actor(actor).member
    name = name.strip()
    wanted = sorted(set(scopes))
    if not name:
        raise Invalid(_("Give the token a name."), field="name", code="name_required")
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown or not wanted:
        raise Invalid(_("Choose at least one of the scopes offered."), field="scopes", code="scopes")
    if Scope.ADMIN in wanted and not member.is_superuser:
        raise Invalid(_("Only a platform administrator may give a token the manage scope."), field="scopes")
    with transaction.atomic():
        # Lock the member's row: two forms sent at once cannot both pass the count.
        User.objects.select_for_update().filter(pk=member.pk).first()
        if AccessToken.objects.filter(user=member, revoked_at=None).count() >= API_TOKENS_PER_MEMBER:
            raise Invalid(
                _("You have %(n)d active tokens, the most allowed: revoke one first.") % {"n": API_TOKENS_PER_MEMBER},
                code="too_many_tokens",
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = AccessToken.objects.create(
            user=member,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            token_hash=hash_secret(secret),
            scopes=wanted,
        )
    return token, secret


def revoke_token(*, actor: Actor | User, token_id: int) -> AccessToken:
    member = as_actor(actor).member
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().filter(pk=token_id, user=member).first()
        if token is None:
            raise NotFound(_("This token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def touch_token(*, token: AccessToken) -> None:
    """Note when a token was last used, at most once a minute (a write per request would cost more)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
