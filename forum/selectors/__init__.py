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
    readable_rooms,
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
    room_by_slugs,
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
    "DirectoryFilters",
    "MessagePage",
    "ReaderTopic",
    "TopicViewer",
    "attachment_views",
    "audit_log",
    "community_detail",
    "community_page_data",
    "directory",
    "first_seq",
    "first_unread_seq",
    "latest_messages",
    "load_messages",
    "members",
    "message_in_room",
    "message_view",
    "moderation_queue",
    "post_blocked_reason",
    "read_markers",
    "readable_rooms",
    "room_by_slugs",
    "room_history_frames",
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
]
