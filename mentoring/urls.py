from django.urls import path

from mentoring import views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("profiel/", views.profile_edit, name="profile_edit"),
    path("suggesties/", views.suggestions, name="suggestions"),
    path("voorstellen/<int:user_id>/", views.propose, name="propose"),
    path("koppels/<int:pk>/", views.relationship, name="relationship"),
    path("koppels/<int:pk>/reageren/", views.respond, name="respond"),
    path("koppels/<int:pk>/afspraken/", views.agreement, name="agreement"),
    path("koppels/<int:pk>/ondertekenen/", views.sign, name="sign"),
    path("koppels/<int:pk>/coordinator/", views.coordinator_access, name="coordinator_access"),
    path("koppels/<int:pk>/sessies/nieuw/", views.session_new, name="session_new"),
    path("koppels/<int:pk>/doelen/nieuw/", views.goal_new, name="goal_new"),
    path("koppels/<int:pk>/status/", views.change_status, name="change_status"),
    path("koppels/<int:pk>/afsluiten/", views.closing, name="closing"),
    path("koppels/<int:pk>/sessies/plannen/", views.session_plan, name="session_plan"),
    path("sessies/<int:pk>/verzetten/", views.session_reschedule, name="session_reschedule"),
    path("sessies/<int:pk>/afzeggen/", views.session_cancel, name="session_cancel"),
    path("sessies/<int:pk>/gehouden/", views.session_held, name="session_held"),
    path("sessies/<int:pk>/agenda.ics", views.session_ics, name="session_ics"),
    path("sessies/<int:pk>/reflectie/", views.reflection, name="reflection"),
    path("doelen/<int:pk>/", views.goal_progress, name="goal_progress"),
    path("checkins/<int:pk>/", views.checkin, name="checkin"),
    path("programmas/", views.programme_list, name="programmes"),
    path("programmas/nieuw/", views.programme_edit, name="programme_new"),
    path("programmas/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmas/<slug:slug>/bewerken/", views.programme_edit, name="programme_edit"),
    path("programmas/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("programmas/<slug:slug>/export.csv", views.export_csv, name="export"),
    path("programmas/<slug:slug>/uitnodigen/", views.invite, name="invite"),
    path("programmas/<slug:slug>/toelaten/<int:participation_id>/", views.admit, name="admit"),
    path("programmas/<slug:slug>/ronde/", views.matching_round, name="round"),
]
