"""Reactions to messages."""

from __future__ import annotations

import emoji as emoji_data
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import events, permissions
from forum.errors import Forbidden, Invalid
from forum.models import REACTION_MAX_LENGTH, Message, Reaction
from forum.serializers import reaction_frame

MAX_REACTIONS_PER_MEMBER = 10


def reaction_emoji(value: str) -> str:
    """One emoji, in its fully qualified form (so "❤" and "❤️" are one chip), or ``Invalid``."""
    value = (value or "").strip()
    if len(value) > REACTION_MAX_LENGTH or not emoji_data.is_emoji(value):
        raise Invalid(_("A reaction is one emoji."), field="emoji")
    return str(emoji_data.emojize(emoji_data.demojize(value)))


@transaction.atomic
def react(*, actor: Actor | User, message: Message, emoji: str, add: bool | None = None) -> dict[str, list[int]]:
    """Add, remove or (``add=None``) toggle one reaction; one per member per emoji."""
    actor = as_actor(actor)
    emoji = reaction_emoji(emoji)
    room = message.room
    if not permissions.can_post_in_room(actor, room) or message.deleted_at is not None:
        raise Forbidden(_("You cannot react here."))
    exists = Reaction.objects.filter(message=message, user=actor.member, emoji=emoji).exists()
    want = (not exists) if add is None else add
    if want and not exists:
        # A member's reactions to one message are bounded, so chips stay a row, not a wall.
        if Reaction.objects.filter(message=message, user=actor.member).count() >= MAX_REACTIONS_PER_MEMBER:
            raise Invalid(
                _("You can give at most %(count)d reactions to one message.") % {"count": MAX_REACTIONS_PER_MEMBER},
                field="emoji",
            )
        Reaction.objects.get_or_create(message=message, user=actor.member, emoji=emoji)
    elif not want and exists:
        Reaction.objects.filter(message=message, user=actor.member, emoji=emoji).delete()
    frame = reaction_frame(message)
    events.announce_room(room.pk, frame)
    reactions: dict[str, list[int]] = frame["reactions"]
    return reactions
