"""The database side of each frame: sync functions that call forum selectors and services.

The consumer runs these in a worker thread. They hold no rules of their own: every
permission and every write is the forum's. Each frame gets its own actor, built here from
the socket's user: what it learns (memberships) lasts for that frame only, so a ban or a
mute is seen by the next frame however long the socket lives.
"""

from __future__ import annotations

from typing import Any

from accounts.actor import Actor
from accounts.models import User
from forum import permissions, selectors, services
from forum.errors import ForumError, NotFound
from forum.models import Message, Room, Topic
from notifications import selectors as notification_selectors
from realtime.protocol import BeyondHead


def load_user(user_id: int) -> User | None:
    return User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()


def _room(actor: Actor, room_id: int) -> Room:
    room = Room.objects.select_related("community").filter(pk=room_id).first()
    if room is None or not permissions.can_read_room(actor, room):
        # The same answer whether the room is missing or closed to you: no existence leak.
        raise NotFound("This room does not exist or you cannot read it.")
    return room


def subscribe(user: User, room_id: int, after_seq: int | None, limit: int) -> dict[str, Any]:
    room = _room(Actor(user=user), room_id)
    if after_seq is None:
        return {"head_seq": room.last_seq, "frames": [], "complete": True}
    frames, complete = selectors.room_history_frames(room=room, after_seq=after_seq, limit=limit)
    return {"head_seq": room.last_seq, "frames": frames, "complete": complete}


def unread_notifications(user_id: int) -> int:
    return notification_selectors.unread_count(user_id=user_id)


def still_readable(user_id: int, room_ids: list[int]) -> list[int]:
    user = load_user(user_id)
    if user is None:
        return []
    actor = Actor(user=user)
    readable = []
    for room in Room.objects.select_related("community").filter(pk__in=room_ids):
        if permissions.can_read_room(actor, room):
            readable.append(room.pk)
    return readable


def fetch(user: User, room_id: int, from_seq: int, to_seq: int) -> list[dict[str, Any]]:
    room = _room(Actor(user=user), room_id)
    if to_seq > room.last_seq:
        raise BeyondHead(room.last_seq)  # the client's seqs are not this room's: it must reload
    return selectors.room_range_frames(room=room, from_seq=from_seq, to_seq=to_seq)


def catch_up(user: User, room_id: int, after_seq: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    room = _room(Actor(user=user), room_id)
    return selectors.room_history_frames(room=room, after_seq=after_seq, limit=limit)


def post_batch(posts: list[services.NewMessage]) -> list[int | ForumError]:
    """Posts to any rooms, written together; per post its seq or the error that refused it."""
    results = services.post_messages(posts=posts)
    return [r if isinstance(r, ForumError) else r.seq for r in results]


def _message(actor: Actor, room_id: int, seq: int) -> Message:
    message = selectors.message_in_room(room_id=room_id, seq=seq)
    if message is None or not permissions.can_read_room(actor, message.room):
        raise NotFound("This message does not exist.")
    return message


def edit(user: User, room_id: int, seq: int, body: str) -> None:
    actor = Actor(user=user)
    services.edit_message(actor=actor, message=_message(actor, room_id, seq), body=body)


def delete(user: User, room_id: int, seq: int) -> None:
    actor = Actor(user=user)
    services.delete_message(actor=actor, message=_message(actor, room_id, seq))


def react(user: User, room_id: int, seq: int, emoji: str, add: bool | None) -> None:
    actor = Actor(user=user)
    services.react(actor=actor, message=_message(actor, room_id, seq), emoji=emoji, add=add)


def read(user: User, room_id: int, seq: int, topic_id: int | None = None) -> int:
    actor = Actor(user=user)
    room = _room(actor, room_id)
    topic = None
    if topic_id is not None:
        topic = Topic.objects.filter(pk=topic_id, room=room).first()
        if topic is None:
            raise NotFound("This topic is not in that room.")
    return services.mark_read(actor=actor, room=room, seq=seq, topic=topic)
