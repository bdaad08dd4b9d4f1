"""Topics: starting, renaming, moving, resolving and accepting an answer."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.text import check_text
from forum import events, permissions
from forum.errors import Forbidden, Invalid
from forum.models import (
    Message,
    Room,
    Topic,
    TopicReadState,
)
from forum.serializers import topic_frame
from forum.services._common import _audit, _notify
from forum.services.posting import post_message
from notifications.models import NotificationKind


@transaction.atomic
def create_topic(
    *,
    actor: Actor | User,
    room: Room,
    title: str,
    body: str = "",
    client_id: uuid.UUID | None = None,
    is_question: bool = False,
) -> Topic:
    actor = as_actor(actor)
    if room.is_direct:  # a direct conversation is its one topic (forum.services.direct)
        raise Forbidden(_("A direct conversation has one topic; write in it."), code="direct_one_topic")
    if not permissions.can_post_in_room(actor, room):
        raise Forbidden(_("You cannot start a topic in this room."))
    title = " ".join(check_text(title, field="title").split())
    if not title:
        raise Invalid(_("A topic needs a title."), field="title")
    if len(title) > 160:
        raise Invalid(_("Keep the title under 160 characters."), field="title")
    topic = Topic.objects.create(room=room, title=title, created_by=actor.member, is_question=is_question)
    if body.strip():
        post_message(actor=actor, topic=topic, body=body, client_id=client_id or uuid.uuid4())
        topic.refresh_from_db(fields=["message_count", "last_seq", "last_message_at"])
    events.announce_room(room.pk, topic_frame(topic))
    return topic


@transaction.atomic
def rename_topic(*, actor: Actor | User, topic: Topic, title: str) -> Topic:
    actor = as_actor(actor)
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("You cannot rename this topic."))
    title = " ".join(check_text(title, field="title").split())
    if not title or len(title) > 160:
        raise Invalid(_("A topic needs a title of at most 160 characters."), field="title")
    topic.title = title
    topic.save(update_fields=["title"])
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic


@transaction.atomic
def move_topic(*, actor: Actor | User, topic: Topic, room: Room) -> Topic:
    """Move a topic to another room of the same community; its messages get new seqs there."""
    actor = as_actor(actor)
    if room.community_id != topic.room.community_id:
        raise Invalid(_("Topics move only between rooms of the same community."), field="room")
    if not permissions.can_moderate_community(actor, topic.room.community):
        raise Forbidden(_("Only facilitators can move topics."))
    if room.pk == topic.room_id:
        return topic
    source = topic.room
    target = Room.objects.select_for_update().get(pk=room.pk)
    moved = list(Message.objects.filter(topic=topic).order_by("seq").only("pk", "seq", "room"))
    for offset, message in enumerate(moved, start=1):
        message.room = target
        message.seq = target.last_seq + offset
    Message.objects.bulk_update(moved, ["room", "seq"], batch_size=500)
    Room.objects.filter(pk=target.pk).update(last_seq=F("last_seq") + len(moved))
    topic.room = target
    topic.last_seq = target.last_seq + len(moved) if moved else 0
    topic.save(update_fields=["room", "last_seq"])
    TopicReadState.objects.filter(topic=topic).update(last_read_seq=0)
    _audit(source.community, actor, "move_topic", topic.title, f"{source.name} → {target.name}")
    # Both rooms hear of it: the source's list drops the row, the target's gains it.
    events.announce_room(source.pk, topic_frame(topic, moved_to=target.pk, room_id=source.pk))
    events.announce_room(target.pk, topic_frame(topic, moved_to=target.pk))
    events.announce_room(
        target.pk,
        {"type": "resync", "room": target.pk, "reason": "topic_moved", "head_seq": topic.last_seq or target.last_seq},
    )
    return topic


@transaction.atomic
def set_topic_resolved(*, actor: Actor | User, topic: Topic, resolved: bool) -> Topic:
    actor = as_actor(actor)
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("You cannot change this topic."))
    topic.is_resolved = resolved
    topic.save(update_fields=["is_resolved"])
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic


@transaction.atomic
def accept_answer(*, actor: Actor | User, topic: Topic, message: Message | None) -> Topic:
    actor = as_actor(actor)
    if not topic.is_question:
        raise Invalid(_("Only practice questions have an accepted answer."))
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("Only the person who asked or a facilitator can accept an answer."))
    if message is not None and (message.topic_id != topic.pk or message.deleted_at is not None):
        raise Invalid(_("Accept an answer from this topic."))
    topic.accepted_answer = message
    topic.is_resolved = message is not None
    topic.save(update_fields=["accepted_answer", "is_resolved"])
    if message is not None and message.author_id and message.author_id != actor.pk:
        _notify(
            message.author_id,
            NotificationKind.ACCEPTED_ANSWER,
            _("Your answer in “%(topic)s” was accepted") % {"topic": topic.title},
            f"{topic.get_absolute_url()}#m{message.seq}",
            message,
            actor=actor.member,
            community_id=topic.room.community_id,
            params={"topic": topic.title},
        )
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic
