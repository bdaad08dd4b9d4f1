"""Read markers: how far a member has read a room and a topic."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import permissions
from forum.errors import Forbidden
from forum.models import (
    ReadState,
    Room,
    Topic,
    TopicReadState,
)
from forum.selectors import read_markers


def mark_read(
    *,
    actor: Actor | User,
    room: Room,
    seq: int,
    topic: Topic | None = None,
    room_read_seq: int | None = None,
    topic_read_seq: int | None = None,
) -> int:
    """Move the read marker forward (never back); returns the stored value.

    ``room_read_seq`` and ``topic_read_seq`` are the markers as the caller has just read them
    (``None``: not known, or no marker yet). When the markers already cover ``seq`` — the usual
    case when a page is viewed again — nothing is written and no transaction is opened: with
    both known there is no query at all, else one read. Markers only move forward, so a known
    value that covers ``seq`` still does when this runs; the returned value is then at least it.
    """
    actor = as_actor(actor)
    if not permissions.can_read_room(actor, room):
        raise Forbidden(_("You cannot read this room."))
    seq = max(0, min(int(seq), room.last_seq))
    if room_read_seq is None or (topic is not None and topic_read_seq is None):
        room_read_seq, topic_read_seq = read_markers(actor=actor, room=room, topic=topic)
    if (
        room_read_seq is not None
        and room_read_seq >= seq
        and (topic is None or (topic_read_seq is not None and topic_read_seq >= seq))
    ):
        return room_read_seq
    with transaction.atomic():
        state, _created = ReadState.objects.get_or_create(user=actor.member, room=room)
        if seq > state.last_read_seq:
            ReadState.objects.filter(pk=state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
            state.last_read_seq = seq
        if topic is not None:
            topic_state, _created = TopicReadState.objects.get_or_create(user=actor.member, topic=topic)
            if seq > topic_state.last_read_seq:
                TopicReadState.objects.filter(pk=topic_state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        return state.last_read_seq
