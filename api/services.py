"""Writes of the API app: personal access tokens, OAuth 2 access a member gave, webhooks."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken as OAuthAccessToken
from oauth2_provider.models import Grant, IDToken, RefreshToken, get_application_model

from accounts.actor import Actor, as_actor
from accounts.models import User
from api import webhooks
from api.models import COMMUNITY_EVENTS, PROGRAMME_EVENTS, AccessToken, Scope, Webhook
from core.errors import Forbidden, Invalid, NotFound
from core.limits import API_TOKENS_PER_MEMBER
from forum import permissions as forum_permissions
from forum.models import Community
from mentoring import permissions as mentoring_permissions
from mentoring.models import Programme

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


def touch_oauth_token(*, token: OAuthAccessToken) -> None:
    """Note when an application last used an access token (its ``updated``), at most once a minute:
    the member's page of applications shows it."""
    now = timezone.now()
    if token.updated is None or (now - token.updated).total_seconds() > 60:
        OAuthAccessToken.objects.filter(pk=token.pk).update(updated=now)
        token.updated = now


# --- OAuth 2 applications -----------------------------------------------------------------------


@transaction.atomic
def revoke_application(*, actor: Actor | User, application_id: int) -> Any:
    """End every access the member gave the application: its access and refresh tokens, ID tokens
    and codes not yet traded are deleted, so it can do nothing more in the member's name until they
    allow it again. Answers the application; one the member never allowed is NotFound."""
    actor = as_actor(actor)
    application = get_application_model().objects.filter(pk=application_id).first()
    if application is None or not actor.is_authenticated:
        raise NotFound(_("You have not given this application access."))
    mine = {"user_id": actor.member_id, "application": application}
    found = [
        RefreshToken.objects.filter(**mine).delete()[0],
        OAuthAccessToken.objects.filter(**mine).delete()[0],
        IDToken.objects.filter(**mine).delete()[0],
        Grant.objects.filter(**mine).delete()[0],
    ]
    if not any(found):
        raise NotFound(_("You have not given this application access."))
    return application


# --- webhooks -----------------------------------------------------------------------------------

WEBHOOKS_PER_OWNER = 10
WEBHOOK_REFUSALS = {
    "invalid": _("This is not a web address."),
    "not_https": _("Use an https:// address."),
    "unknown_host": _("This address's server cannot be found."),
    "private_address": _("This address is on a private network; Kring only calls public addresses."),
}


def _may_manage_owner(actor: Actor, owner: Community | Programme) -> bool:
    if isinstance(owner, Community):
        return not owner.is_system and forum_permissions.can_moderate_community(actor, owner)
    return mentoring_permissions.can_manage_programme(actor.member, owner)


@transaction.atomic
def add_webhook(
    *, actor: Actor | User, owner: Community | Programme, target_url: str, events: Iterable[str]
) -> tuple[Webhook, str]:
    """A webhook for a community (its facilitators) or a programme (its coordinators); answers it
    and its signing secret (shown once)."""
    actor = as_actor(actor)
    if not actor.is_authenticated or not _may_manage_owner(actor, owner):
        raise Forbidden(_("Only the facilitators of a community or the coordinators of a programme can do this."))
    allowed = COMMUNITY_EVENTS if isinstance(owner, Community) else PROGRAMME_EVENTS
    chosen = sorted(set(events))
    if not chosen or any(e not in allowed for e in chosen):
        raise Invalid(_("Choose at least one event that fits the owner."), field="events")
    refusal = webhooks.address_refusal(target_url)
    if refusal is not None:
        raise Invalid(str(WEBHOOK_REFUSALS.get(refusal, WEBHOOK_REFUSALS["invalid"])), field="target_url")
    if isinstance(owner, Community):
        owned = Webhook.objects.filter(community=owner)
    else:
        owned = Webhook.objects.filter(programme=owner)
    if owned.count() >= WEBHOOKS_PER_OWNER:
        raise Invalid(
            _("A community or programme has at most %(n)d webhooks.") % {"n": WEBHOOKS_PER_OWNER}, field="target_url"
        )
    secret = webhooks.new_secret()
    hook = Webhook.objects.create(
        community=owner if isinstance(owner, Community) else None,
        programme=owner if isinstance(owner, Programme) else None,
        target_url=target_url,
        events=chosen,
        secret=secret,
        created_by=actor.member,
    )
    return hook, secret


@transaction.atomic
def remove_webhook(*, actor: Actor | User, webhook_id: int) -> Webhook:
    actor = as_actor(actor)
    hook = Webhook.objects.select_related("community", "programme").filter(pk=webhook_id).first()
    owner = hook.community or hook.programme if hook is not None else None
    if hook is None or owner is None or not actor.is_authenticated or not _may_manage_owner(actor, owner):
        raise NotFound(_("This webhook does not exist."))
    hook.delete()
    return hook
