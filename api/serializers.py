"""The API's shapes: plain serializers that describe what goes in and out (no model writes here).

Writes go through the owning app's services; these only parse input and describe output for
the OpenAPI description.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.limits import API_PAGE_MAX, API_PAGE_SIZE, MAX_MESSAGE_BODY


class PageQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=1)


class CommunityOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    waaromvraag = serializers.CharField()
    visibility = serializers.CharField()
    scope = serializers.CharField()
    member_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class CommunityRef(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class MembershipOut(serializers.Serializer):
    id = serializers.IntegerField()
    community = CommunityRef()
    role = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class RoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.slug")
    kind = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    is_restricted = serializers.BooleanField()
    is_archived = serializers.BooleanField()
    last_seq = serializers.IntegerField(help_text="The seq of the room's newest message (0: none yet).")


class TopicOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    message_count = serializers.IntegerField()
    last_seq = serializers.IntegerField()
    is_resolved = serializers.BooleanField()
    is_question = serializers.BooleanField()


class TopicIn(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    body = serializers.CharField(max_length=MAX_MESSAGE_BODY, required=False, allow_blank=True, default="")
    is_question = serializers.BooleanField(required=False, default=False)


class AuthorOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    topic = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="1, 2, 3 … per room, no gaps: the cursor of the message list.")
    client_id = serializers.UUIDField()
    author = AuthorOut()
    body_html = serializers.CharField(allow_blank=True, help_text="Empty when the message is deleted or hidden.")
    created_at = serializers.DateTimeField()
    edited = serializers.BooleanField()
    deleted = serializers.BooleanField()
    hidden = serializers.BooleanField()
    pinned = serializers.BooleanField()
    reply_to = serializers.IntegerField(allow_null=True)
    reactions = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class MessagePageOut(serializers.Serializer):
    results = MessageOut(many=True)
    head_seq = serializers.IntegerField(help_text="The room's newest seq when this page was read.")
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as `after` for the next page; null when this page reached the head."
    )


class MessageQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, max_value=2**62, required=False, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=API_PAGE_MAX, required=False, default=API_PAGE_SIZE)
    topic = serializers.IntegerField(min_value=1, max_value=2**62, required=False)


class MessageIn(serializers.Serializer):
    topic = serializers.IntegerField(min_value=1, max_value=2**62)
    body = serializers.CharField(max_length=MAX_MESSAGE_BODY, trim_whitespace=False)
    client_id = serializers.UUIDField(
        help_text="Your idempotency key: posting again with the same client_id answers the stored message."
    )
    reply_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)


class ReactionIn(serializers.Serializer):
    emoji = serializers.CharField(max_length=32)
    add = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true, false or null (toggle)."
    )


class ReactionsOut(serializers.Serializer):
    reactions = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


def page_of(serializer: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A page-number list of ``serializer`` items, named for the description."""
    attrs: dict[str, Any] = {
        "count": serializers.IntegerField(),
        "page": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "next": serializers.IntegerField(allow_null=True, help_text="The next page's number, or null."),
        "results": serializer(many=True),
    }
    return type(name, (serializers.Serializer,), attrs)


CommunityPage = page_of(CommunityOut, "CommunityPage")
MembershipPage = page_of(MembershipOut, "MembershipPage")
RoomPage = page_of(RoomOut, "RoomPage")
TopicPage = page_of(TopicOut, "TopicPage")
