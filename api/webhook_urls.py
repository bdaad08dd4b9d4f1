"""The webhooks of the communities and programmes a member manages (``/profiel/webhooks/``)."""

from django.urls import path

from api import webhook_views

app_name = "api_webhooks"
urlpatterns = [
    path("", webhook_views.webhooks, name="list"),
    path("<int:webhook_id>/verwijderen/", webhook_views.remove, name="remove"),
]
