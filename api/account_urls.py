"""The member's API tokens, in the profile's pages (``/profiel/api-sleutels/``)."""

from django.urls import path

from api import token_views

app_name = "api_tokens"
urlpatterns = [
    path("", token_views.tokens, name="list"),
    path("<int:token_id>/intrekken/", token_views.revoke, name="revoke"),
]
