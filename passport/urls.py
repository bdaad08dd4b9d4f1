from django.urls import path

from passport import views

app_name = "passport"

urlpatterns = [
    path("", views.my_passport, name="mine"),
    path("delen/", views.share, name="share"),
    path("export.json", views.export_json, name="export"),
    path("afdrukken/", views.printable, name="print"),
    path("lid/<int:member_id>/", views.member_passport, name="member"),
    path("lid/<int:member_id>/aanbevelen/", views.endorse, name="endorse"),
    path("gedeeld/<str:token>/", views.shared, name="shared"),
    path("prestaties/", views.achievements, name="achievements"),
    path("prestaties/nieuw/", views.achievement_create, name="achievement_create"),
    path("prestaties/<uuid:uuid>/beheer/", views.achievement_manage, name="achievement_manage"),
    path("prestaties/<uuid:uuid>/", views.achievement, name="achievement"),
    path("credential/<uuid:uuid>/", views.credential, name="credential"),
    path("credential/<uuid:uuid>.json", views.credential_json, name="credential_json"),
    path("intrekken/<uuid:uuid>/", views.revoke, name="revoke"),
    path("status/intrekking.json", views.status_list, name="status_list"),
    # Open Badges 2.0 hosted verification, for backpacks that read only 2.0 (edubadges).
    path("ob2/uitgever.json", views.ob2_issuer, name="ob2_issuer"),
    path("ob2/badge/<uuid:uuid>.json", views.ob2_badge, name="ob2_badge"),
    path("ob2/bewijs/<uuid:uuid>.json", views.ob2_assertion, name="ob2_assertion"),
]
