from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
    path("k/<slug:slug>/", views.community_meetings, name="community"),
    path("k/<slug:slug>/nieuw/", views.create, name="create"),
    path("bericht/<int:message_id>/", views.from_message, name="from_message"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/bijeenkomst.ics", views.ics, name="ics"),
    path("<int:pk>/bewerken/", views.edit, name="edit"),
    path("<int:pk>/annuleren/", views.cancel, name="cancel"),
    path("<int:pk>/antwoord/", views.rsvp, name="rsvp"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/bericht/", views.agenda_message, name="agenda_message"),
    path("<int:pk>/agenda/<int:item_id>/weg/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/tafels/", views.tables, name="tables"),
    path("<int:pk>/tafels/verplaatsen/", views.table_move, name="table_move"),
    path("<int:pk>/aanwezig/", views.attendance, name="attendance"),
    path("<int:pk>/notulen/", views.minutes, name="minutes"),
    path("<int:pk>/notulen/plaatsen/", views.minutes_post, name="minutes_post"),
    path("<int:pk>/notulen/als-les/", views.minutes_lesson, name="minutes_lesson"),
]
