"""Reactions to messages."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import events, permissions
from forum.errors import Forbidden, Invalid
from forum.models import (
    REACTION_EMOJI,
    Message,
    Reaction,
)
from forum.serializers import reaction_frame


@transaction.atomic
def react(*, actor: Actor | User, message: Message, emoji: str, add: bool | None = None) -> dict[str, list[int]]:
    """Add, remove or (``add=None``) toggle one reaction; one per member per emoji."""
    actor = as_actor(actor)
    if emoji not in REACTION_EMOJI:
        raise Invalid(_("Choose one of the offered reactions."), field="emoji")
    room = message.room
    if not permissions.can_post_in_room(actor, room) or message.deleted_at is not None:
        raise Forbidden(_("You cannot react here."))
    exists = Reaction.objects.filter(message=message, user=actor.member, emoji=emoji).exists()
    want = (not exists) if add is None else add
    if want and not exists:
        Reaction.objects.get_or_create(message=message, user=actor.member, emoji=emoji)
    elif not want and exists:
        Reaction.objects.filter(message=message, user=actor.member, emoji=emoji).delete()
    frame = reaction_frame(message)
    events.announce_room(room.pk, frame)
    reactions: dict[str, list[int]] = frame["reactions"]
    return reactions
