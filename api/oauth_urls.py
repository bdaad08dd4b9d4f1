"""OAuth 2 (``/api/oauth/``): authorize (the member's consent page), token, revoke and introspect."""

from django.urls import path

from api import oauth_views

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", oauth_views.AuthorizeView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth_views.IntrospectTokenView.as_view(), name="introspect"),
]
