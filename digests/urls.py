from django.urls import path

from digests import views

app_name = "digests"

urlpatterns = [
    path("", views.digest_settings, name="settings"),
    path("uitschrijven/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
