from django.urls import path

from forum import views

app_name = "forum"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("nieuw/", views.community_create, name="community_create"),
    path("zoeken/", views.search, name="search"),
    path("uitnodiging/<uuid:token>/", views.accept_invitation, name="accept_invitation"),
    path("onderwerp/<int:topic_id>/", views.topic, name="topic"),
    path("onderwerp/<int:topic_id>/beheer/", views.topic_manage, name="topic_manage"),
    path("onderwerp/<int:topic_id>/berichten/", views.topic_older, name="topic_older"),
    path("onderwerp/<int:topic_id>/leden/", views.topic_members, name="topic_members"),
    path("onderwerp/<int:topic_id>/voorbeeld/", views.topic_preview, name="topic_preview"),
    path("bericht/<int:message_id>/bewerken/", views.message_edit, name="message_edit"),
    path("bericht/<int:message_id>/geschiedenis/", views.message_history, name="message_history"),
    path("bericht/<int:message_id>/<slug:action>/", views.message_action, name="message_action"),
    path("bijlage/<int:attachment_id>/", views.attachment, name="attachment"),
    path("bijlage/<int:attachment_id>/klein/", views.attachment_thumbnail, name="attachment_thumbnail"),
    path("<slug:slug>/", views.community, name="community"),
    path("<slug:slug>/bewerken/", views.community_edit, name="community_edit"),
    path("<slug:slug>/lid-worden/", views.join, name="join"),
    path("<slug:slug>/verlaten/", views.leave, name="leave"),
    path("<slug:slug>/leden/", views.members, name="members"),
    path("<slug:slug>/leden/<int:membership_id>/besluit/", views.decide, name="decide"),
    path("<slug:slug>/leden/<int:membership_id>/rol/", views.change_role, name="change_role"),
    path("<slug:slug>/gebruiker/<int:user_id>/verbannen/", views.ban, name="ban"),
    path("<slug:slug>/gebruiker/<int:user_id>/dempen/", views.mute, name="mute"),
    path("<slug:slug>/uitnodigen/", views.invite, name="invite"),
    path("<slug:slug>/moderatie/", views.moderation, name="moderation"),
    path("<slug:slug>/ruimte-maken/", views.room_create, name="room_create"),
    path("<slug:slug>/<slug:room_slug>/", views.room, name="room"),
    path("<slug:slug>/<slug:room_slug>/instellingen/", views.room_settings, name="room_settings"),
]
