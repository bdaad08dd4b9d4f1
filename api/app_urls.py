"""The OAuth 2 applications a member allowed, in the profile's pages (``/profiel/gekoppelde-apps/``)."""

from django.urls import path

from api import app_views

app_name = "api_apps"
urlpatterns = [
    path("", app_views.authorized_apps, name="list"),
    path("<int:application_id>/intrekken/", app_views.revoke, name="revoke"),
]
