from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"
urlpatterns = [
    path("bewerken/", views.profile_edit, name="profile_edit"),
    path("<int:user_id>/", views.profile_detail, name="profile"),
    path("tweestapsverificatie/", views.two_factor_required, name="two_factor_required"),
    path("privacy/", privacy_views.privacy_overview, name="privacy"),
    path("privacy/export/", privacy_views.privacy_export, name="privacy_export"),
    path("privacy/verwijderen/", privacy_views.privacy_delete, name="privacy_delete"),
]
