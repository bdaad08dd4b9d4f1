"""Message frames for the realtime layer: replay after a seq, a range, one message."""

from __future__ import annotations

from typing import Any

from forum.message_markup import Labels
from forum.models import (
    Message,
    Room,
)
from forum.selectors.topics import load_messages
from forum.serializers import view_frame

REPLAY_LIMIT = 500


def room_history_frames(*, room: Room, after_seq: int, limit: int = REPLAY_LIMIT) -> tuple[list[dict[str, Any]], bool]:
    """Frames for messages with seq > after_seq, oldest first; ``complete`` is False past the bound.

    Each frame carries its rendered ``article``, as live frames do. A bounded number of queries
    whatever the size (``selectors.load_messages``): the messages with their authors, their
    reactions, and only when some have them, attachments and the messages replied to.
    """
    page = load_messages(Message.objects.filter(room=room, seq__gt=after_seq), limit=limit, oldest=True)
    labels = Labels()
    return [view_frame(view, names=page.names, labels=labels) for view in page.messages], not page.has_older


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
