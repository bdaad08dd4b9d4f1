"""The wire shape of forum objects, shared by live events and history replay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from forum.models import Message, Topic


def group_reactions(rows: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(emoji, user_id) pairs as {emoji: [user ids]}, the shape pages and frames use."""
    grouped: dict[str, list[int]] = {}
    for emoji, user_id in rows:
        grouped.setdefault(emoji, []).append(user_id)
    return grouped


def author_name(message: Message) -> str:
    return message.author.display_name if message.author_id and message.author else _("former member")


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
