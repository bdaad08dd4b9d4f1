"""Announce committed changes to live subscribers.

Each event is serialised to its wire frame once, here, and sent once to the room's
group; every server process's hub receives it once and hands the ready text to its
local sockets. The channel layer may drop events (it does, silently, under load), so
clients detect gaps in ``seq`` and ask the database; nothing relies on delivery.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the database has it; clients recover through seq gaps or resync
        logger.warning("could not announce an event to %s", group, exc_info=True)


def announce_room(room_id: int, frame: dict[str, Any]) -> None:
    """After commit, send ``frame`` to everyone subscribed to the room."""
    text = encode(frame)
    seq = frame.get("seq") if frame.get("type") == "message" else None
    transaction.on_commit(
        lambda: _send(room_group(room_id), {"type": "room.frame", "room": room_id, "seq": seq, "text": text})
    )


def announce_room_frames(room_id: int, frames: list[dict[str, Any]]) -> None:
    """After commit, send a batch of message frames in one layer event (see ``post_messages``)."""
    if not frames:
        return
    if len(frames) == 1:
        announce_room(room_id, frames[0])
        return
    items = [[frame["seq"], encode(frame)] for frame in frames]
    transaction.on_commit(lambda: _send(room_group(room_id), {"type": "room.frames", "room": room_id, "items": items}))


def announce_user(user_id: int, kind: str, data: dict[str, Any] | None = None) -> None:
    """After commit, tell a user's sockets about a change of access (e.g. ban, logout)."""
    payload = {"type": "user.event", "user": user_id, "kind": kind, **(data or {})}
    transaction.on_commit(lambda: _send(user_group(user_id), payload))
