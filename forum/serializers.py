"""The wire shape of forum objects, shared by live events and history replay."""

from __future__ import annotations

from typing import Any

from forum.models import Message, Topic


def message_frame(
    message: Message, *, author_name: str, reactions: dict[str, list[int]] | None = None
) -> dict[str, Any]:
    deleted = message.deleted_at is not None or message.is_hidden
    return {
        "type": "message",
        "room": message.room_id,
        "topic": message.topic_id,
        "seq": message.seq,
        "id": message.pk,
        "client_id": str(message.client_id),
        "author": {"id": message.author_id, "name": author_name},
        "html": "" if deleted else message.body_html,
        "deleted": deleted,
        "edited": message.edited_at is not None,
        "pinned": message.is_pinned,
        "created_at": message.created_at.isoformat(),
        "reactions": reactions or {},
    }


def topic_frame(topic: Topic) -> dict[str, Any]:
    return {
        "type": "topic_updated",
        "room": topic.room_id,
        "topic": topic.pk,
        "title": topic.title,
        "resolved": topic.is_resolved,
        "accepted_answer": topic.accepted_answer_id,
    }
