"""Privacy hooks: a member's tokens (names, scopes, dates; never a hash) are exported and go with the account."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import ACTOR, CREDENTIAL, EXPORTED, record
from api.models import AccessToken

RELATIONS: dict[str, str] = {
    "api.AccessToken.user": EXPORTED,
    # Who added a community's or programme's webhook: the owner's, not the member's; NULL on deletion.
    "api.Webhook.created_by": ACTOR,
    # OAuth 2 (django-oauth-toolkit): the grants and tokens a member gave applications are credentials,
    # deleted with the account (CASCADE); an application is registered by a platform administrator.
    "oauth2_provider.Application.user": CREDENTIAL,
    "oauth2_provider.Grant.user": CREDENTIAL,
    "oauth2_provider.AccessToken.user": CREDENTIAL,
    "oauth2_provider.RefreshToken.user": CREDENTIAL,
    "oauth2_provider.IDToken.user": CREDENTIAL,
    "oauth2_provider.DeviceGrant.user": CREDENTIAL,
}


def export(user: User) -> dict[str, Any]:
    return {"api_tokens": [record(t, skip={"user", "token_hash"}) for t in AccessToken.objects.filter(user=user)]}


def forget(user: User) -> None:
    """Nothing to do: the tokens go by CASCADE."""
