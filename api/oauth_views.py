"""OAuth 2 for institutional integrations: django-oauth-toolkit's endpoints, in Kring's pages.

Authorization code with PKCE (``OAUTH2_PROVIDER["PKCE_REQUIRED"]``): a member, logged in, sees
which application asks for which scopes (``read``, ``write``, ``mentoring``; never ``admin``) on
Kring's own consent page (``api/templates/oauth2_provider/authorize.html``) and allows or refuses.
The application's access token is accepted by the API next to personal tokens
(``api.authentication``). Applications are registered by a platform administrator in Django's
admin; members see no application management pages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider import views as oauth_views

# What the consent page says each scope allows, in the member's language (the settings' texts are
# the description's, in English).
SCOPE_TEXTS = {
    "read": _("read what you can read: communities, rooms, messages, notifications and conversations"),
    "write": _("post, react, join and leave in your name"),
    "mentoring": _("your mentoring profile, suggestions, pairs and their sessions"),
}


class AuthorizeView(oauth_views.AuthorizationView):
    template_name = "oauth2_provider/authorize.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        if "scopes" in context:
            context["scopes_descriptions"] = [SCOPE_TEXTS.get(s, s) for s in context["scopes"]]
        return context


class TokenView(oauth_views.TokenView):
    pass


class RevokeTokenView(oauth_views.RevokeTokenView):
    pass


class IntrospectTokenView(oauth_views.IntrospectTokenView):
    pass
