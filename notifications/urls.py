from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("voorkeuren/", views.preferences, name="preferences"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("push/", views.push_subscription, name="push_subscription"),
    path("onderwerp/<int:topic_id>/", views.topic_watch, name="topic"),
]
