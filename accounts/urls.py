from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("bewerken/", views.profile_edit, name="profile_edit"),
    path("<int:user_id>/", views.profile_detail, name="profile"),
]
