"""Announce committed changes to live subscribers.

Each event is serialised to its wire frame once, here, and sent once to the room's
group; every server process's hub receives it once and hands the ready text to its
local sockets. The channel layer may drop events (it does, silently, under load), so
clients detect gaps in ``seq`` and ask the database; nothing relies on delivery.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# How long a database thread waits for its announcement to reach the channel layer; after that
# the send goes on without it (clients recover through seq gaps).
ANNOUNCE_TIMEOUT = 10.0


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _room_event(room_id: int, frames: list[dict[str, Any]]) -> dict[str, Any]:
    """The layer event for one room: one frame, or a batch of message frames committed together.
    Only message frames carry a seq for the hub (the order clients check for gaps)."""
    if len(frames) == 1:
        frame = frames[0]
        seq = frame.get("seq") if frame.get("type") == "message" else None
        return {"type": "room.frame", "room": room_id, "seq": seq, "text": encode(frame)}
    return {"type": "room.frames", "room": room_id, "items": [[f["seq"], encode(f)] for f in frames]}


def _user_event(user_id: int, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "user.event", "user": user_id, "kind": kind, **(data or {})}


def _announce(messages: list[tuple[str, dict[str, Any]]]) -> None:
    if messages:
        transaction.on_commit(lambda: _send_all(messages))


def announce_room(room_id: int, frame: dict[str, Any]) -> None:
    """After commit, send ``frame`` to everyone subscribed to the room."""
    _announce([(room_group(room_id), _room_event(room_id, [frame]))])


def announce_batch(room_frames: dict[int, list[dict[str, Any]]], notified_users: Iterable[int]) -> None:
    """After commit, announce a batch of posts (see ``post_messages``): one layer event per
    room and a ``notification`` event per notified user, sent together.

    One hop from the database thread to the event loop for the whole batch, not one per
    event: with posts to a hundred rooms in one batch, per-event hops cost more than the
    database work.
    """
    messages = [(room_group(rid), _room_event(rid, frames)) for rid, frames in room_frames.items() if frames]
    messages += [(user_group(uid), _user_event(uid, "notification")) for uid in sorted(notified_users)]
    _announce(messages)


def announce_user(user_id: int, kind: str, data: dict[str, Any] | None = None) -> None:
    """After commit, tell a user's sockets about a change of access (e.g. ban, logout)."""
    _announce([(user_group(user_id), _user_event(user_id, kind, data))])


def announce_notifications(user_ids: Iterable[int]) -> None:
    """Right away (the notifications app calls this after commit): the members' badges changed."""
    messages = [(user_group(uid), _user_event(uid, "notification")) for uid in user_ids]
    if messages:
        _send_all(messages)


def _send_all(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send() -> None:
        results = await asyncio.gather(
            *(layer.group_send(group, message) for group, message in messages), return_exceptions=True
        )
        failed = [group for (group, _m), r in zip(messages, results, strict=True) if isinstance(r, BaseException)]
        if failed:  # the database has them; clients recover through seq gaps or resync
            logger.warning("could not announce %d of %d events (first: %s)", len(failed), len(messages), failed[0])

    try:
        loop = _event_loop_of_this_thread()
        if loop is not None:
            asyncio.run_coroutine_threadsafe(send(), loop).result(timeout=ANNOUNCE_TIMEOUT)
        else:
            async_to_sync(send)()
    except Exception:
        logger.warning("could not announce %d events", len(messages), exc_info=True)


def _event_loop_of_this_thread() -> asyncio.AbstractEventLoop | None:
    """The event loop that handed this database thread its work (a socket's frame), if any.

    The send is scheduled there directly and waited for: ``async_to_sync`` would find the same
    loop (asgiref keeps it on ``SyncToAsync.threadlocal``) but also copies the context both ways
    and runs an executor for callbacks into this thread, which a send never makes: a tenth of a
    post's CPU at batches of one. Elsewhere (a request, a test, a command) ``async_to_sync``.
    """
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running() else None
