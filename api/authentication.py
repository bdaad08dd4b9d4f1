"""Who calls the API: a personal access token (``Authorization: Bearer kring_…``), an OAuth 2 access
token an application got from a member (any other bearer token), or Kring's own session.

A token carries scopes (``api.models.Scope``); a session is a member in the browser, on Kring's own
pages, and has every scope but ``admin`` (which a platform administrator's session has too). DRF's
``SessionAuthentication`` checks CSRF on unsafe methods, so a cross-site form cannot post as the member.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken as OAuthAccessToken
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from api import selectors, services
from api.models import AccessToken

PERSONAL_PREFIX = "kring_"  # a personal token; any other bearer token is OAuth 2's


class TokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as 'Authorization: Bearer <token>'."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("This token is not valid.")) from exc
        if not secret.startswith(PERSONAL_PREFIX):
            return self._oauth(request)
        token = selectors.token_by_secret(token_hash=services.hash_secret(secret))
        if token is None:
            raise AuthenticationFailed(_("This token is not valid, or it was revoked."))
        services.touch_token(token=token)
        return token.user, token

    def _oauth(self, request: Request) -> tuple[Any, OAuthAccessToken]:
        """An OAuth 2 access token (django-oauth-toolkit): valid, not expired, of an active member
        (a token without a member, from client credentials, is not accepted)."""
        found = OAuth2Authentication().authenticate(request)
        if found is None or found[0] is None or not found[0].is_active:
            raise AuthenticationFailed(_("This token is not valid, or it was revoked."))
        user, token = found
        services.touch_oauth_token(token=token)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="kring"'


class KringSessionAuthentication(SessionAuthentication):
    """The session of Kring's own pages, with DRF's CSRF check on unsafe methods."""
