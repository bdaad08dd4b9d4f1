"""``/api/v1/``: the REST API, its OpenAPI description and its reference pages."""

from django.urls import path, re_path

from api import docs_views, meeting_views, member_views, passport_views, views

app_name = "api"
urlpatterns = [
    path("schema/", docs_views.SchemaView.as_view(), name="schema"),
    path("docs/", docs_views.docs, name="docs"),
    path("docs/swagger/", docs_views.SwaggerView.as_view(url_name="api:schema"), name="swagger"),
    path("docs/redoc/", docs_views.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("communities/", views.CommunityList.as_view(), name="communities"),
    path("communities/<slug:slug>/", views.CommunityDetail.as_view(), name="community"),
    path("communities/<slug:slug>/rooms/", views.CommunityRooms.as_view(), name="community_rooms"),
    path("communities/<slug:slug>/membership/", views.CommunityMembership.as_view(), name="community_membership"),
    path("communities/<slug:slug>/meetings/", meeting_views.CommunityMeetings.as_view(), name="community_meetings"),
    path("memberships/", views.MembershipList.as_view(), name="memberships"),
    path("meetings/<int:meeting_id>/", meeting_views.MeetingDetail.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/rsvp/", meeting_views.MeetingRsvp.as_view(), name="meeting_rsvp"),
    path("rooms/<int:room_id>/", views.RoomDetail.as_view(), name="room"),
    path("rooms/<int:room_id>/topics/", views.RoomTopics.as_view(), name="room_topics"),
    path("rooms/<int:room_id>/messages/", views.RoomMessages.as_view(), name="room_messages"),
    path("topics/<int:topic_id>/", views.TopicDetail.as_view(), name="topic"),
    path("messages/<int:message_id>/", views.MessageDetail.as_view(), name="message"),
    path("messages/<int:message_id>/reactions/", views.MessageReactions.as_view(), name="message_reactions"),
    path("notifications/", member_views.NotificationList.as_view(), name="notifications"),
    path("notifications/read/", member_views.NotificationsRead.as_view(), name="notifications_read"),
    path("conversations/", member_views.ConversationList.as_view(), name="conversations"),
    path(
        "conversations/<int:room_id>/messages/",
        member_views.ConversationMessages.as_view(),
        name="conversation_messages",
    ),
    path("mentoring/profile/", member_views.MentoringProfileView.as_view(), name="mentoring_profile"),
    path("mentoring/suggestions/", member_views.MentoringSuggestions.as_view(), name="mentoring_suggestions"),
    path("mentoring/pairs/", member_views.MentoringPairs.as_view(), name="mentoring_pairs"),
    path("mentoring/pairs/<int:pair_id>/", member_views.MentoringPair.as_view(), name="mentoring_pair"),
    path(
        "mentoring/pairs/<int:pair_id>/sessions/",
        member_views.MentoringPairSessions.as_view(),
        name="mentoring_pair_sessions",
    ),
    path("passport/credentials/", passport_views.CredentialList.as_view(), name="passport_credentials"),
    path(
        "passport/credentials/<uuid:credential_id>/",
        passport_views.CredentialDetail.as_view(),
        name="passport_credential",
    ),
    re_path(r"^[\s\S]*$", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
