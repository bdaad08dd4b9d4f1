"""Every read the forum's pages and the realtime layer use: one module per kind of page, re-exported here.

Bounded queries, paginated.
"""

from __future__ import annotations

from forum.selectors.communities import (
    DirectoryFilters,
    community_detail,
    community_page_data,
    directory,
    members,
    my_memberships,
    readable_rooms,
    visible_communities,
)
from forum.selectors.direct import (
    ConversationRow,
    MemberCard,
    ReportedConversation,
    blocked_members,
    community_members,
    conversation_title,
    direct_topic,
    member_card,
    message_setting,
    my_conversations,
    participant_names,
    reported_conversations,
)
from forum.selectors.history import REPLAY_LIMIT, message_in_room, room_history_frames, room_range_frames
from forum.selectors.message_list import TopicViewer, first_unread_seq, section_attributes
from forum.selectors.moderation import audit_log, moderation_queue
from forum.selectors.post_status import post_blocked_reason
from forum.selectors.search import search
from forum.selectors.topics import (
    HISTORY_PAGE,
    MessagePage,
    ReaderTopic,
    attachment_views,
    first_seq,
    latest_messages,
    load_messages,
    message_view,
    read_markers,
    readable_message,
    readable_room,
    readable_topic,
    room_by_slugs,
    room_messages_after,
    room_readers,
    room_topics,
    topic_for_reader,
    topic_messages,
    topic_with_room,
)
from forum.selectors.unread import unread_counts, unread_notifications, unread_total

__all__ = [
    "HISTORY_PAGE",
    "REPLAY_LIMIT",
    "ConversationRow",
    "DirectoryFilters",
    "MemberCard",
    "MessagePage",
    "ReaderTopic",
    "ReportedConversation",
    "TopicViewer",
    "attachment_views",
    "audit_log",
    "blocked_members",
    "community_detail",
    "community_members",
    "community_page_data",
    "conversation_title",
    "direct_topic",
    "directory",
    "first_seq",
    "first_unread_seq",
    "latest_messages",
    "load_messages",
    "member_card",
    "members",
    "message_in_room",
    "message_setting",
    "message_view",
    "moderation_queue",
    "my_conversations",
    "my_memberships",
    "participant_names",
    "post_blocked_reason",
    "read_markers",
    "readable_message",
    "readable_room",
    "readable_rooms",
    "readable_topic",
    "reported_conversations",
    "room_by_slugs",
    "room_history_frames",
    "room_messages_after",
    "room_range_frames",
    "room_readers",
    "room_topics",
    "search",
    "section_attributes",
    "topic_for_reader",
    "topic_messages",
    "topic_with_room",
    "unread_counts",
    "unread_notifications",
    "unread_total",
    "visible_communities",
]
