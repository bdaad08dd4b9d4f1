"""``/api/v1/``: the REST API, its OpenAPI description and its reference pages."""

from django.urls import path, re_path

from api import docs_views, views

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
    path("memberships/", views.MembershipList.as_view(), name="memberships"),
    path("rooms/<int:room_id>/", views.RoomDetail.as_view(), name="room"),
    path("rooms/<int:room_id>/topics/", views.RoomTopics.as_view(), name="room_topics"),
    path("rooms/<int:room_id>/messages/", views.RoomMessages.as_view(), name="room_messages"),
    path("topics/<int:topic_id>/", views.TopicDetail.as_view(), name="topic"),
    path("messages/<int:message_id>/", views.MessageDetail.as_view(), name="message"),
    path("messages/<int:message_id>/reactions/", views.MessageReactions.as_view(), name="message_reactions"),
    re_path(r"^[\s\S]*$", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
