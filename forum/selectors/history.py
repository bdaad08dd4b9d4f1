"""Message frames for the realtime layer: replay after a seq, a range, one message."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from forum.models import (
    Message,
    Reaction,
    Room,
)
from forum.serializers import author_name, group_reactions, message_frame

REPLAY_LIMIT = 500


_FRAME_FIELDS = (
    "room_id",
    "topic_id",
    "seq",
    "author_id",
    "client_id",
    "body_html",
    "created_at",
    "edited_at",
    "deleted_at",
    "is_hidden",
    "is_pinned",
)


def room_history_frames(*, room: Room, after_seq: int, limit: int = REPLAY_LIMIT) -> tuple[list[dict[str, Any]], bool]:
    """Frames for messages with seq > after_seq, oldest first; ``complete`` is False past the bound.

    Three queries whatever the size: the messages (only the columns a frame has), their reactions,
    and their (few distinct) authors, each loaded once instead of joined into every row.
    """
    rows = list(Message.objects.filter(room=room, seq__gt=after_seq).only(*_FRAME_FIELDS).order_by("seq")[: limit + 1])
    complete = len(rows) <= limit
    rows = rows[:limit]
    by_message: dict[int, list[tuple[str, int]]] = {}
    for message_id, emoji, user_id in Reaction.objects.filter(message__in=[m.pk for m in rows]).values_list(
        "message_id", "emoji", "user_id"
    ):
        by_message.setdefault(message_id, []).append((emoji, user_id))
    author_ids = {m.author_id for m in rows if m.author_id}
    authors = {
        user.pk: user
        for user in User.objects.filter(pk__in=author_ids)
        .select_related("profile")
        .only("email", "first_name", "last_name", "profile__user_id", "profile__display_name")
    }
    for m in rows:
        if m.author_id in authors:
            m.author = authors[m.author_id]
    frames = [
        message_frame(m, author_name=author_name(m), reactions=group_reactions(by_message.get(m.pk, ()))) for m in rows
    ]
    return frames, complete


def room_range_frames(*, room: Room, from_seq: int, to_seq: int) -> list[dict[str, Any]]:
    frames, _complete = room_history_frames(
        room=room, after_seq=from_seq - 1, limit=max(0, min(to_seq - from_seq + 1, REPLAY_LIMIT))
    )
    return [f for f in frames if f["seq"] <= to_seq]


def message_in_room(*, room_id: int, seq: int) -> Message | None:
    return (
        Message.objects.select_related("room__community", "topic", "author__profile")
        .filter(room_id=room_id, seq=seq)
        .first()
    )
