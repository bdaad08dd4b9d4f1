"""Editing and deleting a message (a deleted message leaves a tombstone)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import events, permissions
from forum.errors import Forbidden
from forum.models import (
    Message,
    MessageRevision,
    Topic,
)
from forum.services._common import _audit, announce_message_changed
from forum.services.posting import render_for_room, validate_body


@transaction.atomic
def edit_message(*, actor: Actor | User, message: Message, body: str) -> Message:
    actor = as_actor(actor)
    message = Message.objects.select_for_update().select_related("room__community", "topic").get(pk=message.pk)
    if not permissions.can_edit_message(actor, message):
        raise Forbidden(_("You can only edit your own messages."))
    validate_body(body)
    if body == message.body:
        return message
    MessageRevision.objects.create(message=message, body=message.body)
    room = message.room
    rendered = render_for_room(room, body)
    message.body = body
    message.body_html = rendered.html
    message.search_text = f"{message.topic.title}\n{rendered.text}"
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "search_text", "edited_at"])
    announce_message_changed(message)
    return message


@transaction.atomic
def delete_message(*, actor: Actor | User, message: Message) -> Message:
    """Delete leaves a tombstone: the seq stays, the text goes."""
    actor = as_actor(actor)
    message = Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    if not permissions.can_delete_message(actor, message):
        raise Forbidden(_("You cannot delete this message."))
    message.deleted_at = timezone.now()
    message.deleted_by = actor.member
    message.body_html = ""
    message.search_text = ""
    message.save(update_fields=["deleted_at", "deleted_by", "body_html", "search_text"])
    if message.author_id != actor.pk:
        _audit(message.room.community, actor, "delete_message", f"#{message.seq} in {message.room.name}")
    Topic.objects.filter(accepted_answer=message).update(accepted_answer=None)
    events.announce_room(
        message.room_id,
        {"type": "message_deleted", "room": message.room_id, "topic": message.topic_id, "seq": message.seq},
    )
    return message
