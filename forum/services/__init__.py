"""Every write in the forum: one module per action family, re-exported here.

Keyword-only, typed, one transaction each, permission-checked, taking the ``actor``.
Views (HTTP) and consumers (WebSocket) call these and nothing else writes forum models.
Live events are announced after commit (``forum.events``), never before.
"""

from __future__ import annotations

from forum.services._common import (
    KNOWLEDGE_COMMUNITY_SLUG,
    SYSTEM_MENTORING_SLUG,
    _refresh_member_count,
    share_slug_space,
)
from forum.services.attachments import ATTACHMENT_MAX_BYTES, DOCUMENT_TYPES
from forum.services.communities import create_community, update_community
from forum.services.direct import (
    block_member,
    open_conversation,
    report_conversation,
    resolve_conversation_reports,
    set_message_setting,
    unblock_member,
)
from forum.services.editing import delete_message, edit_message
from forum.services.memberships import (
    accept_invitation,
    change_role,
    decide_membership,
    invite,
    join_community,
    leave_community,
)
from forum.services.moderation import ban_member, dismiss_flags, flag_message, hide_message, mute_member, pin_message
from forum.services.notifications import PARTICIPANTS_NOTIFIED, mark_notifications_read
from forum.services.posting import (
    MAX_BODY,
    NewMessage,
    existing_messages_query,
    post_message,
    post_messages,
    preview_html,
    validate_body,
)
from forum.services.reactions import react
from forum.services.read_state import mark_read
from forum.services.rooms import (
    add_room_member,
    archive_pair_room,
    create_pair_room,
    create_room,
    ensure_knowledge_room,
    remove_room_member,
    update_room,
)
from forum.services.topics import accept_answer, create_topic, move_topic, rename_topic, set_topic_resolved

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "DOCUMENT_TYPES",
    "KNOWLEDGE_COMMUNITY_SLUG",
    "MAX_BODY",
    "PARTICIPANTS_NOTIFIED",
    "SYSTEM_MENTORING_SLUG",
    "NewMessage",
    "_refresh_member_count",
    "accept_answer",
    "accept_invitation",
    "add_room_member",
    "archive_pair_room",
    "ban_member",
    "block_member",
    "change_role",
    "create_community",
    "create_pair_room",
    "create_room",
    "create_topic",
    "decide_membership",
    "delete_message",
    "dismiss_flags",
    "edit_message",
    "ensure_knowledge_room",
    "existing_messages_query",
    "flag_message",
    "hide_message",
    "invite",
    "join_community",
    "leave_community",
    "mark_notifications_read",
    "mark_read",
    "move_topic",
    "mute_member",
    "open_conversation",
    "pin_message",
    "post_message",
    "post_messages",
    "preview_html",
    "react",
    "remove_room_member",
    "rename_topic",
    "report_conversation",
    "resolve_conversation_reports",
    "set_message_setting",
    "set_topic_resolved",
    "share_slug_space",
    "unblock_member",
    "update_community",
    "update_room",
    "validate_body",
]
