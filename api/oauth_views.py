"""OAuth 2 for institutional integrations: django-oauth-toolkit's endpoints, in Kring's pages.

Authorization code with PKCE (``OAUTH2_PROVIDER["PKCE_REQUIRED"]``): a member, logged in, sees
which application asks for which scopes (``read``, ``write``, ``mentoring``; never ``admin``) on
Kring's own consent page (``api/templates/oauth2_provider/authorize.html``) and allows or refuses.
The application's access token is accepted by the API next to personal tokens
(``api.authentication``). Applications are registered by a platform administrator in Django's
admin; members see no application management pages.
"""

from __future__ import annotations

from oauth2_provider import views as oauth_views


class AuthorizeView(oauth_views.AuthorizationView):
    template_name = "oauth2_provider/authorize.html"


class TokenView(oauth_views.TokenView):
    pass


class RevokeTokenView(oauth_views.RevokeTokenView):
    pass


class IntrospectTokenView(oauth_views.IntrospectTokenView):
    pass
